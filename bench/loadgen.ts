// Load generator benchmark: runLoad (per-target sampling on and off) side by side with the
// autocannon CLI, wrk and ab, against one fast loopback target, same duration and connections.
// The target is the design's bar: runLoad with sampling on reaches ≥ 0.9× the autocannon CLI.
//
//   npx tsx bench/loadgen.ts [--duration 5] [--connections 50] [--rounds 1]
//
// The target runs in its own process (a raw TCP server answering each request with a canned copy
// of the lab's index.php page, alternating two instance ids), so on a 2-core machine the target has
// one core and the tool being measured the other, and the tool, not the target, sets the pace.

import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { runLoad } from '../loadgen/runLoad.ts';

export interface LoadgenBenchOptions {
  /** Seconds each tool runs; 5 unless set. */
  durationS?: number;
  /** Connections for every tool; 50 unless set. */
  connections?: number;
  /** runLoad's sampling: read 1 of every N bodies; 10 unless set. */
  sampleEvery?: number;
  /** Rounds over all tools; each tool's median round is reported. 1 unless set, at most 5. */
  rounds?: number;
  /** Where progress lines go; console.log unless set. */
  log?: (line: string) => void;
}

export interface BenchRow {
  tool: string;
  rps: number | null;
  p50Ms: number | null;
  p99Ms: number | null;
  /** rps / autocannon CLI rps. */
  ratioToCli: number | null;
  note: string;
}

export interface LoadgenBenchReport {
  durationS: number;
  connections: number;
  target: string;
  rounds: number;
  /** 1-minute load average before and after: other work on the machine skews every figure. */
  loadAverage: { before: number; after: number };
  rows: BenchRow[];
  /** runLoad with sampling on, over the autocannon CLI. */
  samplingOnRatio: number | null;
  /** Whether samplingOnRatio ≥ REQUIRED_RATIO; null when it could not be measured. */
  targetMet: boolean | null;
}

export const REQUIRED_RATIO = 0.9;

const INSTANCE_PATTERN = /Instance ID<\/td><td><i>(i-[0-9a-f]+)<\/i>/;

/** The target process, as CommonJS for `node -e`. Prints its port on its first line. */
const TARGET_SOURCE = String.raw`
const net = require('node:net');
// The shape of the lab's index.php output (rows close with <tr>, as the PHP prints them).
const page = (id) => '<html><head><title>lab</title></head><body><table>' +
  '<tr><td>Instance ID</td><td><i>' + id + '</i></td><tr>' +
  '<tr><td>Private IP Address</td><td><i>10.1.3.17</i></td><tr>' +
  '<tr><td>Availability Zone</td><td><i>ap-northeast-2a</i></td><tr></table>' +
  '<table><tr><td>ID</td><td>NAME</td><td>ADDRESS</td></tr><tr><td>1</td><td>lab</td><td>seoul</td></tr></table>' +
  '</body></html>';
const responses = ['i-0a1b2c3d4e5f60001', 'i-0a1b2c3d4e5f60002'].map((id) => {
  const body = page(id);
  return Buffer.from('HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=UTF-8\r\nContent-Length: ' +
    Buffer.byteLength(body) + '\r\nConnection: keep-alive\r\n\r\n' + body, 'latin1');
});
let next = 0;
const server = net.createServer((socket) => {
  socket.setNoDelay(true);
  let carry = '';
  socket.on('data', (chunk) => {
    // Requests are bodiless GETs: each ends at a blank line. Keep 3 chars to catch one split over reads.
    const text = carry + chunk.toString('latin1');
    let count = 0;
    let at = text.indexOf('\r\n\r\n');
    while (at !== -1) { count++; at = text.indexOf('\r\n\r\n', at + 4); }
    carry = text.slice(-3);
    if (count === 0) return;
    if (count === 1) { socket.write(responses[next++ & 1]); return; }
    const out = [];
    for (let i = 0; i < count; i++) out.push(responses[next++ & 1]);
    socket.write(Buffer.concat(out));
  });
  socket.on('error', () => {});
});
server.listen(0, '127.0.0.1', () => { process.stdout.write(server.address().port + '\n'); });
process.on('disconnect', () => process.exit(0));
`;

