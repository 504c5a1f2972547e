import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { classroomResult } from '../../../reports/grading/autograders/classroom.ts';
import { writeGradescopeFiles } from '../../../reports/grading/autograders/gradescope.ts';
import { writeAutograderFiles } from '../../../reports/grading/autograders/index.ts';
import { gradeReport } from '../../../reports/grading/scoreReport.ts';
import { albRubric, checkResult, part, runReport } from './gradingFixtures.ts';

// Each platform's files checked against its documented format, written down here as a zod schema:
// - GitHub Classroom: education/autograding-command-grader's result (version 1, status pass|fail|error,
//   max_score, tests[] of name, status, score, message, test_code, filename, line_no, duration), read by
//   education/autograding-grading-reporter from `<ID>_RESULTS` as base64 JSON.
// - Gradescope: the autograder specification's results.json (score, tests[] with score, max_score,
//   status passed|failed, name, output; visibility one of hidden|after_due_date|after_published|visible;
//   output formats text|html|simple_format|md|ansi).
// - Vocareum: `$vocareumGradeFile` lines `<Rubric Criterion Name>,<Score>`; `$vocareumReportFile` free text.

const classroomStatus = z.enum(['pass', 'fail', 'error']);
const classroomFormat = z.strictObject({
  version: z.literal(1),
  status: classroomStatus,
  max_score: z.number().nonnegative(),
  tests: z.array(
    z.strictObject({
      name: z.string().min(1),
      status: classroomStatus,
      score: z.number().nonnegative(),
      message: z.string(),
      test_code: z.string(),
      filename: z.string(),
      line_no: z.number().int(),
      duration: z.number().nonnegative(),
    }),
  ),
});

const visibility = z.enum(['hidden', 'after_due_date', 'after_published', 'visible']);
const outputFormat = z.enum(['text', 'html', 'simple_format', 'md', 'ansi']);
const gradescopeFormat = z.strictObject({
  score: z.number(),
  execution_time: z.number().optional(),
  output: z.string().optional(),
  output_format: outputFormat.optional(),
  test_output_format: outputFormat.optional(),
  test_name_format: outputFormat.optional(),
  visibility: visibility.optional(),
  stdout_visibility: visibility.optional(),
  extra_data: z.record(z.string(), z.unknown()).optional(),
  tests: z.array(
    z.strictObject({
      score: z.number().optional(),
      max_score: z.number().optional(),
      status: z.enum(['passed', 'failed']).optional(),
      name: z.string().optional(),
      name_format: outputFormat.optional(),
      number: z.string().optional(),
      output: z.string().optional(),
      output_format: outputFormat.optional(),
      tags: z.array(z.string()).optional(),
      visibility: visibility.optional(),
      extra_data: z.record(z.string(), z.unknown()).optional(),
    }),
  ),
});

const vocareumGradeLine = /^[^,\n]+,\d+(\.\d+)?$/;

const hostile = '<img src=x onerror=alert(1)> & </pre>';

/** One of everything: partial credit with a hostile detail, a stack-side skip, a drill not run. */
function partlyGraded() {
  return runReport([
    checkResult('alb.round-robin', 'fail', {
      reason: `only one AZ served ${hostile}`,
      parts: [part('every-target', true), part('both-azs', false, hostile), part('even-shares', true)],
    }),
    checkResult('alb.targets.healthy', 'skip', { code: 'config.missing', reason: 'alb.name is not set' }),
    checkResult('efs.shared', 'pass'),
    checkResult('asg.scale-out.drill', 'skip', { code: 'chaos.off', reason: 'drills run only with --chaos' }),
  ]);
}

function deniedGrader() {
  return runReport([
    checkResult('alb.round-robin', 'pass'),
    checkResult('alb.targets.healthy', 'error', {
      code: 'aws.access-denied',
      reason: 'not authorized to perform elasticloadbalancing:DescribeTargetHealth',
    }),
    checkResult('efs.shared', 'pass'),
    checkResult('asg.scale-out.drill', 'pass'),
  ]);
}

