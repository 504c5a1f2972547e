import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Journal, readJournal } from '../../drills/journal.ts';
import { formatRestoreReport, pendingSteps, restoreFromJournal } from '../../drills/restore.ts';
import type { UndoAction } from '../../drills/undoActions.ts';
import { recordingExecutors } from './recordingExecutors.ts';

const root = mkdtempSync(join(tmpdir(), 'labdrill-restore-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let counter = 0;
const freshPath = () => join(root, `journal-${++counter}.jsonl`);

const putPolicy: UndoAction = { type: 's3.putBucketPolicy', bucket: 'lab-bucket', policy: '{"a":1}' };
const putBpa: UndoAction = {
  type: 's3.putPublicAccessBlock',
  bucket: 'lab-bucket',
  configuration: {
    BlockPublicAcls: false,
    IgnorePublicAcls: false,
    BlockPublicPolicy: false,
    RestrictPublicBuckets: false,
  },
};
const start: UndoAction = { type: 'ec2.startInstances', instanceIds: ['i-0123456789abcdef0'] };

function change(journal: Journal, runId: string, step: string, undo: UndoAction, applied = true): void {
  journal.append({ runId, drill: 'd.drill', step, phase: 'intent', undo });
  if (applied) journal.append({ runId, drill: 'd.drill', step, phase: 'applied', undo });
}

describe('restoreFromJournal', () => {
  it('runs the undos newest first, journals them, and finds nothing to do the second time', async () => {
    const path = freshPath();
    const journal = Journal.open(path);
    change(journal, 'run-a', 'remove-bpa', putBpa);
    change(journal, 'run-a', 'remove-policy', putPolicy);
    change(journal, 'run-a', 'stop-instance', start);
    const rec = recordingExecutors();

    const report = await restoreFromJournal(path, {}, { executors: rec.executors });
    expect(rec.calls).toEqual([start, putPolicy, putBpa]);
    expect(report.nothingToDo).toBe(false);
    expect(report.steps.map((s) => [s.step, s.result, s.wasApplied])).toEqual([
      ['stop-instance', 'undone', true],
      ['remove-policy', 'undone', true],
      ['remove-bpa', 'undone', true],
    ]);
    expect(report.steps[1]?.undo).toEqual(putPolicy);
    expect(report.steps[1]?.message).toMatch(/bucket policy of lab-bucket/);
    const phases = readJournal(path)
      .entries.slice(6)
      .map((e) => `${e.step}:${e.phase}`);
    expect(phases).toEqual(['stop-instance:undone', 'remove-policy:undone', 'remove-bpa:undone']);

    const again = await restoreFromJournal(path, {}, { executors: rec.executors });
    expect(again.nothingToDo).toBe(true);
    expect(again.steps).toEqual([]);
    expect(rec.calls).toHaveLength(3);
    expect(formatRestoreReport(again)).toEqual([
      expect.stringMatching(/nothing to restore — every change in it \(9 entries\) was already put back/),
    ]);
  });

  it('undoes a step that has an intent but no applied (stopped between the two)', async () => {
    const path = freshPath();
    const journal = Journal.open(path);
    change(journal, 'run-b', 'remove-policy', putPolicy, false);
    const rec = recordingExecutors();
    const report = await restoreFromJournal(path, {}, { executors: rec.executors });
    expect(rec.calls).toEqual([putPolicy]);
    expect(report.steps[0]).toMatchObject({ step: 'remove-policy', result: 'undone', wasApplied: false });
    expect(formatRestoreReport(report)[0]).toMatch(/stopped before the change was confirmed/);
  });

  it('leaves finished and already-undone steps alone, across runs', async () => {
    const path = freshPath();
    const journal = Journal.open(path);
    change(journal, 'run-old', 'remove-policy', putPolicy);
    journal.append({
      runId: 'run-old',
      drill: 'd.drill',
      step: 'remove-policy',
      phase: 'undone',
      undo: putPolicy,
    });
    journal.append({ runId: 'run-old', drill: 'd.drill', step: 'run', phase: 'finished' });
    change(journal, 'run-new', 'remove-policy', putPolicy);
    const pending = pendingSteps(readJournal(path));
    expect(pending.map((p) => `${p.runId}/${p.step}`)).toEqual(['run-new/remove-policy']);
  });

  it('records a failed undo, reports it, and tries it again next time', async () => {
    const path = freshPath();
    const journal = Journal.open(path);
    change(journal, 'run-c', 'remove-bpa', putBpa);
    change(journal, 'run-c', 'remove-policy', putPolicy);
    const rec = recordingExecutors();
    rec.failWhen.push({ match: /bucket policy/, message: 'AccessDenied: not allowed' });

    const report = await restoreFromJournal(path, {}, { executors: rec.executors });
    expect(report.steps.map((s) => [s.step, s.result])).toEqual([
      ['remove-policy', 'undo-failed'],
      ['remove-bpa', 'undone'],
    ]);
    const lines = formatRestoreReport(report);
    expect(lines[0]).toMatch(
      /^FAILED {2}d\.drill \/ remove-policy: AccessDenied: not allowed; to do by hand: put back/,
    );
    expect(lines.at(-1)).toMatch(/put back 1 of 2 changes; run `labdrill restore` again/);
    expect(readJournal(path).entries.at(-2)).toMatchObject({
      phase: 'undo-failed',
      detail: 'AccessDenied: not allowed',
    });

    rec.failWhen.length = 0;
    const retry = await restoreFromJournal(path, {}, { executors: rec.executors });
    expect(retry.steps.map((s) => [s.step, s.result])).toEqual([['remove-policy', 'undone']]);
    expect((await restoreFromJournal(path, {}, { executors: rec.executors })).nothingToDo).toBe(true);
  });

  it('reports an undo it cannot read as not put back, instead of skipping it', async () => {
    const path = freshPath();
    Journal.open(path);
    appendFileSync(
      path,
      `${JSON.stringify({ seq: 1, at: new Date().toISOString(), runId: 'r', drill: 'd.drill', step: 's', phase: 'intent', undo: { type: 'future.thing' } })}\n`,
    );
    const rec = recordingExecutors();
    const report = await restoreFromJournal(path, {}, { executors: rec.executors });
    expect(report.steps).toEqual([
      expect.objectContaining({
        step: 's',
        result: 'undo-failed',
        undo: null,
        message: expect.stringMatching(/undo not understood/),
      }),
    ]);
    expect(rec.calls).toEqual([]);
  });

  it("restores an older journal's 'rds.noop' step as the no-op undo 'none'", async () => {
    const path = freshPath();
    Journal.open(path);
    const noop = { type: 'rds.noop', note: 'a reboot with failover of lab-rds cannot be undone' };
    const entry = { runId: 'r', drill: 'rds.failover.drill', step: 'reboot-with-failover', undo: noop };
    appendFileSync(
      path,
      `${JSON.stringify({ seq: 1, at: new Date().toISOString(), ...entry, phase: 'intent' })}\n` +
        `${JSON.stringify({ seq: 2, at: new Date().toISOString(), ...entry, phase: 'applied' })}\n`,
    );
    const none: UndoAction = { type: 'none', note: noop.note };
    expect(readJournal(path).entries.map((e) => e.undo)).toEqual([none, none]);
    const report = await restoreFromJournal(path, {});
    expect(report.steps).toEqual([
      expect.objectContaining({
        step: 'reboot-with-failover',
        result: 'undone',
        undo: none,
        wasApplied: true,
        message: `nothing to put back: ${noop.note}`,
      }),
    ]);
    expect((await restoreFromJournal(path, {})).nothingToDo).toBe(true);
  });

  it('uses the undo repeated on applied when the intent line was lost', async () => {
    const path = freshPath();
    Journal.open(path).append({ runId: 'r', drill: 'd.drill', step: 's', phase: 'applied', undo: start });
    const rec = recordingExecutors();
    await restoreFromJournal(path, {}, { executors: rec.executors });
    expect(rec.calls).toEqual([start]);
  });

  it('limits itself to one run or one step when asked', async () => {
    const path = freshPath();
    const journal = Journal.open(path);
    change(journal, 'run-1', 'a', putPolicy);
    change(journal, 'run-2', 'b', putBpa);
    change(journal, 'run-2', 'c', start);
    const rec = recordingExecutors();
    await restoreFromJournal(path, {}, { executors: rec.executors, runId: 'run-2', step: 'b' });
    expect(rec.calls).toEqual([putBpa]);
    await restoreFromJournal(path, {}, { executors: rec.executors, runId: 'run-2' });
    expect(rec.calls).toEqual([putBpa, start]);
    await restoreFromJournal(path, {}, { executors: rec.executors });
    expect(rec.calls).toEqual([putBpa, start, putPolicy]);
  });

  it('says so when there is no journal at all, and mentions a torn line', async () => {
    const missing = await restoreFromJournal(join(root, 'absent.jsonl'), {});
    expect(formatRestoreReport(missing)).toEqual([
      expect.stringMatching(/^no journal at .*absent\.jsonl: nothing to restore$/),
    ]);

    const path = freshPath();
    change(Journal.open(path), 'r', 'a', putPolicy);
    appendFileSync(path, '{"seq":3,"at":"');
    const rec = recordingExecutors();
    const report = await restoreFromJournal(path, {}, { executors: rec.executors });
    expect(rec.calls).toEqual([putPolicy]);
    expect(formatRestoreReport(report).at(-1)).toMatch(/line 3 of the journal was skipped: torn/);
  });
});
