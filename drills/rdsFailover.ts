import { type RDSClient, RebootDBInstanceCommand } from '@aws-sdk/client-rds';
import { defaults } from '../config/defaults.ts';
import { awsCall } from '../probes/aws/awsCall.ts';
import { describeDbInstance } from '../probes/aws/rds.ts';
import {
  azOfAddress,
  type InstancePlacement,
  placementOf,
  resolveEndpoint,
  standbyAddressOf,
} from '../probes/failover/endpointPlacement.ts';
import {
  abandonedFailover,
  instanceFailoverEvents,
  type RdsFailoverEvent,
} from '../probes/failover/rdsFailoverEvents.ts';
import { appProblem, sqlProblem } from '../probes/failover/steadyStateLooks.ts';
import { pollUntil } from '../probes/poller.ts';
import type { PartProblem } from './drillParts.ts';
import { type DrillContext, type DrillOutcome, defineDrill } from './experiment.ts';
import { recordFailoverMeasurements } from './failover/failoverEvidence.ts';
import type { FailoverDrillTarget } from './failover/failoverTarget.ts';
import { judgeFailover, recordNoFailover, secondsText } from './failover/failoverVerdict.ts';
import {
  createHeartbeatTable,
  heartbeatSession,
  prepareHeartbeat,
  removeHeartbeat,
} from './failover/heartbeat.ts';
import { type WatchedFailover, watchFailover } from './failover/watchFailover.ts';

// rds.failover.drill: reboot the Multi-AZ instance with failover while DNS, TCP, SQL heartbeat writes and
// the app page are watched, then prove what the lab promises: the endpoint moved to the old standby's
// address, AZ and secondary AZ swapped, the app answers again within the RTO, and no acknowledged write
// was lost. Read top to bottom as the experiment: steady state, method, verify, rollback.

export interface RdsFailoverTarget extends FailoverDrillTarget {
  instance: string;
  /** The read replica, whose address is not the standby's. */
  replica?: string;
}

export interface RdsFailoverObservation {
  /** Set when the instance is Single-AZ: what RDS answered to the reboot with failover. */
  singleAz?: { refusal: string | null };
  endpoint: string;
  before: InstancePlacement & { address: string; addressAz: string | null };
  after: InstancePlacement | null;
  expectedAddress: string | null;
  newAddress: string | null;
  newAddressAz: string | null;
  watched: WatchedFailover | null;
  sqlSkipped: string | null;
  events: RdsFailoverEvent[];
}

const rdsFailoverParts = ['endpoint-moved', 'no-write-lost', 'within-rto'] as const;
type RdsFailoverPart = (typeof rdsFailoverParts)[number];

export function rdsFailoverDrill(target: RdsFailoverTarget) {
  return defineDrill<RdsFailoverObservation>({
    id: 'rds.failover.drill',
    title: 'RDS Multi-AZ: reboot with failover',
    parts: rdsFailoverParts,
    steadyState: (ctx) => steadyState(ctx, target),
    method: (ctx) => (ctx.dryRun ? plan(ctx, target) : rebootWithFailover(ctx, target)),
    verify: async (ctx, seen) => verify(ctx, target, seen),
  });
}

// Steady state: the instance is available with an endpoint, the database answers through it (when the
// instance is Multi-AZ and SQL access is known), and the app page is up.

async function steadyState(ctx: DrillContext, target: RdsFailoverTarget): Promise<string | undefined> {
  const instance = await describeDbInstance(rdsOf(ctx), target.instance);
  if (instance.DBInstanceStatus !== 'available') {
    return `${target.instance} is ${instance.DBInstanceStatus ?? 'in an unknown state'}, not available`;
  }
  const endpoint = instance.Endpoint?.Address;
  if (!endpoint) return `${target.instance} has no endpoint yet`;
  const access = target.sqlFor({ address: endpoint, port: instance.Endpoint?.Port ?? 3306 });
  if (typeof access !== 'string' && instance.MultiAZ) {
    const problem = await sqlProblem(heartbeatSession(access));
    if (problem)
      return `cannot reach the database through ${access.primary.host}:${access.primary.port}: ${problem}`;
  }
  if (target.appUrl) {
    const problem = await appProblem(target.appUrl, target.http);
    if (problem) return `the app page is not healthy before the drill: ${problem}`;
  }
}

// Method: note where the endpoint points and where the standby is, make the heartbeat table, reboot with
// failover while the watch runs, then look again: the AZs (which the API may show late), the address the
// endpoint moved to, and RDS's events.

const undoNote = (target: RdsFailoverTarget) =>
  `a reboot with failover of ${target.instance} cannot be undone: the old standby stays the primary`;

/** The dry run's plan: the same changes, none made. */
async function plan(ctx: DrillContext, target: RdsFailoverTarget): Promise<RdsFailoverObservation> {
  const access = target.sqlFor({ address: `(${target.instance}'s endpoint)`, port: 3306 });
  if (typeof access !== 'string') await createHeartbeatTable(ctx, access);
  await ctx.change({
    step: 'reboot-with-failover',
    undo: { type: 'none', note: undoNote(target) },
    apply: async () => {},
  });
  return unwatched('', {
    status: '',
    multiAz: true,
    az: null,
    secondaryAz: null,
    address: '',
    addressAz: null,
  });
}