interface Target {
  url: string;
  stop(): Promise<void>;
}

async function startTarget(): Promise<Target> {
  const child: ChildProcess = spawn(process.execPath, ['-e', TARGET_SOURCE], {
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('bench target did not start within 5 s')), 5000);
    child.stdout!.once('data', (chunk: Buffer) => {
      clearTimeout(timer);
      resolve(Number.parseInt(chunk.toString(), 10));
    });
    child.once('exit', (code) => reject(new Error(`bench target exited early (code ${code})`)));
  });
  return {
    url: `http://127.0.0.1:${port}/`,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

interface ToolRun {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  note: string;
}

function run(command: string, args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error)
        reject(new Error(`${command} failed: ${error.message.split('\n')[0]} ${stderr.slice(0, 300)}`));
      else resolve(stdout);
    });
  });
}

function commandExists(name: string): boolean {
  return ['/usr/bin', '/usr/local/bin', '/bin'].some((dir) => existsSync(`${dir}/${name}`));
}

async function measureRunLoad(
  url: string,
  o: Required<LoadgenBenchOptions>,
  sampling: boolean,
): Promise<ToolRun> {
  const result = await runLoad({
    url,
    allowedHosts: ['127.0.0.1'],
    connections: o.connections,
    durationS: o.durationS,
    ...(sampling
      ? {
          sampleTargets: {
            every: o.sampleEvery,
            identify: (body) => INSTANCE_PATTERN.exec(body)?.[1] ?? null,
          },
        }
      : {}),
  });
  const shares = Object.entries(result.targetShares)
    .map(([id, share]) => `${id.slice(-4)} ${(share * 100).toFixed(1)}%`)
    .join(', ');
  return {
    rps: result.totals.rpsMean,
    p50Ms: result.totals.latency.p50,
    p99Ms: result.totals.latency.p99,
    note: sampling
      ? `1 in ${o.sampleEvery}: ${result.sampling.sampled} bodies read, shares ${shares || 'none'}`
      : `errors ${result.totals.errors}`,
  };
}

async function measureAutocannonCli(url: string, o: Required<LoadgenBenchOptions>): Promise<ToolRun> {
  const bin = fileURLToPath(new URL('../node_modules/.bin/autocannon', import.meta.url));
  const stdout = await run(
    bin,
    ['-j', '-c', String(o.connections), '-d', String(o.durationS), url],
    (o.durationS + 20) * 1000,
  );
  const json = JSON.parse(stdout) as {
    duration: number;
    errors: number;
    requests: { total: number };
    latency: { p50: number; p99: number };
  };
  return {
    rps: json.requests.total / json.duration,
    p50Ms: json.latency.p50,
    p99Ms: json.latency.p99,
    note: `errors ${json.errors}`,
  };
}

function wrkMs(text: string): number {
  const match = /^([\d.]+)(us|ms|s)$/.exec(text.trim());
  if (match === null) return Number.NaN;
  const value = Number.parseFloat(match[1]!);
  return match[2] === 'us' ? value / 1000 : match[2] === 's' ? value * 1000 : value;
}

async function measureWrk(url: string, o: Required<LoadgenBenchOptions>): Promise<ToolRun> {
  const stdout = await run(
    'wrk',
    ['-t1', `-c${o.connections}`, `-d${o.durationS}s`, '--latency', url],
    (o.durationS + 20) * 1000,
  );
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1];
  const p50 = /^\s+50%\s+(\S+)/m.exec(stdout)?.[1];
  const p99 = /^\s+99%\s+(\S+)/m.exec(stdout)?.[1];
  if (rps === undefined || p50 === undefined || p99 === undefined)
    throw new Error('could not read wrk output');
  return { rps: Number.parseFloat(rps), p50Ms: wrkMs(p50), p99Ms: wrkMs(p99), note: '1 thread' };
}

