import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { defaults } from '../config/defaults.ts';
import { loadStackFile } from '../config/loadStack.ts';
import {
  checkLoadTarget,
  createLoadProgress,
  LIMITS,
  type LoadPlan,
  LoadPlanError,
  type RampStep,
  runLoad,
  TargetRefused,
  validateLoadPlan,
} from '../loadgen/index.ts';
import { readInstancePage } from '../probes/page.ts';
import { UsageError } from './usageError.ts';

// `labdrill load`: the lab's `ab -n 200000 -c 1000 http://ALB/`, with caps. Load goes only to the stack's
// ALB (the host of alb.url); any other host is refused before a socket opens. It ends by itself on the
// duration or request cap, or on Ctrl-C, and prints (and can write) what it measured.

export interface LoadFlags {
  config: string;
  url?: string;
  connections?: string;
  duration?: string;
  rate?: string;
  maxRequests?: string;
  ramp?: string;
  out?: string;
}

/** Without flags: a tenth of the lab's load for half a minute (config/defaults.ts, loadCommand). */
const loadDefaults = defaults.loadCommand;

function wholeNumber(flag: string, text: string, range: { min: number; max: number }): number {
  if (!/^\d{1,10}$/.test(text.trim()))
    throw new UsageError(`--${flag} must be a whole number, got '${text}'`);
  const value = Number(text.trim());
  if (value < range.min || value > range.max) {
    throw new UsageError(`--${flag} must be within ${range.min}..${range.max}, got ${value}`);
  }
  return value;
}

function seconds(flag: string, text: string, range: { min: number; max: number }): number {
  if (!/^\d{1,7}(\.\d{1,3})?$/.test(text.trim()))
    throw new UsageError(`--${flag} must be seconds, got '${text}'`);
  const value = Number(text.trim());
  if (value < range.min || value > range.max) {
    throw new UsageError(`--${flag} must be within ${range.min}..${range.max} seconds, got ${value}`);
  }
  return value;
}

/** `--ramp 50:10,200:20@500` → steps of CONNECTIONS:HOLD_SECONDS, each with an optional @RATE. */
export function parseRamp(text: string): RampStep[] {
  const parts = text.split(',').map((part) => part.trim());
  if (parts.length === 0 || parts.some((part) => part === '')) {
    throw new UsageError(
      `--ramp must be steps like 50:10,200:20 (CONNECTIONS:SECONDS[@RATE]), got '${text}'`,
    );
  }
  if (parts.length > LIMITS.rampSteps.max) {
    throw new UsageError(`--ramp has ${parts.length} steps; at most ${LIMITS.rampSteps.max}`);
  }
  return parts.map((part) => {
    const match = /^(\d{1,10}):(\d{1,7}(?:\.\d{1,3})?)(?:@(\d{1,10}))?$/.exec(part);
    if (!match) {
      throw new UsageError(`--ramp step '${part}' must be CONNECTIONS:SECONDS or CONNECTIONS:SECONDS@RATE`);
    }
    const connections = wholeNumber('ramp connections', match[1] as string, LIMITS.connections);
    const holdS = seconds('ramp seconds', match[2] as string, LIMITS.rampHoldS);
    return match[3] === undefined
      ? { connections, holdS }
      : { connections, holdS, rate: wholeNumber('ramp rate', match[3], LIMITS.rate) };
  });
}

export interface LoadCommandPlan {
  url: string;
  allowedHosts: string[];
  connections: number;
  durationS: number;
  maxRequests: number;
  rate?: number;
  ramp?: RampStep[];
}

/** The plan from the stack file and the flags; a UsageError for anything wrong, before any socket. */
export function planFromFlags(
  albUrl: string | undefined,
  flags: Omit<LoadFlags, 'config' | 'out'>,
): LoadCommandPlan {
  if (!albUrl) {
    throw new UsageError("the stack file has no alb.url: labdrill load sends load only to the stack's ALB");
  }
  let albHost: string;
  try {
    albHost = new URL(albUrl).host;
  } catch {
    throw new UsageError(`alb.url '${albUrl}' is not a valid URL`);
  }
  const url = flags.url ?? albUrl;
  const allowedHosts = [albHost];
  try {
    checkLoadTarget(url, allowedHosts);
  } catch (error) {
    if (error instanceof TargetRefused)
      throw new UsageError(`refused: ${error.message}; load goes only to the stack's ALB`);
    throw error;
  }
  const ramp = flags.ramp === undefined ? undefined : parseRamp(flags.ramp);
  const connections =
    flags.connections !== undefined
      ? wholeNumber('connections', flags.connections, LIMITS.connections)
      : ramp
        ? Math.max(...ramp.map((s) => s.connections))
        : loadDefaults.connections;
  const rampS = ramp ? ramp.reduce((sum, s) => sum + s.holdS, 0) : 0;
  const durationS =
    flags.duration !== undefined
      ? seconds('duration', flags.duration, LIMITS.durationS)
      : ramp
        ? Math.min(LIMITS.durationS.max, Math.max(LIMITS.durationS.min, rampS))
        : loadDefaults.durationS;
  const maxRequests =
    flags.maxRequests !== undefined
      ? wholeNumber('max-requests', flags.maxRequests, LIMITS.maxRequests)
      : loadDefaults.maxRequests;
  const rate = flags.rate === undefined ? undefined : wholeNumber('rate', flags.rate, LIMITS.rate);
  const plan: LoadCommandPlan = {
    url,
    allowedHosts,
    connections,
    durationS,
    maxRequests,
    ...(rate !== undefined ? { rate } : {}),
    ...(ramp ? { ramp } : {}),
  };
  try {
    validateLoadPlan(toLoadPlan(plan));
  } catch (error) {
    if (error instanceof LoadPlanError) throw new UsageError(error.message);
    throw error;
  }
  return plan;
}

