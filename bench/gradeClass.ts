import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { startTwin, type RunningTwin } from '../fixtures/twin/startTwin.ts';
import type { ClassSummary } from '../reports/grading/gradeModel.ts';
import { catalog } from '../suites/catalog.ts';

// `npm run bench -- grade`: a class of 30 probe-only stacks graded with --concurrency 8, against the slowest
// single stack graded alone, in interleaved rounds (the median of the rounds' ratios); and the peak memory
// of labdrill's whole process tree during the class run, sampled from /proc. Targets: ≤ 3× the slowest single
// stack, < 1 GiB. The 30 stacks are spread over ten twins (in this process, not counted in labdrill's
// memory), student i on twin i mod 10: the 8 students graded at once are on 8 different twins, as each
// student of a real class has a stack of their own. Students graded at once on one twin would meddle with
// each other as no class does: their requests would take turns at one load balancer, so that one student's
// share of the answers is no longer its round robin (8 % of them then needed alb.round-robin's full
// sample, against none with a twin each).

const bin = fileURLToPath(new URL('../cli/bin.mjs', import.meta.url));
const students = 30;
const twinsUsed = 10;
const concurrency = 8;
/** Stacks also graded alone, each round: all twins are alike, and three give the slowest of them. */
const singlesGraded = 3;
const rounds = 5;

/** Every probe but the long scale-in watch: what a course grades without --chaos. */
function probeRubric(): string {
  const items = catalog
    .filter((entry) => entry.kind === 'probe' && !entry.afterDrills)
    .map((entry) => ({ check: entry.id, points: 1 }));
  return stringify({ name: 'bench-probes', title: 'Every probe', items });
}

/** Sum of VmRSS over a process and all its descendants, in bytes. */
function treeRss(root: number): number {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(parent, [...(children.get(parent) ?? []), Number(name)]);
    } catch {
      // The process ended while being read.
    }
  }
  let total = 0;
  const pending = [root];
  while (pending.length > 0) {
    const pid = pending.pop()!;
    try {
      const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
      total += Number(rss ?? 0) * 1024;
    } catch {
      // Ended.
    }
    pending.push(...(children.get(pid) ?? []));
  }
  return total;
}

function timedGrade(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ ms: number; peakRss: number; code: number }> {
  const started = performance.now();
  const child = spawn(process.execPath, [bin, 'grade', ...args], {
    env: { ...process.env, ...env, CI: 'true' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  let peakRss = 0;
  // Every 250 ms: each look reads all of /proc, and a faster pace would take CPU from the run it measures.
  const sampler = setInterval(() => {
    if (child.pid) peakRss = Math.max(peakRss, treeRss(child.pid));
  }, 250);
  // Bounded: a class run that hangs ends the bench.
  const killer = setTimeout(() => child.kill('SIGKILL'), 15 * 60_000);
  return new Promise((resolve) => {
    child.on('close', (code) => {
      clearInterval(sampler);
      clearTimeout(killer);
      resolve({ ms: performance.now() - started, peakRss, code: code ?? 1 });
    });
  });
}

/** CPU seconds (user + system) of a process, from /proc; its waited-for children too with `children`. */
function cpuSeconds(pid: number | 'self', children = false): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat
    .slice(stat.lastIndexOf(')') + 2)
    .split(' ')
    .map(Number);
  // utime, stime, cutime, cstime are fields 14–17 of the line, 12–15 after the name.
  const ticks = fields[11]! + fields[12]! + (children ? fields[13]! + fields[14]! : 0);
  return ticks / 100;
}

/** CPU seconds of every MariaDB server running now (the twins' databases). */
function databaseCpuSeconds(): number {
  let total = 0;
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readFileSync(`/proc/${name}/comm`, 'utf8').trim() === 'mariadbd') total += cpuSeconds(Number(name));
    } catch {
      // Ended.
    }
  }
  return total;
}

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