async function measureAb(url: string, o: Required<LoadgenBenchOptions>): Promise<ToolRun> {
  // -t alone caps ab at 50,000 requests; -n after it lifts that (ab sizes a stats array by -n).
  const stdout = await run(
    'ab',
    ['-k', '-q', '-c', String(o.connections), '-t', String(o.durationS), '-n', '2000000', url],
    (o.durationS + 20) * 1000,
  );
  const rps = /Requests per second:\s+([\d.]+)/.exec(stdout)?.[1];
  const p50 = /^\s+50%\s+(\d+)/m.exec(stdout)?.[1];
  const p99 = /^\s+99%\s+(\d+)/m.exec(stdout)?.[1];
  if (rps === undefined || p50 === undefined || p99 === undefined)
    throw new Error('could not read ab output');
  const failed = /Failed requests:\s+(\d+)/.exec(stdout)?.[1] ?? '?';
  return {
    rps: Number.parseFloat(rps),
    p50Ms: Number.parseFloat(p50),
    p99Ms: Number.parseFloat(p99),
    note: `HTTP/1.0 keep-alive, whole-ms latency, failed ${failed}`,
  };
}

interface Tool {
  name: string;
  available: () => string | null;
  measure: (url: string, o: Required<LoadgenBenchOptions>) => Promise<ToolRun>;
}

const CLI_TOOL = 'autocannon CLI';
const SAMPLING_ON_TOOL = 'runLoad, sampling on';

// The autocannon CLI and runLoad with sampling on run back to back: on a shared machine that keeps
// the ratio that matters least exposed to background load changing between them.
const TOOLS: Tool[] = [
  {
    name: CLI_TOOL,
    available: () =>
      existsSync(fileURLToPath(new URL('../node_modules/.bin/autocannon', import.meta.url)))
        ? null
        : 'node_modules/.bin/autocannon not found (run npm ci)',
    measure: measureAutocannonCli,
  },
  { name: SAMPLING_ON_TOOL, available: () => null, measure: (url, o) => measureRunLoad(url, o, true) },
  {
    name: 'runLoad, sampling off',
    available: () => null,
    measure: (url, o) => measureRunLoad(url, o, false),
  },
  {
    name: 'wrk',
    available: () => (commandExists('wrk') ? null : 'not installed (apt-get install wrk)'),
    measure: measureWrk,
  },
  {
    name: 'ab',
    available: () => (commandExists('ab') ? null : 'not installed (apt-get install apache2-utils)'),
    measure: measureAb,
  },
];

