// What a failover looked like from the client side, computed from the observers' timestamped samples:
// when DNS moved, how long writes and the app page were down, the total recovery time, and which
// acknowledged writes are missing afterwards. Pure functions of the samples; all times are epoch ms.

export interface OkSample {
  at: number;
  ok: boolean;
}

export interface OutageWindow {
  /** The last success before the first failure after the start; null when nothing succeeded before it. */
  lastOkAt: number | null;
  firstFailAt: number;
  lastFailAt: number;
  /** The first success after the last failure; null when it never recovered while observed. */
  firstOkAt: number | null;
  /** firstOkAt − (lastOkAt, or the start when there is none); null when not recovered. */
  ms: number | null;
  failures: number;
}

/**
 * The disruption after `from`: from the last success before the first failure to the first success after
 * the last failure (flapping in between counts as one outage). Null when nothing failed after `from`.
 */
export function outageWindow(samples: readonly OkSample[], from: number): OutageWindow | null {
  const ordered = [...samples].sort((a, b) => a.at - b.at);
  const firstFailIndex = ordered.findIndex((s) => s.at >= from && !s.ok);
  if (firstFailIndex < 0) return null;
  let lastFailIndex = firstFailIndex;
  let failures = 0;
  for (let i = firstFailIndex; i < ordered.length; i++) {
    if (!ordered[i]!.ok) {
      lastFailIndex = i;
      failures++;
    }
  }
  const before = ordered.slice(0, firstFailIndex).filter((s) => s.ok);
  const lastOkAt = before.length > 0 ? before[before.length - 1]!.at : null;
  const firstOkAt = ordered.slice(lastFailIndex + 1).find((s) => s.ok)?.at ?? null;
  return {
    lastOkAt,
    firstFailAt: ordered[firstFailIndex]!.at,
    lastFailAt: ordered[lastFailIndex]!.at,
    firstOkAt,
    ms: firstOkAt === null ? null : firstOkAt - (lastOkAt ?? from),
    failures,
  };
}

export interface AddressSample {
  at: number;
  addresses: readonly string[];
}

export interface DnsSwap {
  /** The first answer showing the new address. */
  at: number;
  address: string;
  /** at − from. */
  afterMs: number;
  /** The last answer still showing the old address before it, if any. */
  lastOldAt: number | null;
}

/**
 * The first answer after `from` that no longer holds the old address (and holds `expected` when given).
 * Null when the name never moved while observed.
 */
export function dnsSwap(
  samples: readonly AddressSample[],
  change: { from: number; oldAddress: string; expected?: string | null },
): DnsSwap | null {
  const ordered = [...samples].sort((a, b) => a.at - b.at);
  let lastOldAt: number | null = null;
  for (const sample of ordered) {
    if (sample.at < change.from) continue;
    if (sample.addresses.includes(change.oldAddress)) {
      lastOldAt = sample.at;
      continue;
    }
    const moved = change.expected ? sample.addresses.includes(change.expected) : sample.addresses.length > 0;
    if (moved) {
      const address = change.expected ?? sample.addresses[0]!;
      return { at: sample.at, address, afterMs: sample.at - change.from, lastOldAt };
    }
  }
  return null;
}

/** Acknowledged sequence numbers missing from what the new writer holds, ascending. */
export function lostAcknowledgedWrites(
  acknowledged: readonly number[],
  present: ReadonlySet<number>,
): number[] {
  return [...new Set(acknowledged)].filter((seq) => !present.has(seq)).sort((a, b) => a - b);
}

export interface FailoverTimeline {
  /** When the reboot-with-failover (or FailoverDBCluster) call was made. */
  rebootAt: number;
  oldAddress: string;
  /** The old standby's address, when known before the failover. */
  expectedAddress?: string | null;
  dns: readonly AddressSample[];
  /** Heartbeat writes; absent when SQL was not observed. */
  writes?: readonly (OkSample & { seq: number })[];
  /** App page loads; absent when no app URL was observed. */
  app?: readonly { at: number; healthy: boolean }[];
  /** Sequence numbers present on the new writer afterwards; absent when they could not be read. */
  presentAfter?: ReadonlySet<number>;
}

export interface FailoverAnalysis {
  dnsSwap: DnsSwap | null;
  writeOutage: OutageWindow | null;
  appOutage: OutageWindow | null;
  writesAcknowledged: number;
  writesFailed: number;
  /** Acknowledged writes missing on the new writer; null when not checked. */
  lostWrites: number[] | null;
  /**
   * Reboot call → the app healthy and writes acknowledged again (each after its own last failure), and the
   * DNS moved; null when something observed had not recovered.
   */
  rtoMs: number | null;
}

export function analyzeFailover(timeline: FailoverTimeline): FailoverAnalysis {
  const from = timeline.rebootAt;
  const swap = dnsSwap(timeline.dns, {
    from,
    oldAddress: timeline.oldAddress,
    ...(timeline.expectedAddress ? { expected: timeline.expectedAddress } : {}),
  });
  const writeOutage = timeline.writes ? outageWindow(timeline.writes, from) : null;
  const appSamples = timeline.app?.map((s) => ({ at: s.at, ok: s.healthy }));
  const appOutage = appSamples ? outageWindow(appSamples, from) : null;
  const writes = timeline.writes ?? [];
  const acknowledged = writes.filter((w) => w.ok).map((w) => w.seq);

  // Each stream's recovery: after its outage, or (no outage) its first success after the reboot.
  const recoveryOf = (
    samples: readonly OkSample[] | undefined,
    outage: OutageWindow | null,
  ): number | null | undefined => {
    if (!samples || samples.length === 0) return undefined;
    if (outage) return outage.firstOkAt;
    return [...samples].sort((a, b) => a.at - b.at).find((s) => s.at >= from && s.ok)?.at ?? null;
  };
  const recoveries = [
    swap ? swap.at : null,
    recoveryOf(timeline.writes, writeOutage),
    recoveryOf(appSamples, appOutage),
  ];
  const known = recoveries.filter((r): r is number | null => r !== undefined);
  const rtoMs = known.some((r) => r === null) ? null : Math.max(...(known as number[])) - from;

  return {
    dnsSwap: swap,
    writeOutage,
    appOutage,
    writesAcknowledged: acknowledged.length,
    writesFailed: writes.length - acknowledged.length,
    lostWrites: timeline.presentAfter ? lostAcknowledgedWrites(acknowledged, timeline.presentAfter) : null,
    rtoMs,
  };
}