function toLoadPlan(plan: LoadCommandPlan, extra: Partial<LoadPlan> = {}): LoadPlan {
  return {
    url: plan.url,
    allowedHosts: plan.allowedHosts,
    connections: plan.connections,
    durationS: plan.durationS,
    maxRequests: plan.maxRequests,
    ...(plan.rate !== undefined ? { rate: plan.rate } : {}),
    ...(plan.ramp ? { ramp: { steps: plan.ramp } } : {}),
    ...extra,
  };
}

async function runLoadCommand(flags: LoadFlags): Promise<void> {
  const stack = loadStackFile(resolve(flags.config));
  const plan = planFromFlags(stack.alb?.url, flags);
  const outDir = flags.out ? resolve(flags.out) : undefined;
  const patterns = stack.alb?.instancePattern;
  const progress = createLoadProgress({ label: 'load', totalS: plan.durationS });
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  console.log(
    `load: ${plan.url} — at most ${plan.connections} connections, ${plan.durationS} s, ${plan.maxRequests} requests` +
      `${plan.rate !== undefined ? `, ${plan.rate} req/s` : ''}${plan.ramp ? `, ramp ${plan.ramp.map((s) => `${s.connections}:${s.holdS}`).join(',')}` : ''}`,
  );
  let summary: ReturnType<typeof progress.finish>;
  let result: Awaited<ReturnType<typeof runLoad>>;
  try {
    result = await runLoad(
      toLoadPlan(plan, {
        sampleTargets: {
          every: defaults.loadCommand.sampleTargetsEvery,
          identify: (body) => readInstancePage(body, patterns).instanceId,
        },
        onSecond: progress.onSecond,
        signal: controller.signal,
      }),
    );
    summary = progress.finish(result);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  for (const warning of result.warnings) console.log(`  warning: ${warning}`);
  if (outDir) {
    mkdirSync(outDir, { recursive: true });
    const file = join(outDir, 'load.json');
    const document = {
      schema: 'labdrill.load/1',
      stack: stack.name,
      plan: { ...plan, ...(plan.ramp ? { ramp: plan.ramp.map((s) => ({ ...s })) } : {}) },
      summary,
      startedAt: result.startedAt,
      endedAt: result.endedAt,
      totals: result.totals,
      series: result.series,
      sampling: result.sampling,
      warnings: result.warnings,
    };
    writeFileSync(file, `${JSON.stringify(document, null, 2)}\n`);
    console.log(`  wrote ${file}`);
  }
}

export function registerLoadCommand(command: Command): void {
  command
    .requiredOption(
      '-c, --config <file>',
      'stack file (YAML or JSON); alb.url names the only host load may go to',
    )
    .option('--url <url>', 'where on the ALB to send the load (default: alb.url); another host is refused')
    .option('--connections <n>', `most connections open at once (default ${loadDefaults.connections})`)
    .option('--duration <s>', `stop after this many seconds (default ${loadDefaults.durationS})`)
    .option('--rate <r>', 'cap on requests per second over all connections')
    .option('--max-requests <n>', `stop after this many requests (default ${loadDefaults.maxRequests})`)
    .option('--ramp <steps>', 'steps CONNECTIONS:SECONDS[@RATE], comma-separated, e.g. 50:10,200:20,1000:60')
    .option('--out <dir>', 'also write the summary and per-second series to DIR/load.json')
    .addHelpText(
      'after',
      `
The load stops by itself on the first of: --duration, --max-requests, Ctrl-C. It never exceeds
--connections. Live progress shows req/s, p50/p99 latency and errors; at the end one summary line with the
share of sampled responses per instance (read from the lab page).

Examples:
  $ labdrill load --config stack.yaml --connections 1000 --max-requests 200000 --duration 300
  $ labdrill load --config stack.yaml --ramp 50:10,200:20,1000:60 --out out/
  $ labdrill load --config stack.yaml --url http://lab-vpc-alb-asg-97160126.ap-northeast-2.elb.amazonaws.com/index.php --rate 500`,
    )
    .action(async (flags: LoadFlags) => {
      await runLoadCommand(flags);
      process.exitCode = 0;
    });
}