function formatTable(rows: BenchRow[]): string {
  const header = ['tool', 'req/s', 'p50 ms', 'p99 ms', '× CLI', 'note'];
  const cells = rows.map((r) => [
    r.tool,
    r.rps === null ? '-' : Math.round(r.rps).toLocaleString('en-US'),
    r.p50Ms === null ? '-' : r.p50Ms.toFixed(2),
    r.p99Ms === null ? '-' : r.p99Ms.toFixed(2),
    r.ratioToCli === null ? '-' : r.ratioToCli.toFixed(2),
    r.note,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) =>
    c
      .map((cell, i) => (i >= 1 && i <= 4 ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

export async function runLoadgenBench(options: LoadgenBenchOptions = {}): Promise<LoadgenBenchReport> {
  const o: Required<LoadgenBenchOptions> = {
    durationS: Math.min(Math.max(options.durationS ?? 5, 1), 60),
    connections: Math.min(Math.max(options.connections ?? 50, 1), 500),
    sampleEvery: options.sampleEvery ?? 10,
    rounds: Math.min(Math.max(Math.round(options.rounds ?? 1), 1), 5),
    log: options.log ?? ((line) => console.log(line)),
  };
  const loadBefore = loadavg()[0]!;
  const target = await startTarget();
  const runs = new Map<string, ToolRun[]>();
  const notes = new Map<string, string>();
  try {
    o.log(
      `loadgen bench: ${o.connections} connections, ${o.durationS} s per tool, ${o.rounds} round(s), ` +
        `target ${target.url}, load average ${loadBefore.toFixed(2)}`,
    );
    // Warm the target's JIT so the first tool measured is not penalised.
    await runLoad({ url: target.url, allowedHosts: ['127.0.0.1'], connections: o.connections, durationS: 1 });
    for (let round = 1; round <= o.rounds; round++) {
      for (const tool of TOOLS) {
        const missing = tool.available();
        if (missing !== null) {
          if (round === 1) o.log(`  ${tool.name}: skipped, ${missing}`);
          notes.set(tool.name, `skipped: ${missing}`);
          continue;
        }
        o.log(`  ${tool.name} (round ${round}) …`);
        try {
          const r = await tool.measure(target.url, o);
          runs.set(tool.name, [...(runs.get(tool.name) ?? []), r]);
        } catch (error) {
          notes.set(tool.name, `failed: ${(error as Error).message.slice(0, 200)}`);
        }
      }
    }
  } finally {
    await target.stop();
  }
  const loadAfter = loadavg()[0]!;

  const rows: BenchRow[] = TOOLS.map((tool) => {
    const toolRuns = [...(runs.get(tool.name) ?? [])].sort((a, b) => a.rps - b.rps);
    const median = toolRuns[Math.floor((toolRuns.length - 1) / 2)];
    if (median === undefined) {
      return {
        tool: tool.name,
        rps: null,
        p50Ms: null,
        p99Ms: null,
        ratioToCli: null,
        note: notes.get(tool.name) ?? '',
      };
    }
    const note =
      toolRuns.length > 1
        ? `${median.note}; rounds ${toolRuns.map((r) => Math.round(r.rps)).join('/')}`
        : median.note;
    return {
      tool: tool.name,
      rps: median.rps,
      p50Ms: median.p50Ms,
      p99Ms: median.p99Ms,
      ratioToCli: null,
      note,
    };
  });

  const cliRps = rows.find((r) => r.tool === CLI_TOOL)?.rps ?? null;
  for (const row of rows) {
    row.ratioToCli = cliRps !== null && cliRps > 0 && row.rps !== null ? row.rps / cliRps : null;
  }
  const samplingOnRatio = rows.find((r) => r.tool === SAMPLING_ON_TOOL)?.ratioToCli ?? null;
  const report: LoadgenBenchReport = {
    durationS: o.durationS,
    connections: o.connections,
    rounds: o.rounds,
    loadAverage: { before: loadBefore, after: loadAfter },
    target: 'raw TCP server in a child process, canned lab page (2 instance ids), keep-alive',
    rows,
    samplingOnRatio,
    targetMet: samplingOnRatio === null ? null : samplingOnRatio >= REQUIRED_RATIO,
  };
  o.log('');
  o.log(formatTable(rows));
  if (Math.max(loadBefore, loadAfter) > 1.5) {
    o.log(
      `note: load average ${loadBefore.toFixed(2)} → ${loadAfter.toFixed(2)}; other work was running, figures are noisy`,
    );
  }
  o.log('');
  o.log(
    samplingOnRatio === null
      ? `target (runLoad with sampling on ≥ ${REQUIRED_RATIO}× autocannon CLI): not measured`
      : `target (runLoad with sampling on ≥ ${REQUIRED_RATIO}× autocannon CLI): ` +
          `${report.targetMet ? 'met' : 'NOT met'} (${samplingOnRatio.toFixed(2)}×)`,
  );
  return report;
}

function argValue(name: string): number | undefined {
  const at = process.argv.indexOf(name);
  if (at === -1) return undefined;
  const value = Number(process.argv[at + 1]);
  return Number.isFinite(value) ? value : undefined;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const durationS = argValue('--duration');
  const connections = argValue('--connections');
  const rounds = argValue('--rounds');
  await runLoadgenBench({
    ...(rounds === undefined ? {} : { rounds }),
    ...(durationS === undefined ? {} : { durationS }),
    ...(connections === undefined ? {} : { connections }),
  });
}
