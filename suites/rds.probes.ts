import { randomBytes } from 'node:crypto';
import { defaults } from '../config/defaults.ts';
import { getMetricStatistics } from '../probes/aws/cloudWatch.ts';
import { measureReplicaLag, replicaPollEveryMs } from '../probes/failover/replicaLag.ts';
import { type SqlEndpointNames, sqlAccessFor } from '../probes/sql.ts';
import { awsCheck, inventoryIfConfigured, outcomeOf } from './awsCheck.ts';
import { type CheckContext, check, failed, passed, skipped } from './check.ts';
import { checkRdsMultiAz } from './rules/rdsMultiAz.ts';
import { suiteChecks } from './suiteChecks.ts';

export const stateChecks = suiteChecks(() => {
  awsCheck('rds.multi-az', [['rds.instance', (s) => s.rds?.instance]], async (c) => {
    const replicaId = c.stack.rds?.replica;
    const [instance, replica] = await Promise.all([
      c.inventory.dbInstance(c.stack.rds!.instance!),
      replicaId ? c.inventory.dbInstance(replicaId) : Promise.resolve(null),
    ]);
    c.evidence.set('instance', {
      id: instance.DBInstanceIdentifier ?? null,
      multiAZ: instance.MultiAZ ?? null,
      availabilityZone: instance.AvailabilityZone ?? null,
      secondaryAvailabilityZone: instance.SecondaryAvailabilityZone ?? null,
      publiclyAccessible: instance.PubliclyAccessible ?? null,
      backupRetentionPeriod: instance.BackupRetentionPeriod ?? null,
      endpoint: instance.Endpoint?.Address ?? null,
    });
    return outcomeOf(checkRdsMultiAz({ instance, replica }), c);
  });

  // rds.replica.lag: marker rows written on the primary and timed until they show on the replica (SQL),
  // beside CloudWatch ReplicaLag of the replica (AWS); either one alone is enough to judge.
  const lagInventory = inventoryIfConfigured([['rds.instance', (s) => s.rds?.instance]]);

  async function latestReplicaLag(c: CheckContext, replica: string): Promise<number | null> {
    if (!lagInventory) return null;
    const end = new Date();
    const points = await getMetricStatistics(lagInventory.clients.cloudWatch, {
      namespace: 'AWS/RDS',
      metricName: 'ReplicaLag',
      dimensions: [{ Name: 'DBInstanceIdentifier', Value: replica }],
      start: new Date(end.getTime() - defaults.replicaLagMetric.windowMinutes * 60_000),
      end,
      periodS: 60,
      statistics: ['Maximum'],
    });
    c.evidence.series(
      'CloudWatch ReplicaLag (Maximum, 1-minute periods)',
      's',
      points.map((p) => p.Maximum ?? Number.NaN),
    );
    return points.at(-1)?.Maximum ?? null;
  }

  check('rds.replica.lag', async (c) => {
    const rdsSection = c.stack.rds;
    const replicaId = rdsSection?.replica;
    const names: SqlEndpointNames = {};
    if (lagInventory && rdsSection?.instance) {
      const [primary, replica] = await Promise.all([
        lagInventory.dbInstance(rdsSection.instance),
        replicaId ? lagInventory.dbInstance(replicaId) : Promise.resolve(null),
      ]);
      if (primary.Endpoint?.Address)
        names.primary = { address: primary.Endpoint.Address, port: primary.Endpoint.Port ?? 3306 };
      if (replica?.Endpoint?.Address)
        names.replica = { address: replica.Endpoint.Address, port: replica.Endpoint.Port ?? 3306 };
    }
    const access = sqlAccessFor(c.stack, names);
    const sqlProblem =
      typeof access === 'string'
        ? access
        : access.replica === null
          ? 'the replica is not known (set rds.replica, or rds.sql.replicaHost)'
          : null;
    const cloudWatchLag = replicaId ? await latestReplicaLag(c, replicaId) : null;
    if (cloudWatchLag !== null)
      c.evidence.measure('CloudWatch ReplicaLag (latest minute, Maximum)', cloudWatchLag, 's');
    if (cloudWatchLag === -1) {
      c.evidence.part(
        'replicates',
        false,
        `CloudWatch ReplicaLag of ${replicaId} is -1: replication is not running`,
      );
      c.evidence.part('lag-under-threshold', false, 'not judged: replication is not running');
      return failed(
        `replication is not running on ${replicaId} (CloudWatch ReplicaLag is -1)`,
        'start replication on the read replica (check its status and the events in the RDS console)',
      );
    }
    if (typeof access === 'string' || access.replica === null) {
      if (cloudWatchLag === null) {
        return skipped(
          `cannot measure: no SQL access (${sqlProblem}) and no CloudWatch ReplicaLag for the replica`,
          'stack.unmet',
        );
      }
      c.evidence.note(`marker rows not written: ${sqlProblem}`);
      const limitS = c.settings.thresholds.replicaLagP95Ms / 1000;
      c.evidence.part(
        'replicates',
        true,
        `CloudWatch reports a ReplicaLag for ${replicaId}: replication runs`,
      );
      c.evidence.part(
        'lag-under-threshold',
        cloudWatchLag <= limitS,
        `CloudWatch ReplicaLag ${cloudWatchLag} s (threshold ${limitS} s)`,
      );
      return cloudWatchLag > limitS
        ? failed(
            `CloudWatch ReplicaLag of ${replicaId} is ${cloudWatchLag} s, over the threshold of ${limitS} s`,
          )
        : passed(
            `CloudWatch ReplicaLag of ${replicaId} is ${cloudWatchLag} s (marker rows not written: ${sqlProblem})`,
          );
    }
    const thresholdMs = c.settings.thresholds.replicaLagP95Ms;
    const timeouts = defaults.sqlSession;
    const { markers, spacingMs, minWaitMs, waitLagMultiple } = defaults.replicaLag;
    const waitMs = Math.max(minWaitMs, waitLagMultiple * thresholdMs);
    const result = await measureReplicaLag({
      primary: { endpoint: access.primary, credentials: access.credentials, ...timeouts },
      replica: { endpoint: access.replica, credentials: access.credentials, ...timeouts },
      // Unique to this run, even beside other students' runs in one grading process started the same instant:
      // two runs sharing a note would count, and remove, each other's rows.
      note: `lag-${Date.now().toString(36)}-${randomBytes(6).toString('hex')}`,
      markers,
      spacingMs,
      pollEveryMs: replicaPollEveryMs(thresholdMs),
      waitMs,
      signal: c.signal,
    });
    c.evidence.series(
      'marker lag',
      'ms',
      result.markers.map((m) => m.lagMs ?? Number.NaN),
    );
    if (result.p50Ms !== null) c.evidence.measure('replica lag p50', result.p50Ms, 'ms');
    if (result.p95Ms !== null)
      c.evidence.measure('replica lag p95', result.p95Ms, 'ms', `threshold ${thresholdMs} ms`);
    c.evidence.set('replicaLag', {
      primary: `${result.primaryAddress}:${access.primary.port}`,
      replica: `${result.replicaAddress}:${access.replica.port}`,
      markers: result.markers.length,
      missing: result.missing,
      replicaReads: result.replicaReads,
    });
    const beside = cloudWatchLag === null ? '' : `; CloudWatch ReplicaLag ${cloudWatchLag} s`;
    const arrived = result.missing === 0 && result.p95Ms !== null;
    c.evidence.part(
      'replicates',
      arrived,
      arrived
        ? `all ${result.markers.length} marker rows written on the primary reached the replica`
        : `${result.missing} of ${result.markers.length} marker rows did not reach the replica`,
    );
    c.evidence.part(
      'lag-under-threshold',
      arrived && result.p95Ms! <= thresholdMs,
      arrived
        ? `lag p95 ${Math.round(result.p95Ms!)} ms (threshold ${thresholdMs} ms)`
        : 'not judged: not every marker row reached the replica',
    );
    if (result.missing > 0 || result.p95Ms === null) {
      return failed(
        `${result.missing} of ${result.markers.length} marker rows written on the primary did not appear on the replica within ${Math.round(waitMs / 1000)} s${beside}`,
        `check replication on ${replicaId ?? 'the replica'} (CloudWatch ReplicaLag; SHOW REPLICA STATUS on the replica)`,
      );
    }
    if (result.p95Ms > thresholdMs) {
      return failed(
        `replica lag p95 is ${Math.round(result.p95Ms)} ms (p50 ${Math.round(result.p50Ms!)} ms), over the threshold of ${thresholdMs} ms${beside}`,
        'the read replica applies changes too late: check its instance class, load and CloudWatch ReplicaLag',
      );
    }
    return passed(
      `marker rows reached the replica with lag p50 ${Math.round(result.p50Ms!)} ms, p95 ${Math.round(result.p95Ms)} ms (threshold ${thresholdMs} ms)${beside}`,
    );
  });
});
