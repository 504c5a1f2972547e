import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type DrillContext,
  type DrillOutcome,
  defineDrill,
  formatPlan,
  runDrill,
} from '../../drills/experiment.ts';
import { journalLimits, readJournal } from '../../drills/journal.ts';
import { createDrillProgress, silentDrillProgress } from '../../drills/progress.ts';
import type { UndoAction, UndoActionType, UndoExecutor, UndoExecutors } from '../../drills/undoActions.ts';
import { EvidenceRecorder } from '../../reports/evidence.ts';
import { recordingExecutors } from './recordingExecutors.ts';

const root = mkdtempSync(join(tmpdir(), 'labdrill-experiment-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let counter = 0;
const freshPath = () => join(root, `journal-${++counter}.jsonl`);

const putPolicy: UndoAction = { type: 's3.putBucketPolicy', bucket: 'lab-bucket', policy: '{"p":1}' };
const putBpa: UndoAction = {
  type: 's3.putPublicAccessBlock',
  bucket: 'lab-bucket',
  configuration: {
    BlockPublicAcls: true,
    IgnorePublicAcls: true,
    BlockPublicPolicy: true,
    RestrictPublicBuckets: true,
  },
};

/** A drill over an in-memory "stack": two changes, then whatever the test asks of it. */
function twoStepDrill(
  state: { policy: boolean; bpa: boolean; applied: string[] },
  then: (ctx: DrillContext) => Promise<void> = async () => {},
  verdict: DrillOutcome = { verdict: 'pass', reason: 'saw 403 then 200' },
) {
  return defineDrill({
    id: 's3.website.deny-then-allow',
    title: 'deny then allow',
    steadyState: async () => (state.policy ? undefined : 'the bucket has no policy'),
    method: async (ctx) => {
      await ctx.change({
        step: 'remove-bpa',
        undo: putBpa,
        apply: async () => {
          state.applied.push('remove-bpa');
          state.bpa = false;
        },
      });
      await ctx.change({
        step: 'remove-policy',
        undo: putPolicy,
        apply: async () => {
          state.applied.push('remove-policy');
          state.policy = false;
        },
      });
      await then(ctx);
      return { observed: 403 };
    },
    verify: async (_ctx, result) => {
      expect(result).toEqual({ observed: 403 });
      return verdict;
    },
  });
}

const freshState = () => ({ policy: true, bpa: true, applied: [] as string[] });

describe('runDrill', () => {
  it('runs steady state, method, verify, then rolls back newest first and journals the end', async () => {
    const state = freshState();
    const rec = recordingExecutors();
    const journal = freshPath();
    const evidence = new EvidenceRecorder();
    const run = await runDrill(twoStepDrill(state), {
      journal,
      clients: {},
      executors: rec.executors,
      evidence,
      handleProcessSignals: false,
    });
    expect(run.outcome).toEqual({ verdict: 'pass', reason: 'saw 403 then 200' });
    expect(run.result).toEqual({ observed: 403 });
    expect(state.applied).toEqual(['remove-bpa', 'remove-policy']);
    expect(rec.calls).toEqual([putPolicy, putBpa]);
    expect(run.rolledBack.map((s) => [s.step, s.result])).toEqual([
      ['remove-policy', 'undone'],
      ['remove-bpa', 'undone'],
    ]);
    expect(run.plan.map((p) => p.step)).toEqual(['remove-bpa', 'remove-policy']);
    const phases = readJournal(journal).entries.map((e) => `${e.step}:${e.phase}`);
    expect(phases).toEqual([
      'remove-bpa:intent',
      'remove-bpa:applied',
      'remove-policy:intent',
      'remove-policy:applied',
      'remove-policy:undone',
      'remove-bpa:undone',
      'run:finished',
    ]);
    const labels = run.timeline.map((e) => e.label);
    expect(labels[0]).toBe('steady state: checking');
    expect(labels).toContain('verify: pass');
    expect(labels.at(-1)).toBe('finished');
    expect(evidence.evidence.timeline).toBe(run.timeline);
  });

  it('after the rollback asks steadyStateAfter, when the drill has one, instead of its steady state', async () => {
    const state = freshState();
    const rec = recordingExecutors();
    const evidence = new EvidenceRecorder();
    const drill = {
      ...twoStepDrill(state),
      steadyStateAfter: async () => 'left changed on purpose for a later check',
    };
    const run = await runDrill(drill, {
      journal: freshPath(),
      clients: {},
      executors: rec.executors,
      evidence,
      handleProcessSignals: false,
    });
    expect(run.outcome.verdict).toBe('pass');
    expect(evidence.evidence.data.steadyStateAfter).toEqual({
      met: false,
      problem: 'left changed on purpose for a later check',
    });
  });

  it('rolls back when verify fails', async () => {
    const state = freshState();
    const rec = recordingExecutors();
    const run = await runDrill(
      twoStepDrill(state, async () => {}, {
        verdict: 'fail',
        reason: 'still 200 after removal',
        fix: 'enable BPA',
      }),
      { journal: freshPath(), clients: {}, executors: rec.executors, handleProcessSignals: false },
    );
    expect(run.outcome).toEqual({ verdict: 'fail', reason: 'still 200 after removal', fix: 'enable BPA' });
    expect(rec.calls).toEqual([putPolicy, putBpa]);
  });

  it('rolls back what was applied when the method throws', async () => {
    const state = freshState();
    const rec = recordingExecutors();
    const journal = freshPath();
    const run = await runDrill(
      twoStepDrill(state, async () => {
        throw new Error('endpoint never answered 403');
      }),
      { journal, clients: {}, executors: rec.executors, handleProcessSignals: false },
    );
    expect(run.outcome.verdict).toBe('error');
    expect(run.outcome.reason).toBe(
      'the drill failed before it could be judged: endpoint never answered 403',
    );
    expect(rec.calls).toEqual([putPolicy, putBpa]);
    expect(readJournal(journal).entries.at(-1)).toMatchObject({
      phase: 'finished',
      detail: expect.stringMatching(/^error:/),
    });
  });

  it('undoes a change whose apply threw half way', async () => {
    const rec = recordingExecutors();
    const drill = defineDrill({
      id: 'x.drill',
      title: 'x',
      steadyState: async () => {},
      method: async (ctx) => {
        await ctx.change({
          step: 'half',
          undo: putPolicy,
          apply: async () => {
            throw new Error('connection reset');
          },
        });
      },
      verify: async () => ({ verdict: 'pass', reason: 'unreachable' }),
    });
    const run = await runDrill(drill, {
      journal: freshPath(),
      clients: {},
      executors: rec.executors,
      handleProcessSignals: false,
    });
    expect(run.outcome.reason).toMatch(/connection reset/);
    expect(run.rolledBack).toEqual([
      expect.objectContaining({ step: 'half', result: 'undone', wasApplied: false }),
    ]);
  });

  it('rolls back on abort, even when the method ignores the signal', async () => {
    const state = freshState();
    const rec = recordingExecutors();
    const controller = new AbortController();
    let laterChange: unknown;
    const run = await runDrill(
      twoStepDrill(state, async (ctx) => {
        controller.abort();
        // A method that does not listen to the signal: it goes on, but may not change anything more.
        await new Promise((resolve) => setTimeout(resolve, 50));
        try {
          await ctx.change({
            step: 'late',
            undo: putPolicy,
            apply: async () => void state.applied.push('late'),
          });
        } catch (error) {
          laterChange = error;
        }
      }),
      {
        journal: freshPath(),
        clients: {},
        executors: rec.executors,
        signal: controller.signal,
        handleProcessSignals: false,
      },
    );
    expect(run.interruptedBy).toBe('abort');
    expect(run.outcome.verdict).toBe('error');
    expect(run.outcome.reason).toBe('the drill was cancelled; put back 2 change(s)');
    expect(rec.calls).toEqual([putPolicy, putBpa]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(laterChange).toBeInstanceOf(Error);
    expect(state.applied).toEqual(['remove-bpa', 'remove-policy']);
  });

  it('rolls back on SIGTERM delivered to the process, then removes its handlers', async () => {
    const before = process.listenerCount('SIGTERM');
    const beforeInt = process.listenerCount('SIGINT');
    const rec = recordingExecutors();
    const run = await runDrill(
      twoStepDrill(freshState(), async (ctx) => {
        expect(process.listenerCount('SIGTERM')).toBe(before + 1);
        process.kill(process.pid, 'SIGTERM');
        await ctx.sleep(30_000);
      }),
      { journal: freshPath(), clients: {}, executors: rec.executors },
    );
    expect(run.interruptedBy).toBe('SIGTERM');
    expect(run.outcome.reason).toMatch(/interrupted by SIGTERM; put back 2 change/);
    expect(rec.calls).toEqual([putPolicy, putBpa]);
    expect(process.listenerCount('SIGTERM')).toBe(before);
    expect(process.listenerCount('SIGINT')).toBe(beforeInt);
  });

  it('on a second SIGTERM says what is still pending and that restore finishes it; on a third exits', async () => {
    const rec = recordingExecutors();
    const notes: string[] = [];
    const exits: number[] = [];
    let undosStarted = 0;
    // Each undo takes a moment; more signals arrive while the first one is being carried out.
    const record = rec.executors['s3.putBucketPolicy'] as UndoExecutor<UndoActionType>;
    const slowly: UndoExecutor<UndoActionType> = async (action, clients, options) => {
      undosStarted += 1;
      if (undosStarted === 1) {
        process.emit('SIGTERM');
        process.emit('SIGTERM');
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
      return record(action, clients, options);
    };
    const slow = Object.fromEntries(
      Object.keys(rec.executors).map((type) => [type, slowly]),
    ) as UndoExecutors;
    const progress = { ...silentDrillProgress, note: (line: string) => void notes.push(line) };
    const run = await runDrill(
      twoStepDrill(freshState(), async (ctx) => {
        process.emit('SIGTERM');
        await ctx.sleep(30_000);
      }),
      {
        journal: freshPath(),
        clients: {},
        executors: slow,
        progress,
        exitProcess: (code) => exits.push(code),
      },
    );
    expect(run.interruptedBy).toBe('SIGTERM');
    expect(notes).toContain('SIGTERM received: stopping and putting the stack back');
    expect(notes).toContain(
      'SIGTERM again: still putting back remove-bpa, remove-policy; if labdrill is stopped now, `labdrill restore` finishes it from the journal (SIGTERM once more exits at once)',
    );
    expect(notes).toContain('SIGTERM a third time: exiting now; `labdrill restore` puts back what is left');
    expect(exits).toEqual([143]);
  });

  it('does not start when the steady state is not met, and changes nothing', async () => {
    const state = { ...freshState(), policy: false };
    const rec = recordingExecutors();
    const run = await runDrill(twoStepDrill(state), {
      journal: freshPath(),
      clients: {},
      executors: rec.executors,
      handleProcessSignals: false,
    });
    expect(run.outcome).toEqual({
      verdict: 'fail',
      reason: 'not in its steady state before the drill: the bucket has no policy',
    });
    expect(state.applied).toEqual([]);
    expect(rec.calls).toEqual([]);
  });

  it("records each of the drill's parts as not judged when the steady state is not met", async () => {
    const state = { ...freshState(), policy: false };
    const evidence = new EvidenceRecorder();
    const drill = defineDrill({ ...twoStepDrill(state), parts: ['denied-403', 'allowed-200'] });
    await runDrill(drill, { journal: freshPath(), clients: {}, evidence, handleProcessSignals: false });
    expect(evidence.evidence.parts).toEqual([
      {
        name: 'denied-403',
        passed: false,
        detail: 'not judged: not in its steady state before the drill: the bucket has no policy',
      },
      {
        name: 'allowed-200',
        passed: false,
        detail: 'not judged: not in its steady state before the drill: the bucket has no policy',
      },
    ]);
    // A drill that met its steady state leaves its parts to its verify.
    const passing = new EvidenceRecorder();
    const rec = recordingExecutors();
    await runDrill(defineDrill({ ...twoStepDrill(freshState()), parts: ['denied-403'] }), {
      journal: freshPath(),
      clients: {},
      evidence: passing,
      executors: rec.executors,
      handleProcessSignals: false,
    });
    expect(passing.evidence.parts).toEqual([]);
  });

  it('turns a failed rollback into an error that says to run restore', async () => {
    const rec = recordingExecutors();
    rec.failWhen.push({ match: /Block Public Access/, message: 'AccessDenied' });
    const run = await runDrill(twoStepDrill(freshState()), {
      journal: freshPath(),
      clients: {},
      executors: rec.executors,
      handleProcessSignals: false,
    });
    expect(run.outcome.verdict).toBe('error');
    expect(run.outcome.reason).toBe(
      'could not put back 1 change(s) (remove-bpa: AccessDenied); run `labdrill restore` (drill: pass, saw 403 then 200)',
    );
  });

  it('lets the method put one step back itself, and does not undo it twice', async () => {
    const rec = recordingExecutors();
    const run = await runDrill(
      twoStepDrill(freshState(), async (ctx) => {
        const back = await ctx.revert('remove-policy');
        expect(back.result).toBe('undone');
        await expect(ctx.revert('remove-policy')).rejects.toThrow(/nothing to put back/);
      }),
      { journal: freshPath(), clients: {}, executors: rec.executors, handleProcessSignals: false },
    );
    expect(run.outcome.verdict).toBe('pass');
    expect(rec.calls).toEqual([putPolicy, putBpa]);
    expect(run.rolledBack.map((s) => s.step)).toEqual(['remove-bpa']);
  });

  it('refuses a step name used twice', async () => {
    const rec = recordingExecutors();
    const drill = defineDrill({
      id: 'x.drill',
      title: 'x',
      steadyState: async () => {},
      method: async (ctx) => {
        await ctx.change({ step: 'a', undo: putPolicy, apply: async () => {} });
        await ctx.change({ step: 'a', undo: putPolicy, apply: async () => {} });
      },
      verify: async () => ({ verdict: 'pass', reason: '' }),
    });
    const run = await runDrill(drill, {
      journal: freshPath(),
      clients: {},
      executors: rec.executors,
      handleProcessSignals: false,
    });
    expect(run.outcome.reason).toMatch(/step "a" is used twice/);
    expect(rec.calls).toEqual([putPolicy]);
  });

  it('in a dry run returns the plan and calls nothing: no apply, no undo, no steady state, no journal', async () => {
    const state = freshState();
    const rec = recordingExecutors();
    const journal = freshPath();
    const calls: string[] = [];
    const drill = defineDrill({
      id: 's3.website.deny-then-allow',
      title: 'deny then allow',
      steadyState: async () => void calls.push('steadyState'),
      method: async (ctx) => {
        expect(ctx.clients).toEqual({});
        await ctx.change({ step: 'remove-bpa', undo: putBpa, apply: async () => void calls.push('apply') });
        await ctx.sleep(60_000);
        await ctx.change({
          step: 'remove-policy',
          undo: putPolicy,
          apply: async () => void calls.push('apply'),
        });
      },
      verify: async () => {
        calls.push('verify');
        return { verdict: 'pass', reason: '' };
      },
    });
    const lines: string[] = [];
    const progress = createDrillProgress({
      mode: 'plain',
      out: { write: (t: string) => lines.push(t) },
      label: 'drill',
    });
    const run = await runDrill(drill, {
      journal,
      clients: { s3: undefined },
      executors: rec.executors,
      dryRun: true,
      progress,
    });
    expect(calls).toEqual([]);
    expect(rec.calls).toEqual([]);
    expect(state.applied).toEqual([]);
    expect(existsSync(journal)).toBe(false);
    expect(run.dryRun).toBe(true);
    expect(run.outcome).toEqual({
      verdict: 'skip',
      reason: 'dry run: 2 step(s) planned, nothing was changed',
    });
    expect(run.plan).toEqual([
      { step: 'remove-bpa', undo: putBpa, undoText: expect.stringMatching(/Block Public Access/) },
      {
        step: 'remove-policy',
        undo: putPolicy,
        undoText: expect.stringMatching(/bucket policy of lab-bucket/),
      },
    ]);
    expect(formatPlan(run.drill, run.plan)[1]).toMatch(
      /step 2: remove-policy — undo: put back the bucket policy/,
    );
    expect(lines.join('')).toMatch(/step 1: remove-bpa — undo:/);
  });

  it('makes no change whose undo cannot be journalled', async () => {
    const journal = freshPath();
    writeFileSync(journal, `${'x'.repeat(journalLimits.maxBytes - 100)}\n`);
    const state = freshState();
    const rec = recordingExecutors();
    const run = await runDrill(twoStepDrill(state), {
      journal,
      clients: {},
      executors: rec.executors,
      handleProcessSignals: false,
    });
    expect(state.applied).toEqual([]);
    expect(run.outcome.verdict).toBe('error');
    expect(run.outcome.reason).toMatch(/is full/);
    expect(run.plan).toEqual([]);
  });

  it('rejects a drill id that is not a check id', () => {
    expect(() =>
      defineDrill({
        id: 'Bad Id',
        title: '',
        steadyState: async () => {},
        method: async () => {},
        verify: async () => ({ verdict: 'pass', reason: '' }),
      }),
    ).toThrow(/must be a check id/);
  });
});
