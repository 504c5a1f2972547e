import { resolve } from 'node:path';
import type { Command } from 'commander';
import { Option } from 'commander';
import { loadRoster, type Roster, type RosterStudent } from '../config/roster.ts';
import { defaults } from '../config/defaults.ts';
import { buildClassSummary } from '../reports/grading/classSummary.ts';
import type { Rubric } from '../reports/grading/gradeModel.ts';
import { loadRubric } from '../reports/grading/loadRubric.ts';
import { mergeShardFolders } from '../reports/grading/mergeShards.ts';
import { parseShard, pickShard } from '../reports/grading/shard.ts';
import { writeSummaryFiles } from '../reports/grading/summaryFiles.ts';
import { chooseProgressMode, createCountBar } from '../reports/liveProgress.ts';
import { safeForTerminal } from '../reports/untrustedText.ts';
import { type GradeClassOptions, type StudentOutcome, gradeClass } from './gradeClass.ts';
import { UsageError } from './usageError.ts';

// `labdrill grade`: a class graded from its roster against one rubric, a few students at a time, with a
// progress bar; one folder per student and the class summary. `labdrill grade merge` joins shard folders
// (one CI job per shard) into the summary one unsharded run would have written.

interface GradeFlags {
  roster?: string;
  rubric?: string;
  concurrency?: string;
  shard?: string;
  out: string;
  regrade?: boolean;
  chaos?: boolean;
  autograder?: 'classroom' | 'vocareum' | 'gradescope';
}

const defaultConcurrency = defaults.runConcurrency.studentsGraded;

function concurrencyOf(flag: string | undefined, roster: Roster): number {
  if (flag === undefined) return roster.concurrency ?? defaultConcurrency;
  const value = Number(flag);
  if (!Number.isInteger(value) || value < 1 || value > 64) {
    throw new UsageError(`--concurrency must be a whole number from 1 to 64, got '${flag.slice(0, 20)}'`);
  }
  return value;
}

/** The rubric named on the command line, else the roster's; a missing or bad one is bad input. */
function rubricFor(flag: string | undefined, roster: Roster): Rubric {
  if (flag !== undefined) return loadRubric(flag);
  if (!roster.rubric) {
    throw new UsageError(`${roster.file}: no rubric: set rubric: in the roster or pass --rubric NAME|FILE`);
  }
  return loadRubric(roster.rubric.kind === 'builtin' ? roster.rubric.name : roster.rubric.path);
}

function outcomeLine(student: RosterStudent, outcome: StudentOutcome): string {
  const name = safeForTerminal(student.name).slice(0, 60);
  const what =
    outcome.status === 'not-graded'
      ? `not graded: ${safeForTerminal(outcome.reason ?? '')}`.slice(0, 200)
      : `${outcome.score} / ${outcome.max}${outcome.status === 'kept' ? ' (kept from an earlier run; --regrade grades again)' : ''}`;
  return `  ${student.id.padEnd(12)} ${name.padEnd(24)} ${what}`;
}

export async function runGrade(flags: GradeFlags & { roster: string }): Promise<0 | 1> {
  // Every input is checked before any student is graded.
  const roster = loadRoster(flags.roster);
  const rubric = rubricFor(flags.rubric, roster);
  const concurrency = concurrencyOf(flags.concurrency, roster);
  const shard = flags.shard !== undefined ? parseShard(flags.shard) : null;
  const students = shard ? pickShard(roster.students, shard.k, shard.n) : roster.students;
  const outDir = resolve(flags.out);
  const kind = flags.autograder;
  const autograders = kind ? await import('../reports/grading/autograders/index.ts') : undefined;
  // Each student's files go to their own folder: the platform's environment (one submission's) is not used.
  const autograder =
    kind && autograders
      ? (...[grade, report, dir]: Parameters<NonNullable<GradeClassOptions['autograder']>>) => {
          autograders.writeAutograderFiles(kind, grade, report, dir, {});
        }
      : undefined;

  const byId = new Map(students.map((student) => [student.id, student]));
  const mode = chooseProgressMode(process.stdout, process.env);
  const bar =
    mode === 'live'
      ? createCountBar(
          'grading {bar} {value}/{total} students | {graded} graded, {notGraded} not graded | {current}',
        )
      : undefined;
  const counts = { graded: 0, notGraded: 0 };
  const running = new Set<string>();
  const payload = () => ({ ...counts, current: [...running].slice(0, 4).join(' ') });
  const label = `${shard ? `shard ${shard.k}/${shard.n}: ` : ''}${students.length} students, rubric ${rubric.name}, ${concurrency} at a time`;
  if (bar) bar.start(students.length, 0, payload());
  else console.log(`labdrill grade: ${label}`);

  const outcomes = await gradeClass({
    students,
    rubric,
    outDir,
    concurrency,
    regrade: flags.regrade === true,
    chaos: flags.chaos === true,
    ...(autograder ? { autograder } : {}),
    onStudent: (event) => {
      if (event.kind === 'started') {
        running.add(event.id);
        bar?.update(payload());
        return;
      }
      running.delete(event.id);
      if (event.outcome.status === 'not-graded') counts.notGraded += 1;
      else counts.graded += 1;
      const line = outcomeLine(byId.get(event.id)!, event.outcome);
      if (bar) bar.increment(1, payload());
      else if (mode !== 'silent') console.log(line);
    },
  });
  bar?.stop();

  const summary = buildClassSummary({
    outDir,
    course: roster.course,
    rubric: rubric.name,
    students: students.map(({ id, name }) => ({ id, name })),
    generatedAt: new Date().toISOString(),
  });
  const files = Object.values(writeSummaryFiles(outDir, summary));
  if (bar) for (const outcome of outcomes) console.log(outcomeLine(byId.get(outcome.id)!, outcome));
  const notGraded = outcomes.filter((outcome) => outcome.status === 'not-graded').length;
  console.log(
    `\n${roster.course}: ${outcomes.length - notGraded} graded, ${notGraded} not graded (rubric ${rubric.name})`,
  );
  for (const file of files) console.log(`  wrote ${file}`);
  // A student not graded needs the grader's attention (their role, a throttled account): say so by the exit code.
  return notGraded > 0 ? 1 : 0;
}