export async function runGradeBench(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'labdrill-bench-grade-'));
  // Probe-only stacks need no Aurora cluster: three database servers a twin instead of five.
  const twins: RunningTwin[] = await Promise.all(
    Array.from({ length: twinsUsed }, () => startTwin({ auroraServers: false })),
  );
  try {
    const env: NodeJS.ProcessEnv = {};
    for (const key of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_REGION'])
      env[key] = twins[0]!.awsEnv[key];
    writeFileSync(join(dir, 'rubric.yaml'), probeRubric());
    const roster = (ids: string[]) => ({
      course: 'bench',
      rubric: 'rubric.yaml',
      students: ids.map((id) => ({ id, name: `Student ${id}`, stack: `${id}.yaml` })),
    });
    const ids = Array.from({ length: students }, (_, i) => `s${String(i + 1).padStart(3, '0')}`);
    ids.forEach((id, index) => {
      const twin = twins[index % twinsUsed]!;
      const stack = parse(readFileSync(twin.stackFile, 'utf8')) as {
        name: string;
        rds: { sql: { passwordEnv: string } };
      };
      const variable = `LAB_DB_PASSWORD_T${index % twinsUsed}`;
      env[variable] = twin.awsEnv[stack.rds.sql.passwordEnv];
      stack.rds.sql.passwordEnv = variable;
      stack.name = id;
      writeFileSync(join(dir, `${id}.yaml`), stringify(stack));
    });
    writeFileSync(join(dir, 'class.yaml'), stringify(roster(ids)));
    const singles = ids.slice(0, singlesGraded);
    for (const id of singles) writeFileSync(join(dir, `single-${id}.yaml`), stringify(roster([id])));

    const singleMs: number[][] = singles.map(() => []);
    const classMs: number[] = [];
    const classRss: number[] = [];
    const cpu = { labdrill: [] as number[], twins: [] as number[], databases: [] as number[] };
    for (let round = 0; round < rounds; round++) {
      for (const [index, id] of singles.entries()) {
        const run = await timedGrade(
          ['--roster', join(dir, `single-${id}.yaml`), '--out', join(dir, `out-single-${id}-${round}`)],
          env,
        );
        if (run.code !== 0) throw new Error(`grading ${id} alone ended with exit ${run.code}`);
        singleMs[index]!.push(run.ms);
      }
      const out = join(dir, `out-class-${round}`);
      // The labdrill process tree is a waited-for child; the twins run in this process.
      const before = {
        children: cpuSeconds('self', true) - cpuSeconds('self'),
        self: cpuSeconds('self'),
        db: databaseCpuSeconds(),
      };
      const run = await timedGrade(
        ['--roster', join(dir, 'class.yaml'), '--concurrency', String(concurrency), '--out', out],
        env,
      );
      const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as ClassSummary;
      const notGraded = summary.students.filter((student) => student.status !== 'graded');
      if (run.code !== 0 || notGraded.length > 0) {
        throw new Error(
          `the class run ended with exit ${run.code}; not graded: ${notGraded.map((s) => `${s.id} (${s.reasons[0]})`).join(', ')}`,
        );
      }
      // Every stack is a healthy twin: a point lost is labdrill (or the twin) misjudging under a class's load,
      // which a timing must not hide.
      const lost = summary.students.flatMap((student) =>
        student.items
          .filter((item) => item.points < item.max)
          .map((item) => `${student.id} ${item.check} (${item.status})`),
      );
      if (lost.length > 0) throw new Error(`healthy stacks lost points in the class run: ${lost.join(', ')}`);
      classMs.push(run.ms);
      classRss.push(run.peakRss);
      cpu.labdrill.push(cpuSeconds('self', true) - cpuSeconds('self') - before.children);
      cpu.twins.push(cpuSeconds('self') - before.self);
      cpu.databases.push(databaseCpuSeconds() - before.db);
    }
    const singleMedians = singleMs.map(median);
    const slowestSingle = Math.max(...singleMedians);
    const slowest = singleMs[singleMedians.indexOf(slowestSingle)]!;
    const classWall = median(classMs);
    // Each round's class against the slowest stack's run of that round: the two ran seconds apart, so a
    // spell when the whole machine runs slower (this VM's speed drifts by a fifth) falls on both.
    const roundRatios = classMs.map((ms, round) => ms / slowest[round]!);
    const ratio = median(roundRatios);
    const peakMiB = Math.max(...classRss) / 1024 / 1024;
    console.log(
      `\nGrading ${students} probe-only stacks, --concurrency ${concurrency} (median of ${rounds} interleaved rounds)`,
    );
    for (const [index, id] of singles.entries())
      console.log(`  ${id} alone                 ${(median(singleMs[index]!) / 1000).toFixed(2)} s`);
    console.log(`  the class of ${students}            ${(classWall / 1000).toFixed(2)} s`);
    console.log(
      `  ratio to the slowest single stack ${ratio.toFixed(2)}× (median of the rounds' ratios, ${Math.min(...roundRatios).toFixed(2)}–${Math.max(...roundRatios).toFixed(2)}; target ≤ 3×: ${ratio <= 3 ? 'met' : 'NOT met'})`,
    );
    console.log(
      `  CPU during the class run: labdrill ${median(cpu.labdrill).toFixed(1)} s, the twins ${median(cpu.twins).toFixed(1)} s, their MariaDB servers ${median(cpu.databases).toFixed(1)} s (2 cores give ${((2 * classWall) / 1000).toFixed(1)} s)`,
    );
    console.log(
      `  peak memory of labdrill's process tree ${peakMiB.toFixed(0)} MiB (target < 1024 MiB: ${peakMiB < 1024 ? 'met' : 'NOT met'})`,
    );
  } finally {
    await Promise.all(twins.map((twin) => twin.stop()));
    rmSync(dir, { recursive: true, force: true });
  }
}
