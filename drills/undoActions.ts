import { type AutoScalingClient, UpdateAutoScalingGroupCommand } from '@aws-sdk/client-auto-scaling';
import { DescribeInstancesCommand, type EC2Client, StartInstancesCommand } from '@aws-sdk/client-ec2';
import type { RDSClient } from '@aws-sdk/client-rds';
import {
  DeleteBucketPolicyCommand,
  DeletePublicAccessBlockCommand,
  PutBucketPolicyCommand,
  PutPublicAccessBlockCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { z } from 'zod';
import { defaults } from '../config/defaults.ts';
import { heartbeatTable } from '../probes/failover/sqlHeartbeat.ts';
import { pollUntil } from '../probes/poller.ts';
import { type SqlCredentials, SqlProbeError, withSqlSession } from '../probes/sql.ts';

// What a drill writes to the journal before it changes anything: how to put the stack back. An undo is
// data, not a closure, so that another process (`labdrill restore`) can carry it out after a crash.
// Every undo is idempotent: carrying it out twice leaves the stack as carrying it out once.

const bucketName = z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name');
const instanceId = z.string().regex(/^i-[0-9a-f]{8,17}$/, 'must be an EC2 instance id');

const undoActionTypes = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('s3.putBucketPolicy'),
    bucket: bucketName,
    /** The exact bytes of the policy as it was, so that restoring leaves it byte-identical. */
    policy: z
      .string()
      .min(1)
      .max(20 * 1024),
  }),
  z.strictObject({ type: z.literal('s3.deleteBucketPolicy'), bucket: bucketName }),
  z.strictObject({
    type: z.literal('s3.putPublicAccessBlock'),
    bucket: bucketName,
    configuration: z.strictObject({
      BlockPublicAcls: z.boolean(),
      IgnorePublicAcls: z.boolean(),
      BlockPublicPolicy: z.boolean(),
      RestrictPublicBuckets: z.boolean(),
    }),
  }),
  z.strictObject({ type: z.literal('s3.deletePublicAccessBlock'), bucket: bucketName }),
  z.strictObject({ type: z.literal('ec2.startInstances'), instanceIds: z.array(instanceId).min(1).max(100) }),
  z.strictObject({
    type: z.literal('asg.updateCapacity'),
    groupName: z.string().min(1).max(255),
    minSize: z.number().int().min(0),
    maxSize: z.number().int().min(0),
    desiredCapacity: z.number().int().min(0),
  }),
  /**
   * A table labdrill made in the student's database (the failover drills' heartbeat), dropped again. Only
   * labdrill's own tables can be named; the database and credentials are the stack file's rds.sql.
   */
  z.strictObject({
    type: z.literal('sql.dropTable'),
    table: z.enum([heartbeatTable]),
    host: z.string().min(1).max(255),
    port: z.number().int().min(1).max(65_535),
  }),
  /** A change with nothing to put back (a failover, a terminated instance its Auto Scaling group replaces). */
  z.strictObject({ type: z.literal('none'), note: z.string().max(500) }),
]);

/** The failovers' no-op undo in journals from older versions, the same as 'none'. */
const formerNoopType = 'rds.noop';

/** An undo as journalled: an older journal's 'rds.noop' reads as 'none', so that it still restores. */
export const undoActionSchema = z.preprocess(
  (raw) =>
    typeof raw === 'object' && raw !== null && (raw as { type?: unknown }).type === formerNoopType
      ? { ...raw, type: 'none' }
      : raw,
  undoActionTypes,
);

export type UndoAction = z.infer<typeof undoActionTypes>;
export type UndoActionType = UndoAction['type'];

/** The SDK clients undos may need; each executor takes the one it uses and says so when it is missing. */
export interface DrillClients {
  s3?: S3Client;
  ec2?: EC2Client;
  rds?: RDSClient;
  autoScaling?: AutoScalingClient;
  /** The stack file's database access (rds.sql), for undos that write to the database. */
  sql?: { credentials: SqlCredentials; resolver?: string };
}

export interface UndoRunOptions {
  /** Ends the undo's calls; restore gives each undo its own deadline. */
  signal?: AbortSignal;
}

/** Carries out one kind of undo and says in one line what it did. */
export type UndoExecutor<T extends UndoActionType> = (
  action: Extract<UndoAction, { type: T }>,
  clients: DrillClients,
  options: UndoRunOptions,
) => Promise<string>;

export type UndoExecutors = { [T in UndoActionType]: UndoExecutor<T> };

class MissingClientError extends Error {
  override readonly name = 'MissingClientError';
}

