// Read-only RDS calls: the DB instance, the Aurora cluster and recent events.

import {
  type DBCluster,
  type DBInstance,
  type Event,
  paginateDescribeDBClusters,
  paginateDescribeDBInstances,
  paginateDescribeEvents,
  type RDSClient,
  type SourceType,
} from '@aws-sdk/client-rds';
import { AwsProbeError, awsPaged } from './awsCall.ts';

/** The DB instance with this identifier; not-found AwsProbeError when there is none. */
export async function describeDbInstance(rds: RDSClient, id: string): Promise<DBInstance> {
  const subject = `RDS DB instance '${id}'`;
  const instances = await awsPaged(
    rds,
    paginateDescribeDBInstances,
    { DBInstanceIdentifier: id },
    (page) => page.DBInstances,
    { subject },
  );
  const instance = instances[0];
  if (!instance)
    throw new AwsProbeError('not-found', 'rds:DescribeDBInstances', `${subject} not found`, undefined);
  return instance;
}

/** The DB cluster (Aurora) with this identifier; not-found AwsProbeError when there is none. */
export async function describeDbCluster(rds: RDSClient, id: string): Promise<DBCluster> {
  const subject = `RDS DB cluster '${id}'`;
  const clusters = await awsPaged(
    rds,
    paginateDescribeDBClusters,
    { DBClusterIdentifier: id },
    (page) => page.DBClusters,
    { subject },
  );
  const cluster = clusters[0];
  if (!cluster)
    throw new AwsProbeError('not-found', 'rds:DescribeDBClusters', `${subject} not found`, undefined);
  return cluster;
}

export interface RdsEventQuery {
  sourceId: string;
  sourceType: SourceType;
  start: Date;
  end?: Date;
  /** Default 200. */
  maxItems?: number;
}

/** Events of one source (e.g. RDS-EVENT-0013 failover started), oldest first. */
export async function describeEvents(rds: RDSClient, query: RdsEventQuery): Promise<Event[]> {
  const events = await awsPaged(
    rds,
    paginateDescribeEvents,
    {
      SourceIdentifier: query.sourceId,
      SourceType: query.sourceType,
      StartTime: query.start,
      ...(query.end ? { EndTime: query.end } : {}),
    },
    (page) => page.Events,
    { pageSize: 100, maxItems: query.maxItems ?? 200, subject: `RDS source '${query.sourceId}'` },
  );
  return events.sort((a, b) => (a.Date?.getTime() ?? 0) - (b.Date?.getTime() ?? 0));
}

/** Every DB instance of the account in the client's region, replicas included. */
export function describeAllDbInstances(rds: RDSClient): Promise<DBInstance[]> {
  return awsPaged(rds, paginateDescribeDBInstances, {}, (page) => page.DBInstances, { pageSize: 100 });
}