interface MergeFlags {
  out: string;
  roster?: string;
}

export async function runGradeMerge(shardDirs: string[], flags: MergeFlags): Promise<0> {
  const roster = flags.roster ? loadRoster(flags.roster) : undefined;
  const result = mergeShardFolders(
    flags.out,
    shardDirs,
    roster
      ? { course: roster.course, students: roster.students.map(({ id, name }) => ({ id, name })) }
      : undefined,
  );
  for (const warning of result.warnings) console.log(`  note: ${safeForTerminal(warning)}`);
  for (const file of Object.values(result.files)) console.log(`  wrote ${file}`);
  return 0;
}

export function registerGradeCommand(command: Command): void {
  command
    // `grade merge --out DIR SHARD_DIR…` shares grade's --out and --roster, so it is read here, not as a subcommand.
    .argument(
      '[merge-shard-dirs...]',
      '`merge` and the shard folders to join: labdrill grade merge --out DIR …',
    )
    .option(
      '--roster <file>',
      'the class: course, rubric and students (id, name, stack file or discovery, profile or role)',
    )
    .option(
      '--rubric <name|file>',
      "a built-in rubric (labdrill rubric list) or a rubric file; default: the roster's",
    )
    .option(
      '--concurrency <n>',
      `students graded at once (default: the roster's, else ${defaultConcurrency})`,
    )
    .option('--shard <k/n>', 'grade only share k of n of the roster (stable by student id), for a CI matrix')
    .option('--out <dir>', 'one folder per student and the class summary', 'labdrill-grades')
    .option('--regrade', 'grade again the students this folder already holds a grade for')
    .option(
      '--chaos',
      "also run the rubric's drills, within its caps (needs chaos.allow: true in each stack file)",
    )
    .addOption(
      new Option('--autograder <platform>', "also write each student's autograder files").choices([
        'classroom',
        'vocareum',
        'gradescope',
      ]),
    )
    .addHelpText(
      'after',
      `
Each student's stack is read with that student's own credentials (profile or roleArn in the roster, else the
default chain). A student whose check ended on labdrill's side (a denied grader role, throttling, a budget
overrun) is "not graded" with the reason, never scored 0. Re-running into the same --out resumes.

Exit codes: 0 every student graded, 1 a student could not be graded, 2 bad input.

Examples:
  $ labdrill grade --roster class.yaml --out grades/
  $ labdrill grade --roster class.yaml --rubric lamp-alb-efs --concurrency 8
  $ labdrill grade --roster class.yaml --shard 2/4 --out shard-2/
  $ labdrill grade merge --out grades/ shard-1/ shard-2/ shard-3/ shard-4/`,
    )
    .action(async (words: string[], flags: GradeFlags, self: Command) => {
      if (words[0] === 'merge') {
        // Merging writes where it is told: no default folder, so that a typo never lands in labdrill-grades/.
        if (self.getOptionValueSource('out') !== 'cli')
          throw new UsageError('grade merge: --out DIR is required (where the merged class goes)');
        process.exitCode = await runGradeMerge(words.slice(1), {
          out: flags.out,
          ...(flags.roster ? { roster: flags.roster } : {}),
        });
        return;
      }
      if (words.length > 0)
        throw new UsageError(
          `grade: unexpected '${words[0]!.slice(0, 40)}' (did you mean: labdrill grade merge …?)`,
        );
      if (!flags.roster)
        throw new UsageError('grade: --roster FILE is required (or: labdrill grade merge …)');
      process.exitCode = await runGrade({ ...flags, roster: flags.roster });
    });
}