const outDir = () => mkdtempSync(join(tmpdir(), 'labdrill-autograder-'));

describe('GitHub Classroom', () => {
  it('writes the command grader’s result and the base64 `result` step output', () => {
    const report = partlyGraded();
    const grade = gradeReport(report, albRubric);
    const dir = outDir();
    const githubOutput = join(dir, 'github-output');
    writeFileSync(githubOutput, 'earlier=1\n');
    const files = writeAutograderFiles('classroom', grade, report, dir, { GITHUB_OUTPUT: githubOutput });
    expect(files).toEqual([join(dir, 'classroom-result.json'), githubOutput]);

    const result = classroomFormat.parse(
      JSON.parse(readFileSync(join(dir, 'classroom-result.json'), 'utf8')),
    );
    // 3 of round robin's 5, 0 of the skipped 3, 4 of 4; the drill not run is not a test at all.
    expect(result).toMatchObject({ version: 1, status: 'fail', max_score: 12 });
    expect(result.tests.map((test) => [test.name, test.status, test.score])).toEqual([
      ['Round robin', 'fail', 3],
      ['Healthy targets', 'fail', 0],
      ['Shared files', 'pass', 4],
    ]);
    // What the reporter sends to Classroom: the tests' scores summed, over max_score.
    expect(result.tests.reduce((total, test) => total + test.score, 0)).toBe(grade.score);
    expect(result.tests[1]!.message).toContain('skipped: alb.name is not set');

    // The reporter reads `<RUNNER>_RESULTS`, set from this output, as base64 JSON.
    const lines = readFileSync(githubOutput, 'utf8').trimEnd().split('\n');
    expect(lines[0]).toBe('earlier=1');
    const encoded = /^result=([A-Za-z0-9+/=]+)$/.exec(lines[1]!)?.[1];
    expect(encoded).toBeDefined();
    expect(JSON.parse(Buffer.from(encoded!, 'base64').toString('utf8'))).toEqual(result);
  });

  it('writes no step output outside GitHub Actions', () => {
    const report = partlyGraded();
    const files = writeAutograderFiles('classroom', gradeReport(report, albRubric), report, outDir(), {});
    expect(files).toHaveLength(1);
  });

  it('marks a student who is not graded as an error with no points, saying why', () => {
    const report = deniedGrader();
    const result = classroomFormat.parse(classroomResult(gradeReport(report, albRubric), report));
    expect(result.status).toBe('error');
    expect(result.tests.every((test) => test.status === 'error' && test.score === 0)).toBe(true);
    expect(result.tests[0]!.message).toMatch(/^not graded: alb\.targets\.healthy: the grader's side failed/);
  });

  it('passes when every item earned its points', () => {
    const report = runReport([
      checkResult('alb.round-robin', 'pass'),
      checkResult('alb.targets.healthy', 'pass'),
      checkResult('efs.shared', 'pass'),
      checkResult('asg.scale-out.drill', 'pass'),
    ]);
    const result = classroomFormat.parse(classroomResult(gradeReport(report, albRubric), report));
    expect(result).toMatchObject({ status: 'pass', max_score: 18 });
  });
});

describe('Gradescope', () => {
  it('writes results.json in the documented format, text only', () => {
    const report = partlyGraded();
    const grade = gradeReport(report, albRubric);
    const dir = outDir();
    const files = writeAutograderFiles('gradescope', grade, report, dir, {});
    expect(files[0]).toBe(join(dir, 'results.json'));
    const results = gradescopeFormat.parse(JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')));
    expect(results.score).toBe(7);
    expect(results.output_format).toBe('text');
    expect(results.tests.map((test) => [test.name, test.score, test.max_score, test.status])).toEqual([
      ['Round robin', 3, 5, 'failed'],
      ['Healthy targets', 0, 3, 'failed'],
      ['Shared files', 4, 4, 'passed'],
      // Not run on the grader's side: an informational test without points.
      ['Scale out', undefined, undefined, undefined],
    ]);
    expect(results.tests[3]!.output).toContain('not counted');
    // The platform may render output as HTML: nothing from the stack can become markup.
    const all = JSON.stringify(results);
    expect(all).not.toContain('<img');
    expect(all).not.toContain('</pre>');
    expect(results.tests[0]!.output).toContain('‹img src=x onerror=alert(1)›');
  });

  it('also writes into /autograder/results when that folder exists', () => {
    const report = partlyGraded();
    const dir = outDir();
    const resultsDir = join(dir, 'autograder', 'results');
    mkdirSync(resultsDir, { recursive: true });
    const files = writeGradescopeFiles(gradeReport(report, albRubric), report, join(dir, 'out'), resultsDir);
    expect(files).toEqual([join(dir, 'out', 'results.json'), join(resultsDir, 'results.json')]);
    expect(readFileSync(files[1]!, 'utf8')).toBe(readFileSync(files[0]!, 'utf8'));
    expect(existsSync(join(dir, 'missing', 'results.json'))).toBe(false);
    expect(
      writeGradescopeFiles(gradeReport(report, albRubric), report, join(dir, 'out'), join(dir, 'missing')),
    ).toHaveLength(1);
  });

  it('gives a student who is not graded 0 and says in the output that it is not their score', () => {
    const report = deniedGrader();
    const dir = outDir();
    writeAutograderFiles('gradescope', gradeReport(report, albRubric), report, dir, {});
    const results = gradescopeFormat.parse(JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')));
    expect(results.score).toBe(0);
    expect(results.output).toMatch(/^NOT GRADED/);
    expect(results.output).toContain('elasticloadbalancing:DescribeTargetHealth');
    expect(results.tests.every((test) => test.score === 0 && test.output?.startsWith('Not graded'))).toBe(
      true,
    );
  });
});

describe('Vocareum', () => {
  it('writes `Criterion,score` lines with the rubric’s criteria and a text report where Vocareum says', () => {
    const report = partlyGraded();
    const grade = gradeReport(report, albRubric);
    const dir = outDir();
    const env = { vocareumGradeFile: join(dir, 'grade.tmp'), vocareumReportFile: join(dir, 'report.tmp') };
    const files = writeAutograderFiles('vocareum', grade, report, join(dir, 'out'), env);
    expect(files).toEqual([env.vocareumGradeFile, env.vocareumReportFile]);
    const lines = readFileSync(env.vocareumGradeFile, 'utf8').trimEnd().split('\n');
    for (const line of lines) expect(line).toMatch(vocareumGradeLine);
    expect(lines).toEqual(['Round robin,3', 'Healthy targets,0', 'Shared files,4']);
    const text = readFileSync(env.vocareumReportFile, 'utf8');
    expect(text).toMatch(/^Score: 7 \/ 12 \(rubric alb-lab\)/);
    expect(text).toContain('lost 2 for both-azs');
    expect(text).not.toContain('<img');
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });

  it('writes OUT/vocareum-grade.csv and OUT/vocareum-report.html (the report page) when unset', () => {
    const report = partlyGraded();
    const dir = outDir();
    const files = writeAutograderFiles('vocareum', gradeReport(report, albRubric), report, dir, {});
    expect(files).toEqual([join(dir, 'vocareum-grade.csv'), join(dir, 'vocareum-report.html')]);
    expect(readFileSync(files[0]!, 'utf8')).toBe('Round robin,3\nHealthy targets,0\nShared files,4\n');
    const html = readFileSync(files[1]!, 'utf8');
    expect(html).toContain('Score <span class="total">7 / 12</span>');
    expect(html).not.toContain('<img src=x');
  });

  it('records no grade for a student who is not graded, and the report says why', () => {
    const report = deniedGrader();
    const dir = outDir();
    const env = { vocareumGradeFile: join(dir, 'grade.tmp'), vocareumReportFile: join(dir, 'report.tmp') };
    writeAutograderFiles('vocareum', gradeReport(report, albRubric), report, dir, env);
    expect(readFileSync(env.vocareumGradeFile, 'utf8')).toBe('');
    expect(readFileSync(env.vocareumReportFile, 'utf8')).toMatch(/^NOT GRADED/);
  });
});
