import { describe, expect, it } from 'vitest';
import { asgScaleOutDrill, type ScaleOutDrillTarget } from '../../drills/asgScaleOut.ts';
import { asgSelfHealDrill, type SelfHealDrillTarget } from '../../drills/asgSelfHeal.ts';
import { auroraFailoverDrill } from '../../drills/auroraFailover.ts';
import { recordDrillParts, recordPartsNotJudged } from '../../drills/drillParts.ts';
import { type RdsFailoverTarget, rdsFailoverDrill } from '../../drills/rdsFailover.ts';
import { type S3DrillTarget, s3DenyThenAllowDrill } from '../../drills/s3DenyThenAllow.ts';
import { EvidenceRecorder } from '../../reports/evidence.ts';
import { catalogEntry } from '../../suites/catalog.ts';

describe('recordDrillParts', () => {
  it('fails a part with its first problem, passes one without, and leaves out one not measured', () => {
    const evidence = new EvidenceRecorder();
    recordDrillParts(
      evidence,
      { 'endpoint-moved': 'moved to 10.1.4.9', 'no-write-lost': null, 'within-rto': 'recovered in 8 s' },
      [
        { part: 'within-rto', reason: 'recovered in 80 s, over the 60 s target' },
        { part: 'within-rto', reason: 'the app page did not recover' },
      ],
    );
    expect(evidence.evidence.parts).toEqual([
      { name: 'endpoint-moved', passed: true, detail: 'moved to 10.1.4.9' },
      { name: 'within-rto', passed: false, detail: 'recovered in 80 s, over the 60 s target (and 1 more)' },
    ]);
  });

  it('a part not measured still fails when a problem was found for it', () => {
    const evidence = new EvidenceRecorder();
    recordDrillParts(evidence, { 'no-write-lost': null }, [
      { part: 'no-write-lost', reason: '3 writes lost' },
    ]);
    expect(evidence.evidence.parts).toEqual([
      { name: 'no-write-lost', passed: false, detail: '3 writes lost' },
    ]);
    recordPartsNotJudged(evidence, ['within-rto'], 'no failover happened');
    expect(evidence.evidence.parts[1]).toEqual({
      name: 'within-rto',
      passed: false,
      detail: 'not judged: no failover happened',
    });
  });
});

describe("each drill's parts", () => {
  it("are its catalog entry's parts", () => {
    // Building a drill reads only a few fields of its target; none of it is called here.
    const drills = [
      s3DenyThenAllowDrill({} as S3DrillTarget),
      rdsFailoverDrill({} as RdsFailoverTarget),
      auroraFailoverDrill({} as Parameters<typeof auroraFailoverDrill>[0]),
      asgScaleOutDrill({ albUrl: 'http://alb.invalid/', timeoutS: 900 } as ScaleOutDrillTarget),
      asgSelfHealDrill({ timeoutS: 900, mode: 'terminate' } as SelfHealDrillTarget),
    ];
    for (const drill of drills) expect(drill.parts, drill.id).toEqual(catalogEntry(drill.id).parts);
  });
});
