import type { DBInstance } from '@aws-sdk/client-rds';
import { joinFixes, partFrom, type RuleResult, summarize } from './ruleResult.ts';

// rds.multi-az: Multi-AZ with a standby in another AZ, not publicly accessible, backups on, available;
// the read replica (when configured) replicates from this instance.

export interface RdsMultiAzInput {
  instance: DBInstance;
  replica?: DBInstance | null;
}

function isSourceOf(source: string | undefined, instanceId: string): boolean {
  if (!source) return false;
  // A cross-region replica names its source by ARN.
  return source === instanceId || source.endsWith(`:db:${instanceId}`);
}

export function checkRdsMultiAz(input: RdsMultiAzInput): RuleResult {
  const db = input.instance;
  const id = db.DBInstanceIdentifier ?? 'the DB instance';
  const problems: string[] = [];
  // By part: a working standby (and an available instance), no public access, and backups with the
  // replica they make possible.
  const multiAzProblems: string[] = [];
  const publicProblems: string[] = [];
  const backupProblems: string[] = [];
  const problemIn = (part: string[], text: string) => {
    problems.push(text);
    part.push(text);
  };
  const fixes: string[] = [];
  if (db.MultiAZ !== true) {
    problemIn(multiAzProblems, `${id} is a Single-AZ deployment: there is no standby to fail over to`);
    fixes.push(`modify ${id}: Multi-AZ deployment → "Create a standby instance"`);
  } else if (!db.SecondaryAvailabilityZone) {
    problemIn(multiAzProblems, `${id} says Multi-AZ but reports no secondary AZ (standby not ready yet?)`);
    fixes.push('wait until the standby is created, then run again');
  } else if (db.SecondaryAvailabilityZone === db.AvailabilityZone) {
    problemIn(
      multiAzProblems,
      `${id} has its standby in the same AZ as the primary (${db.AvailabilityZone})`,
    );
    fixes.push('the standby must be in the other AZ: check the DB subnet group covers both AZs');
  }
  if (db.PubliclyAccessible === true) {
    problemIn(publicProblems, `${id} is publicly accessible`);
    fixes.push(`modify ${id}: Public access → No (the app reaches it inside the VPC)`);
  }
  if ((db.BackupRetentionPeriod ?? 0) <= 0) {
    problemIn(backupProblems, `${id} has automated backups off (retention 0), which read replicas need`);
    fixes.push(`modify ${id}: backup retention period 7 days`);
  }
  if (db.DBInstanceStatus !== 'available') {
    problemIn(multiAzProblems, `${id} is ${db.DBInstanceStatus ?? 'in an unknown state'}, not available`);
    fixes.push('wait until the instance is available, then run again');
  }
  const replica = input.replica;
  if (replica) {
    const replicaId = replica.DBInstanceIdentifier ?? 'the replica';
    if (!isSourceOf(replica.ReadReplicaSourceDBInstanceIdentifier, db.DBInstanceIdentifier ?? '')) {
      problemIn(
        backupProblems,
        replica.ReadReplicaSourceDBInstanceIdentifier
          ? `${replicaId} replicates from ${replica.ReadReplicaSourceDBInstanceIdentifier}, not from ${id}`
          : `${replicaId} is not a read replica`,
      );
      fixes.push(`create ${replicaId} with Actions → "Create read replica" on ${id}`);
    }
  }
  const details = {
    instance: id,
    engine: db.Engine ?? null,
    status: db.DBInstanceStatus ?? null,
    multiAz: db.MultiAZ ?? null,
    availabilityZone: db.AvailabilityZone ?? null,
    secondaryAvailabilityZone: db.SecondaryAvailabilityZone ?? null,
    publiclyAccessible: db.PubliclyAccessible ?? null,
    backupRetentionPeriod: db.BackupRetentionPeriod ?? null,
    endpoint: db.Endpoint?.Address ?? null,
    replica: replica
      ? {
          id: replica.DBInstanceIdentifier ?? '',
          source: replica.ReadReplicaSourceDBInstanceIdentifier ?? null,
          status: replica.DBInstanceStatus ?? null,
          availabilityZone: replica.AvailabilityZone ?? null,
        }
      : null,
  };
  const replicaText = replica ? `; replica ${replica.DBInstanceIdentifier} replicates from it` : '';
  const parts = [
    partFrom(
      'multi-az',
      multiAzProblems,
      `Multi-AZ: primary ${db.AvailabilityZone}, standby ${db.SecondaryAvailabilityZone}`,
    ),
    partFrom('not-public', publicProblems, `${id} is not publicly accessible`),
    partFrom(
      'backups',
      backupProblems,
      `automated backups kept ${db.BackupRetentionPeriod} days${replicaText}`,
    ),
  ];
  if (problems.length > 0) {
    const fix = joinFixes(fixes);
    return { ok: false, reason: summarize(problems), ...(fix ? { fix } : {}), details, parts };
  }
  const replicaPart = replica ? `; replica ${replica.DBInstanceIdentifier} replicates from it` : '';
  return {
    ok: true,
    reason: `${id} is Multi-AZ (primary ${db.AvailabilityZone}, standby ${db.SecondaryAvailabilityZone}), private, backups ${db.BackupRetentionPeriod} days${replicaPart}`,
    details,
    parts,
  };
}
