import type { DBInstance } from '@aws-sdk/client-rds';
import { describeAllDbInstances } from '../probes/aws/rds.ts';
import type { Stack } from '../config/schema.ts';
import { chooseCandidate, listNames } from './chooseCandidate.ts';
import type { DiscoveryContext } from './discoveryContext.ts';
import type { FoundVpc } from './findVpc.ts';
import { describeSelector, seedName, selectorMatches, tagsOf } from '../config/discoverySelector.ts';

// The lab's RDS primary (in a DB subnet group of the VPC, not itself a replica) and its read replica
// (from ReadReplicaDBInstanceIdentifiers; the seeds name it `<primary>-rr`).

function isReplica(db: DBInstance): boolean {
  return Boolean(db.ReadReplicaSourceDBInstanceIdentifier || db.ReadReplicaSourceDBClusterIdentifier);
}

export async function findDatabase(
  context: DiscoveryContext,
  vpc: FoundVpc,
): Promise<NonNullable<Stack['rds']> | undefined> {
  const { selector } = context;
  const all = await describeAllDbInstances(context.clients.rds);
  const inVpc = all.filter((db) => db.DBSubnetGroup?.VpcId === vpc.id && db.DBInstanceIdentifier);
  const seed = seedName(selector, '-rds');
  const choice = chooseCandidate(
    inVpc.filter((db) => !isReplica(db)),
    [
      {
        label: describeSelector(selector),
        test: (db) => selectorMatches(selector, { name: db.DBInstanceIdentifier, tags: tagsOf(db.TagList) }),
      },
      ...(seed
        ? [{ label: `named ${seed}`, test: (db: DBInstance) => db.DBInstanceIdentifier === seed }]
        : []),
      { label: 'has a read replica', test: (db) => (db.ReadReplicaDBInstanceIdentifiers ?? []).length > 0 },
      { label: 'Multi-AZ', test: (db) => db.MultiAZ === true },
    ],
  );
  if (choice.kind !== 'chosen') {
    context.notes.push({
      section: 'rds',
      field: 'rds.instance',
      text:
        choice.kind === 'ambiguous'
          ? `rds: several DB instances in ${vpc.id} (${listNames(choice.items.map((db) => db.DBInstanceIdentifier ?? '?'))}); set rds.instance and rds.replica`
          : `rds: no DB instance found in a DB subnet group of ${vpc.id} — set rds.instance (and rds.replica)`,
    });
    return undefined;
  }
  const primary = choice.item;
  const id = primary.DBInstanceIdentifier!;
  const section: NonNullable<Stack['rds']> = {
    instance: id,
    ...(primary.DBClusterIdentifier ? { cluster: primary.DBClusterIdentifier } : {}),
  };
  // Cross-region replicas are listed by ARN; labdrill reads one region, so only same-region ones count.
  const replicaIds = (primary.ReadReplicaDBInstanceIdentifiers ?? []).filter((r) => !r.startsWith('arn:'));
  const replicaChoice = chooseCandidate(replicaIds, [
    { label: `named ${id}-rr`, test: (r) => r === `${id}-rr` },
    { label: `in ${vpc.id}`, test: (r) => inVpc.some((db) => db.DBInstanceIdentifier === r) },
  ]);
  if (replicaChoice.kind === 'chosen') section.replica = replicaChoice.item;
  else {
    context.notes.push({
      section: 'rds',
      field: 'rds.replica',
      text:
        replicaChoice.kind === 'ambiguous'
          ? `rds: ${id} has several read replicas (${listNames(replicaChoice.items)}); set rds.replica`
          : `rds: ${id} has no read replica in this region — create one (e.g. ${id}-rr) or set rds.replica`,
    });
  }
  const user = primary.MasterUsername ?? 'admin';
  const database = primary.DBName ?? 'labvpcrds';
  context.notes.push({
    section: 'rds',
    field: 'rds.sql',
    text: `rds: set rds.sql for the SQL checks (they also need a route to the DB, e.g. an SSH tunnel), e.g.\n  sql: { user: ${user}, passwordEnv: LAB_DB_PASSWORD, database: ${database} }`,
  });
  return section;
}