function need<C>(client: C | undefined, name: keyof DrillClients, action: UndoAction): C {
  if (client === undefined) {
    throw new MissingClientError(`undo ${action.type} needs the ${name} client, and none was given`);
  }
  return client;
}

function errorName(error: unknown): string {
  if (error instanceof Error) return error.name;
  return '';
}

/** S3 answers these when the thing to delete is already gone: the undo's goal is met. */
const alreadyGone = new Set(['NoSuchBucketPolicy', 'NoSuchPublicAccessBlockConfiguration']);

// Dropping labdrill's table retries a database that cannot be reached (a failover in progress), and
// starting an instance waits for EC2 to finish stopping it, but neither forever: undo in config/defaults.ts.
const { dropTableRetryMs, dropTableRetryEveryMs, stopWaitChecks, stopWaitEveryMs } = defaults.undo;

async function startInstances(
  action: Extract<UndoAction, { type: 'ec2.startInstances' }>,
  clients: DrillClients,
  options: UndoRunOptions,
): Promise<string> {
  const ec2 = need(clients.ec2, 'ec2', action);
  const said: string[] = [];
  // One look: start what has stopped, and say which are still stopping (or to be looked at again).
  const startStopped = async (remaining: readonly string[]): Promise<string[]> => {
    const described = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [...remaining] }), {
      abortSignal: options.signal,
    });
    const states = new Map<string, string>();
    for (const reservation of described.Reservations ?? []) {
      for (const instance of reservation.Instances ?? []) {
        if (instance.InstanceId) states.set(instance.InstanceId, instance.State?.Name ?? 'unknown');
      }
    }
    const toStart: string[] = [];
    const stillStopping: string[] = [];
    for (const id of remaining) {
      const state = states.get(id) ?? 'terminated';
      if (state === 'running' || state === 'pending') said.push(`${id} already ${state}`);
      else if (state === 'stopped') toStart.push(id);
      else if (state === 'stopping') stillStopping.push(id);
      // A terminated instance cannot come back; its Auto Scaling group (if any) replaces it.
      else said.push(`${id} is ${state}, nothing to start`);
    }
    if (toStart.length > 0) {
      try {
        await ec2.send(new StartInstancesCommand({ InstanceIds: toStart }), { abortSignal: options.signal });
      } catch (error) {
        // The state moved between the look and the start (an Auto Scaling group began replacing the
        // stopped instance, say): the next look says what it is now, instead of the undo failing on it.
        if (errorName(error) !== 'IncorrectInstanceState') throw error;
        return [...stillStopping, ...toStart];
      }
      said.push(`started ${toStart.join(', ')}`);
    }
    return stillStopping;
  };
  let remaining: readonly string[] = action.instanceIds;
  if (remaining.length === 0) return '';
  const outcome = await pollUntil(
    async () => (remaining = await startStopped(remaining)),
    (stillStopping) => stillStopping.length === 0,
    {
      everyMs: stopWaitEveryMs,
      maxPolls: stopWaitChecks,
      // The checks bound the wait; the time bound only backs them up (each look's calls have their own).
      maxDurationMs: 2 * stopWaitChecks * stopWaitEveryMs,
      ...(options.signal ? { signal: options.signal } : {}),
    },
  );
  if (!outcome.met) {
    if (options.signal?.aborted) throw options.signal.reason ?? new Error('the undo was cancelled');
    throw new Error(
      `${remaining.join(', ')} still stopping after ${outcome.polls} checks; run restore again`,
    );
  }
  return said.join('; ');
}

