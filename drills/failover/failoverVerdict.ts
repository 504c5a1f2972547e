import type { EvidenceRecorder } from '../../reports/evidence.ts';
import { type PartProblem, recordDrillParts, recordPartsNotJudged } from '../drillParts.ts';
import type { DrillOutcome } from '../experiment.ts';
import type { FailoverDrillTarget, FailoverWatchSettings } from './failoverTarget.ts';
import type { WatchedFailover } from './watchFailover.ts';

// The verdict both failover drills end with. Each drill judges its own first part (the endpoint, or the
// writer, moved); the client side is judged the same for both: no acknowledged write lost, and recovered
// within the RTO. Every part is recorded, the first problem is the verdict's reason (the others are noted),
// and a pass says what moved, the downtimes and the RTO.

export function secondsText(ms: number | null | undefined): string {
  return ms === null || ms === undefined ? 'n/a' : `${(ms / 1000).toFixed(1)} s`;
}

/** The parts both failover drills share: no acknowledged write lost, and recovered within the RTO. */
export const clientSideParts = ['no-write-lost', 'within-rto'] as const;
export type ClientSidePart = (typeof clientSideParts)[number];

/** No failover happened: the drill's moved part fails with why, the client-side parts are not judged. */
export function recordNoFailover(evidence: EvidenceRecorder, movedPart: string, reason: string): void {
  evidence.part(movedPart, false, reason);
  recordPartsNotJudged(evidence, clientSideParts, 'no failover happened');
}

/** Problems common to both drills: writes, app, RTO, each with the part it costs. Empty when all is well. */
function clientSideProblems(
  watched: WatchedFailover,
  watch: Pick<FailoverWatchSettings, 'rtoS' | 'observeS'>,
): PartProblem<ClientSidePart>[] {
  const { rtoS, observeS } = watch;
  const { analysis } = watched;
  const problems: PartProblem<ClientSidePart>[] = [];
  if (analysis.lostWrites && analysis.lostWrites.length > 0) {
    const list = analysis.lostWrites.slice(0, 10).join(', ');
    problems.push({
      part: 'no-write-lost',
      reason: `${analysis.lostWrites.length} acknowledged write(s) are missing on the new writer after the failover (heartbeat seq ${list})`,
      fix: 'a Multi-AZ standby must replicate synchronously: acknowledged writes must survive a failover',
    });
  }
  if (watched.presentError) {
    problems.push({
      part: 'no-write-lost',
      reason: `could not read the heartbeat rows back from the new writer: ${watched.presentError}`,
    });
  }
  if (analysis.writeOutage && analysis.writeOutage.firstOkAt === null) {
    problems.push({
      part: 'within-rto',
      reason: `writes through the endpoint did not succeed again within ${observeS} s of the failover`,
      fix: 'connect by the endpoint name and reconnect after an error, resolving the name again (TTL 5 s)',
    });
  }
  if (analysis.appOutage && analysis.appOutage.firstOkAt === null) {
    const last = watched.observation.app.at(-1);
    problems.push({
      part: 'within-rto',
      reason: `the app page did not recover within ${observeS} s of the failover (last: ${last?.problem ?? 'no answer'})`,
      fix: 'dbinfo.inc must name the RDS endpoint (not an IP address) so the app follows the failover',
    });
  }
  if (analysis.rtoMs !== null && analysis.rtoMs > rtoS * 1000) {
    problems.push({
      part: 'within-rto',
      reason: `recovered in ${secondsText(analysis.rtoMs)}, over the ${rtoS} s target (thresholds.failoverRtoS)`,
    });
  }
  return problems;
}

/** What the client side saw when nothing went wrong, per part; null for a part that was not measured. */
function clientSidePassed(
  watched: WatchedFailover,
  watch: Pick<FailoverWatchSettings, 'rtoS'>,
  sqlSkipped: string | null,
): Record<ClientSidePart, string | null> {
  const a = watched.analysis;
  return {
    'no-write-lost': sqlSkipped ? null : `${a.writesAcknowledged} acknowledged writes, none lost`,
    'within-rto': a.rtoMs === null ? null : `recovered in ${secondsText(a.rtoMs)} (target ${watch.rtoS} s)`,
  };
}

export interface FailoverJudgement<P extends string> {
  watched: WatchedFailover;
  /** Why the heartbeat did not run, when it did not. */
  sqlSkipped: string | null;
  /** The drill's own part: the endpoint (or the writer) moved. */
  movedPart: P;
  /**
   * What moved, in words, when it did: the part's detail and the start of the pass reason. Null only with a
   * problem for the moved part among `problems`.
   */
  moved: string | null;
  /** The drill's own problems, before the client side's. */
  problems: PartProblem<P>[];
}

/** Records every part and gives the verdict: the first problem fails the drill, else it passes. */
export function judgeFailover<P extends string>(
  evidence: EvidenceRecorder,
  target: Pick<FailoverDrillTarget, 'appUrl' | 'watch'>,
  judgement: FailoverJudgement<P>,
): DrillOutcome {
  const { watched, sqlSkipped } = judgement;
  const problems: PartProblem<P | ClientSidePart>[] = [
    ...judgement.problems,
    ...clientSideProblems(watched, target.watch),
  ];
  const passed = {
    [judgement.movedPart]: judgement.moved,
    ...clientSidePassed(watched, target.watch, sqlSkipped),
  } as Record<P | ClientSidePart, string | null>;
  recordDrillParts(evidence, passed, problems);
  const first = problems[0];
  if (first) {
    for (const other of problems.slice(1)) evidence.note(`also: ${other.reason}`);
    return { verdict: 'fail', reason: first.reason, ...(first.fix ? { fix: first.fix } : {}) };
  }
  const a = watched.analysis;
  const writes = sqlSkipped
    ? `writes not observed (${sqlSkipped})`
    : `writes down ${secondsText(a.writeOutage?.ms ?? 0)}, ${a.writesAcknowledged} acknowledged writes, none lost`;
  const app = target.appUrl ? `, app down ${secondsText(a.appOutage?.ms ?? 0)}` : '';
  return {
    verdict: 'pass',
    reason: `${judgement.moved!}; ${writes}${app}; RTO ${secondsText(a.rtoMs)}`,
  };
}