/** What the drill saw when it watched nothing (a dry run, a refusal): where the endpoint was, no more. */
function unwatched(endpoint: string, before: RdsFailoverObservation['before']): RdsFailoverObservation {
  return {
    endpoint,
    before,
    after: null,
    expectedAddress: null,
    newAddress: null,
    newAddressAz: null,
    watched: null,
    sqlSkipped: null,
    events: [],
  };
}

async function rebootWithFailover(
  ctx: DrillContext,
  target: RdsFailoverTarget,
): Promise<RdsFailoverObservation> {
  const rds = rdsOf(ctx);
  const ec2 = ctx.clients.ec2;
  let rebootCalledAt = Date.now();
  const reboot = () =>
    ctx.change({
      step: 'reboot-with-failover',
      undo: { type: 'none', note: undoNote(target) },
      apply: () => {
        rebootCalledAt = Date.now();
        return awsCall(
          rds,
          new RebootDBInstanceCommand({ DBInstanceIdentifier: target.instance, ForceFailover: true }),
          { subject: `RDS DB instance '${target.instance}'` },
        ).then(() => undefined);
      },
    });

  const instance = await describeDbInstance(rds, target.instance);
  const before = placementOf(instance);
  const endpoint = instance.Endpoint?.Address ?? '';
  const port = instance.Endpoint?.Port ?? 3306;
  const oldAddress = await resolveEndpoint(
    endpoint,
    target.resolver,
    defaults.failoverDrill.endpointResolveTimeoutMs,
  );
  const addressAz = (await azOfAddress(ec2, oldAddress)) ?? before.az;
  ctx.event('endpoint before', `${endpoint} → ${oldAddress} (${addressAz ?? 'AZ unknown'})`);
  const nothingWatched = unwatched(endpoint, { ...before, address: oldAddress, addressAz });

  if (!before.multiAz) {
    // RDS refuses a forced failover of a Single-AZ instance; the drill shows the student RDS's answer.
    let refusal: string | null = null;
    try {
      await reboot();
    } catch (error) {
      refusal = error instanceof Error ? error.message : String(error);
      ctx.event('RDS refused the reboot with failover', refusal);
    }
    return { ...nothingWatched, singleAz: { refusal } };
  }

  const replicaAddress = target.replica
    ? await describeDbInstance(rds, target.replica)
        .then((replica) =>
          replica.Endpoint?.Address
            ? resolveEndpoint(
                replica.Endpoint.Address,
                target.resolver,
                defaults.failoverDrill.endpointResolveTimeoutMs,
              )
            : null,
        )
        .catch(() => null)
    : null;
  const expectedAddress = await standbyAddressOf(
    ec2,
    instance,
    [oldAddress, replicaAddress].filter((a): a is string => a !== null),
  );
  ctx.event(
    'standby',
    expectedAddress
      ? `expected at ${expectedAddress} (${before.secondaryAz})`
      : `in ${before.secondaryAz ?? 'an unknown AZ'}`,
  );
  const heartbeat = await prepareHeartbeat(ctx, target, { address: endpoint, port });

  let sawRebooting = false;
  const watched = await watchFailover(ctx, target, {
    endpointName: endpoint,
    port: heartbeat.sql?.endpoint.port ?? port,
    oldAddress,
    expectedAddress,
    heartbeat,
    trigger: reboot,
    controlPlaneDone: async () => {
      const now = await describeDbInstance(rds, target.instance);
      const status = now.DBInstanceStatus ?? 'unknown';
      if (status !== 'available') sawRebooting = true;
      const swapped = now.AvailabilityZone !== before.az;
      // The AZ can show late; the failover is over for the drill once the instance is available again
      // (after rebooting, or with its AZ already swapped when the rebooting phase was too short to see).
      const done = status === 'available' && (sawRebooting || swapped);
      // Back without a swap: perhaps RDS only rebooted it, having abandoned the failover.
      const abandoned =
        done && !swapped
          ? await abandonedFailover(
              rds,
              target.instance,
              new Date(rebootCalledAt - defaults.failoverDrill.eventsLookbackMs),
            )
          : null;
      return { done, label: status, ...(abandoned ? { abandoned } : {}) };
    },
  });

  // The API may show the AZ swap minutes after the status; poll on, within the observation window.
  const describePlacement = async () => placementOf(await describeDbInstance(rds, target.instance));
  const azSwap = await pollUntil(describePlacement, (now) => now.az !== before.az, {
    everyMs: target.watch.statusEveryMs,
    maxDurationMs: watched.rebootAt + target.watch.observeS * 1000 - Date.now(),
    signal: ctx.signal,
  });
  ctx.signal.throwIfAborted();
  const after = azSwap.last ?? (await describePlacement());
  const lastAnswer = [...watched.observation.dns].reverse().find((s) => s.addresses.length > 0);
  const newAddress = lastAnswer?.addresses[0] ?? null;
  const newAddressAz = newAddress ? await azOfAddress(ec2, newAddress) : null;

  const events = await instanceFailoverEvents(
    rds,
    target.instance,
    new Date(watched.rebootAt - defaults.failoverDrill.eventsLookbackMs),
  );
  for (const e of events) ctx.event(`RDS event ${e.id}`.trim(), `${e.at} ${e.message}`);
  await removeHeartbeat(heartbeat);
  recordFailoverMeasurements(ctx, watched);
  return {
    ...nothingWatched,
    after,
    expectedAddress,
    newAddress,
    newAddressAz,
    watched,
    sqlSkipped: heartbeat.skipped,
    events,
  };
}