/** The executors that call AWS through the SDK v3 clients. */
export const sdkUndoExecutors: UndoExecutors = {
  's3.putBucketPolicy': async (action, clients, options) => {
    const s3 = need(clients.s3, 's3', action);
    await s3.send(new PutBucketPolicyCommand({ Bucket: action.bucket, Policy: action.policy }), {
      abortSignal: options.signal,
    });
    return `put back the bucket policy of ${action.bucket} (${Buffer.byteLength(action.policy)} bytes)`;
  },
  's3.deleteBucketPolicy': async (action, clients, options) => {
    const s3 = need(clients.s3, 's3', action);
    try {
      await s3.send(new DeleteBucketPolicyCommand({ Bucket: action.bucket }), {
        abortSignal: options.signal,
      });
    } catch (error) {
      if (!alreadyGone.has(errorName(error))) throw error;
      return `${action.bucket} had no bucket policy already`;
    }
    return `removed the bucket policy of ${action.bucket}`;
  },
  's3.putPublicAccessBlock': async (action, clients, options) => {
    const s3 = need(clients.s3, 's3', action);
    await s3.send(
      new PutPublicAccessBlockCommand({
        Bucket: action.bucket,
        PublicAccessBlockConfiguration: action.configuration,
      }),
      { abortSignal: options.signal },
    );
    return `put back the Block Public Access settings of ${action.bucket}`;
  },
  's3.deletePublicAccessBlock': async (action, clients, options) => {
    const s3 = need(clients.s3, 's3', action);
    try {
      await s3.send(new DeletePublicAccessBlockCommand({ Bucket: action.bucket }), {
        abortSignal: options.signal,
      });
    } catch (error) {
      if (!alreadyGone.has(errorName(error))) throw error;
      return `${action.bucket} had no Block Public Access settings already`;
    }
    return `removed the Block Public Access settings of ${action.bucket}`;
  },
  'ec2.startInstances': startInstances,
  'asg.updateCapacity': async (action, clients, options) => {
    const autoScaling = need(clients.autoScaling, 'autoScaling', action);
    await autoScaling.send(
      new UpdateAutoScalingGroupCommand({
        AutoScalingGroupName: action.groupName,
        MinSize: action.minSize,
        MaxSize: action.maxSize,
        DesiredCapacity: action.desiredCapacity,
      }),
      { abortSignal: options.signal },
    );
    return `set ${action.groupName} back to min ${action.minSize}, max ${action.maxSize}, desired ${action.desiredCapacity}`;
  },
  'sql.dropTable': async (action, clients, options) => {
    const sql = need(clients.sql, 'sql', action);
    const session = {
      endpoint: { host: action.host, port: action.port, ...(sql.resolver ? { resolver: sql.resolver } : {}) },
      credentials: sql.credentials,
      connectTimeoutMs: defaults.undo.sqlConnectTimeoutMs,
      queryTimeoutMs: defaults.undo.sqlQueryTimeoutMs,
    };
    // Right after a failover the endpoint may still name the stopped primary: retry while the database
    // cannot be reached (a Multi-AZ failover takes up to two minutes), until the undo's own deadline.
    let failure: unknown;
    const outcome = await pollUntil(
      async () => {
        try {
          await withSqlSession(session, (s) => s.execute(`DROP TABLE IF EXISTS ${action.table}`));
          return 'dropped' as const;
        } catch (error) {
          failure = error;
          const unreachable =
            error instanceof SqlProbeError && ['dns', 'connect', 'timeout'].includes(error.kind);
          return unreachable ? ('unreachable' as const) : ('failed' as const);
        }
      },
      (result) => result !== 'unreachable',
      {
        everyMs: dropTableRetryEveryMs,
        maxDurationMs: dropTableRetryMs,
        ...(options.signal ? { signal: options.signal } : {}),
      },
    );
    if (outcome.last === 'dropped') return `dropped ${action.table} on ${action.host}:${action.port}`;
    throw failure ?? options.signal?.reason ?? new Error('the undo was cancelled');
  },
  none: async (action) => `nothing to put back: ${action.note}`,
};

/** Carries out one undo with the given executors (the SDK ones unless a test replaces some). */
export function executeUndo(
  action: UndoAction,
  clients: DrillClients,
  options: UndoRunOptions = {},
  executors: UndoExecutors = sdkUndoExecutors,
): Promise<string> {
  // The mapped type pairs each type with its executor; TypeScript cannot follow that through a union.
  const executor = executors[action.type] as UndoExecutor<UndoActionType>;
  return executor(action as never, clients, options);
}

/** One line saying what an undo would put back, for plans and reports. */
export function describeUndo(action: UndoAction): string {
  switch (action.type) {
    case 's3.putBucketPolicy':
      return `put back the bucket policy of ${action.bucket} (${Buffer.byteLength(action.policy)} bytes, byte-identical)`;
    case 's3.deleteBucketPolicy':
      return `remove the bucket policy of ${action.bucket}`;
    case 's3.putPublicAccessBlock': {
      const c = action.configuration;
      const flags = Object.entries(c)
        .map(([name, on]) => `${name}=${on}`)
        .join(' ');
      return `put back the Block Public Access settings of ${action.bucket} (${flags})`;
    }
    case 's3.deletePublicAccessBlock':
      return `remove the Block Public Access settings of ${action.bucket}`;
    case 'ec2.startInstances':
      return `start ${action.instanceIds.join(', ')} again`;
    case 'sql.dropTable':
      return `drop labdrill's table ${action.table} on ${action.host}:${action.port}`;
    case 'asg.updateCapacity':
      return `set ${action.groupName} back to min ${action.minSize}, max ${action.maxSize}, desired ${action.desiredCapacity}`;
    case 'none':
      return `nothing to put back (${action.note})`;
  }
}
