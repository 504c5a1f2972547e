import type { RDSClient } from '@aws-sdk/client-rds';
import { describeEvents } from '../aws/rds.ts';

// The RDS events of a Multi-AZ failover, named by the ids RDS documents (DescribeEvents carries none), and
// RDS-EVENT-0034: RDS refuses a failover soon after another one and only reboots the primary.

export interface RdsFailoverEvent {
  /** ISO time; empty when RDS gave none. */
  at: string;
  /** RDS-EVENT-…, or empty for a message the failover does not document. */
  id: string;
  message: string;
}

const failoverEventIds: Record<string, string> = {
  'Multi-AZ instance failover started.': 'RDS-EVENT-0013',
  'Multi-AZ failover to standby complete - DNS propagation may take a few minutes.': 'RDS-EVENT-0015',
  'Multi-AZ instance failover completed.': 'RDS-EVENT-0049',
  'DB instance restarted.': 'RDS-EVENT-0006',
  'DB instance shutdown.': 'RDS-EVENT-0004',
};

/** RDS-EVENT-0034's message. */
const abandonedFailoverPattern = /^Abandoning user requested failover/;

/** The instance's events since `since`, named; none when they cannot be read. */
export async function instanceFailoverEvents(
  rds: RDSClient,
  instance: string,
  since: Date,
): Promise<RdsFailoverEvent[]> {
  const events = await describeEvents(rds, {
    sourceId: instance,
    sourceType: 'db-instance',
    start: since,
  }).catch(() => []);
  return events.map((e) => ({
    at: e.Date?.toISOString() ?? '',
    id: abandonedFailoverPattern.test(e.Message ?? '')
      ? 'RDS-EVENT-0034'
      : (failoverEventIds[e.Message ?? ''] ?? ''),
    message: (e.Message ?? '').slice(0, 300),
  }));
}

/** RDS's message when it abandoned a failover of the instance since `since` (RDS-EVENT-0034), or null. */
export async function abandonedFailover(
  rds: RDSClient,
  instance: string,
  since: Date,
): Promise<string | null> {
  const events = await describeEvents(rds, {
    sourceId: instance,
    sourceType: 'db-instance',
    start: since,
  }).catch(() => []);
  const found = events.find((e) => abandonedFailoverPattern.test(e.Message ?? ''));
  return found ? (found.Message ?? '').slice(0, 300) : null;
}
