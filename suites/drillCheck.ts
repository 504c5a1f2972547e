import { type Drill, runDrill } from '../drills/experiment.ts';
import { callerAccountOf, checkDrillGuards, drillGuardReasons, resolvedRegionOf } from '../drills/guards.ts';
import { createDrillProgress } from '../drills/progress.ts';
import { createAwsClients } from '../probes/aws/awsClients.ts';
import { sqlLoginFor } from '../probes/sql.ts';
import { CodedError } from '../reports/errorCodes.ts';
import { type CheckContext, check, type Outcome, skipped } from './check.ts';

// A drill as a check: skipped unless both opt-ins are given, refused against the wrong account, then run
// with its journal so that whatever it changed is put back, whatever happens.

function budgetExceeded(budgetS: number, putBack: readonly string[]): CodedError {
  return new CodedError(
    'budget-exceeded',
    `ran past its budget of ${budgetS} s and was stopped; put back: ${putBack.join(', ') || 'nothing to put back'}`,
  );
}

export function drillCheck<T>(
  id: string,
  prepare: (c: CheckContext) => { drill: Drill<T> } | { skip: string },
): void {
  check(id, async (c): Promise<Outcome> => {
    const { chaos, chaosRequested, dryRun, journal } = c.run;
    if (dryRun) {
      const prepared = prepare(c);
      if ('skip' in prepared) return skipped(prepared.skip);
      const result = await runDrill(prepared.drill, {
        journal,
        clients: {},
        dryRun: true,
        evidence: c.evidence,
      });
      const plan = result.plan
        .map((step, index) => `${index + 1}. ${step.step} (undo: ${step.undoText})`)
        .join('; ');
      return skipped(`dry run, nothing changed; plan: ${plan || 'no changes'}`, 'dry-run');
    }
    // Not asked for: skipped. Asked for (--chaos) but not allowed: an error, so that the run says no loudly.
    if (!chaosRequested)
      return skipped(
        'a drill changes the stack: it runs only with --chaos (and chaos.allow: true)',
        'chaos.off',
      );
    if (!chaos) throw new CodedError('chaos.refused', `refused: ${drillGuardReasons.notAllowedInStack}`);
    const prepared = prepare(c);
    if ('skip' in prepared) return skipped(prepared.skip);
    const clients = createAwsClients(c.stack);
    try {
      const guard = checkDrillGuards({
        chaosFlag: true,
        stack: c.stack,
        resolvedRegion: await resolvedRegionOf(clients.sts),
        ...(await callerAccountOf(clients.sts, c.signal)),
      });
      // A budget that ran out while the guards asked AWS: nothing changed yet, and it is no refusal.
      if (c.signal.aborted) throw budgetExceeded(c.budgetS, []);
      if (!guard.allowed) throw new CodedError('chaos.refused', `refused: ${guard.reason}`);
      // If labdrill itself dies (its worker loses the parent), stop and put the stack back all the same.
      const orphaned = new AbortController();
      const onDisconnect = () => orphaned.abort(new Error('labdrill exited; rolling back'));
      process.once('disconnect', onDisconnect);
      const login = sqlLoginFor(c.stack);
      const result = await runDrill(prepared.drill, {
        journal,
        // The database access is for undos that write to it (dropping the heartbeat table).
        clients: { ...clients, ...(typeof login === 'string' ? {} : { sql: login }) },
        // Its budget, or labdrill's end: either stops the drill, and the rollback runs.
        signal: AbortSignal.any([orphaned.signal, c.signal]),
        evidence: c.evidence,
        progress: createDrillProgress({ label: id }),
      });
      process.off('disconnect', onDisconnect);
      for (const step of result.rolledBack) c.evidence.event('rolled back', `${step.step}: ${step.message}`);
      const { outcome } = result;
      if (c.signal.aborted && outcome.errorCode !== 'rollback-failed') {
        throw budgetExceeded(
          c.budgetS,
          result.rolledBack.filter((s) => s.result === 'undone').map((s) => s.step),
        );
      }
      if (outcome.verdict === 'error') throw new CodedError(outcome.errorCode ?? 'internal', outcome.reason);
      return {
        verdict: outcome.verdict,
        reason: outcome.reason,
        ...(outcome.fix ? { fix: outcome.fix } : {}),
      };
    } finally {
      clients.destroy();
    }
  });
}
