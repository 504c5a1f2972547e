import type { DrillContext } from '../experiment.ts';
import type { WatchedFailover } from './watchFailover.ts';

// What a watched failover puts in the check's evidence, for both failover drills: the measured downtimes and
// RTO, the samples as series, and the moments DNS moved and writes and the app went down and came back.

/** Measurements and samples of a watched failover into the evidence. */
export function recordFailoverMeasurements(ctx: DrillContext, watched: WatchedFailover): void {
  const { analysis, rebootAt } = watched;
  const seconds = (ms: number) => ms / 1000;
  if (analysis.dnsSwap)
    ctx.evidence.measure('DNS swap after the failover call', seconds(analysis.dnsSwap.afterMs), 's');
  if (analysis.writeOutage?.ms != null)
    ctx.evidence.measure('write downtime (client-observed)', seconds(analysis.writeOutage.ms), 's');
  if (analysis.appOutage?.ms != null)
    ctx.evidence.measure('app downtime', seconds(analysis.appOutage.ms), 's');
  if (analysis.rtoMs !== null)
    ctx.evidence.measure('RTO (call → app healthy and writes OK)', seconds(analysis.rtoMs), 's');
  ctx.evidence.measure('writes acknowledged', analysis.writesAcknowledged, 'count');
  ctx.evidence.measure('writes failed', analysis.writesFailed, 'count');
  if (analysis.lostWrites)
    ctx.evidence.measure('acknowledged writes lost', analysis.lostWrites.length, 'count');
  const { observation } = watched;
  // The write and app samples as two series each: whether the look succeeded, and when from the call.
  const looks: [string, string, readonly { ok: boolean; at: number }[]][] = [
    ['write ok (1) / failed (0)', 'write time from the failover call', observation.writes],
    [
      'app healthy (1) / not (0)',
      'app time from the failover call',
      observation.app.map((s) => ({ ok: s.healthy, at: s.at })),
    ],
  ];
  for (const [okName, timeName, samples] of looks) {
    ctx.evidence.series(
      okName,
      'bool',
      samples.map((s) => (s.ok ? 1 : 0)),
    );
    ctx.evidence.series(
      timeName,
      'ms',
      samples.map((s) => s.at - rebootAt),
    );
  }
  ctx.evidence.series(
    'TCP connect ok (1) / failed (0)',
    'bool',
    observation.tcp.map((s) => (s.ok ? 1 : 0)),
  );
  const offset = (at: number | null | undefined) =>
    at == null ? 'n/a' : `+${((at - rebootAt) / 1000).toFixed(2)} s`;
  if (analysis.dnsSwap) {
    ctx.event(
      'DNS moved',
      `${analysis.dnsSwap.address} first seen ${offset(analysis.dnsSwap.at)} (last old answer ${offset(analysis.dnsSwap.lastOldAt)})`,
    );
  }
  if (analysis.writeOutage) {
    ctx.event(
      'writes down',
      `last acknowledged ${offset(analysis.writeOutage.lastOkAt)}, first failure ${offset(analysis.writeOutage.firstFailAt)}, back ${offset(analysis.writeOutage.firstOkAt)}`,
    );
  }
  if (analysis.appOutage) {
    ctx.event(
      'app down',
      `last healthy ${offset(analysis.appOutage.lastOkAt)}, back ${offset(analysis.appOutage.firstOkAt)}`,
    );
  }
  ctx.evidence.set('failover', {
    dnsSamples: observation.dns.length,
    tcpSamples: observation.tcp.length,
    writeSamples: observation.writes.length,
    appSamples: observation.app.length,
    endedBy: watched.endedBy,
    statuses: watched.statuses.map((s) => `${offset(s.at)} ${s.label}`),
  });
}
