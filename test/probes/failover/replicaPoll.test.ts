import { describe, expect, it } from 'vitest';
import { replicaPollEveryMs } from '../../../probes/failover/replicaLag.ts';

// How often rds.replica.lag reads the replica follows the lag threshold, so that its resolution is the same
// share of the threshold at AWS's 2 s and at a shrunk one.

describe('replicaPollEveryMs', () => {
  it('reads the replica at a fortieth of the threshold, and never faster than every 10 ms', () => {
    expect(replicaPollEveryMs(2_000)).toBe(50);
    expect(replicaPollEveryMs(10_000)).toBe(250);
    expect(replicaPollEveryMs(200)).toBe(10);
    expect(replicaPollEveryMs(1)).toBe(10);
  });
});
