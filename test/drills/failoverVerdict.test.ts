import { describe, expect, it } from 'vitest';
import type { FailoverWatchSettings } from '../../drills/failover/failoverTarget.ts';
import { judgeFailover, recordNoFailover } from '../../drills/failover/failoverVerdict.ts';
import type { WatchedFailover } from '../../drills/failover/watchFailover.ts';
import type { FailoverAnalysis } from '../../probes/failover/failoverAnalysis.ts';
import { EvidenceRecorder } from '../../reports/evidence.ts';

// The verdict tail both failover drills share: every part recorded, the drill's own problems before the
// client side's, and one pass reason built the same way for the Multi-AZ instance and for Aurora.

const watch = { rtoS: 60, observeS: 300 } as FailoverWatchSettings;
const moved =
  'endpoint moved from 10.1.3.7 in ap-northeast-2a to 10.1.4.9 in ap-northeast-2c 2.0 s after the reboot';

function watched(analysis: Partial<FailoverAnalysis>): WatchedFailover {
  return {
    rebootAt: 1_000,
    observation: { dns: [], tcp: [], writes: [], app: [], acknowledged: [] },
    analysis: {
      dnsSwap: null,
      writeOutage: null,
      appOutage: null,
      writesAcknowledged: 0,
      writesFailed: 0,
      lostWrites: null,
      rtoMs: null,
      ...analysis,
    },
    statuses: [],
    controlPlaneDoneAt: 3_000,
    endedBy: 'recovered',
  };
}

const outage = (ms: number) => ({
  lastOkAt: 0,
  firstFailAt: 1,
  lastFailAt: 2,
  firstOkAt: ms,
  ms,
  failures: 3,
});

describe('judgeFailover', () => {
  it('passes with what moved, the downtimes, the writes and the RTO, and records every part', () => {
    const evidence = new EvidenceRecorder();
    const outcome = judgeFailover(
      evidence,
      { watch, appUrl: 'http://alb.invalid/' },
      {
        watched: watched({
          writeOutage: outage(2_000),
          appOutage: outage(2_100),
          writesAcknowledged: 36,
          lostWrites: [],
          rtoMs: 2_000,
        }),
        sqlSkipped: null,
        movedPart: 'endpoint-moved',
        moved,
        problems: [],
      },
    );
    expect(outcome).toEqual({
      verdict: 'pass',
      reason: `${moved}; writes down 2.0 s, 36 acknowledged writes, none lost, app down 2.1 s; RTO 2.0 s`,
    });
    expect(evidence.evidence.parts).toEqual([
      { name: 'endpoint-moved', passed: true, detail: moved },
      { name: 'no-write-lost', passed: true, detail: '36 acknowledged writes, none lost' },
      { name: 'within-rto', passed: true, detail: 'recovered in 2.0 s (target 60 s)' },
    ]);
    expect(evidence.evidence.notes).toEqual([]);
  });

  it('says why writes were not observed and leaves out the app when there is no app URL', () => {
    const evidence = new EvidenceRecorder();
    const outcome = judgeFailover(
      evidence,
      { watch },
      {
        watched: watched({ rtoMs: 1_500 }),
        sqlSkipped: 'rds.sql is not set in the stack file',
        movedPart: 'writer-moved',
        moved: 'writer moved from a to b',
        problems: [],
      },
    );
    expect(outcome.reason).toBe(
      'writer moved from a to b; writes not observed (rds.sql is not set in the stack file); RTO 1.5 s',
    );
    // Writes were not measured: that part is left out rather than passed.
    expect(evidence.evidence.parts.map((p) => p.name)).toEqual(['writer-moved', 'within-rto']);
  });

  it("fails with the drill's own problem first and notes the client side's after it", () => {
    const evidence = new EvidenceRecorder();
    const outcome = judgeFailover(
      evidence,
      { watch },
      {
        watched: watched({ writesAcknowledged: 40, lostWrites: [7, 9], rtoMs: 90_000 }),
        sqlSkipped: null,
        movedPart: 'endpoint-moved',
        moved: null,
        problems: [
          { part: 'endpoint-moved', reason: 'DNS did not move to the standby', fix: 'check rds.resolver' },
        ],
      },
    );
    expect(outcome).toEqual({
      verdict: 'fail',
      reason: 'DNS did not move to the standby',
      fix: 'check rds.resolver',
    });
    expect(evidence.evidence.notes).toEqual([
      'also: 2 acknowledged write(s) are missing on the new writer after the failover (heartbeat seq 7, 9)',
      'also: recovered in 90.0 s, over the 60 s target (thresholds.failoverRtoS)',
    ]);
    expect(evidence.evidence.parts.map((p) => [p.name, p.passed])).toEqual([
      ['endpoint-moved', false],
      ['no-write-lost', false],
      ['within-rto', false],
    ]);
  });
});

describe('recordNoFailover', () => {
  it("fails the drill's moved part with why and leaves the client-side parts not judged", () => {
    const evidence = new EvidenceRecorder();
    recordNoFailover(evidence, 'writer-moved', 'cluster lab-aurora has 1 instance(s)');
    expect(evidence.evidence.parts).toEqual([
      { name: 'writer-moved', passed: false, detail: 'cluster lab-aurora has 1 instance(s)' },
      { name: 'no-write-lost', passed: false, detail: 'not judged: no failover happened' },
      { name: 'within-rto', passed: false, detail: 'not judged: no failover happened' },
    ]);
  });
});