// Verify: the endpoint moved to the old standby (in the old secondary AZ), the instance is available again,
// AvailabilityZone and SecondaryAvailabilityZone swapped; then the client side, as for Aurora.

function verify(ctx: DrillContext, target: RdsFailoverTarget, seen: RdsFailoverObservation): DrillOutcome {
  ctx.evidence.set('rdsFailover', {
    endpoint: seen.endpoint,
    before: { ...seen.before },
    after: seen.after ? { ...seen.after } : null,
    expectedAddress: seen.expectedAddress,
    newAddress: seen.newAddress,
    newAddressAz: seen.newAddressAz,
    events: seen.events.map((e) => `${e.at} ${e.id} ${e.message}`),
  });
  if (seen.singleAz) {
    const answer = seen.singleAz.refusal ?? 'RDS accepted the call although the instance is not Multi-AZ';
    recordNoFailover(ctx.evidence, 'endpoint-moved', `${target.instance} is Single-AZ: ${answer}`);
    return {
      verdict: 'fail',
      reason: `${target.instance} is a Single-AZ instance: RDS refuses a reboot with failover (${answer})`,
      fix: 'turn on Multi-AZ (Modify → Multi-AZ deployment: create a standby instance), then run the drill again',
    };
  }
  const watched = seen.watched;
  if (!watched) return { verdict: 'error', reason: 'the failover was not observed' };
  if (watched.abandoned !== undefined) return abandonedOutcome(target, watched);
  const { before, after } = seen;
  const where = (az: string | null) => (az ? ` in ${az}` : '');
  const problems: PartProblem<RdsFailoverPart>[] = [];
  const swap = watched.analysis.dnsSwap;
  if (!swap) {
    problems.push({
      part: 'endpoint-moved',
      reason: `after reboot with failover the endpoint still resolves to ${before.address} (the old primary${where(before.addressAz)}): DNS did not move to the standby`,
      fix: 'the endpoint name must follow the primary; check rds.resolver points at the VPC resolver, and look at the RDS events',
    });
  } else if (seen.newAddressAz && before.secondaryAz && seen.newAddressAz !== before.secondaryAz) {
    problems.push({
      part: 'endpoint-moved',
      reason: `the endpoint moved to ${swap.address}${where(seen.newAddressAz)}, not to the old standby${where(before.secondaryAz)}`,
    });
  }
  if (watched.controlPlaneDoneAt === null) {
    problems.push({
      part: 'endpoint-moved',
      reason: `${target.instance} was not available again within ${target.watch.observeS} s (statuses: ${watched.statuses.map((s) => s.label).join(' → ') || 'none'})`,
    });
  }
  if (after && (after.az !== before.secondaryAz || after.secondaryAz !== before.az)) {
    problems.push({
      part: 'endpoint-moved',
      reason: `AvailabilityZone/SecondaryAvailabilityZone did not swap: ${before.az}/${before.secondaryAz} before, ${after.az}/${after.secondaryAz} after`,
    });
  }
  return judgeFailover(ctx.evidence, target, {
    watched,
    sqlSkipped: seen.sqlSkipped,
    movedPart: 'endpoint-moved',
    moved: swap
      ? `endpoint moved from ${before.address}${where(before.addressAz)} to ${swap.address}${where(seen.newAddressAz)} ${secondsText(swap.afterMs)} after the reboot`
      : null,
    problems,
  });
}

/** RDS-EVENT-0034: nothing to judge; the drill says when RDS will accept a failover again. */
function abandonedOutcome(target: RdsFailoverTarget, watched: WatchedFailover): DrillOutcome {
  const retryAt = new Date(watched.rebootAt + defaults.failoverDrill.retryAfterRefusalMs);
  return {
    verdict: 'error',
    errorCode: 'rds.failover-refused',
    reason: `RDS abandoned the failover of ${target.instance} because another one happened recently (RDS-EVENT-0034: "${watched.abandoned}"); it only rebooted the primary, so nothing was measured. Try again after ${retryAt.toISOString().slice(11, 19)} UTC`,
    fix: 'wait a few minutes after a failover before the next one (labdrill waits 5 minutes)',
  };
}

// Rollback: the journal's undos, after verify. The heartbeat table is dropped (sql.dropTable); the failover
// itself cannot be undone (the old standby stays the primary), so its undo puts nothing back.

function rdsOf(ctx: DrillContext): RDSClient {
  const rds = ctx.clients.rds;
  if (!rds) throw new Error('the drill needs an RDS client');
  return rds;
}
