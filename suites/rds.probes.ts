import { describeDbInstance } from '../probes/aws/rds.ts';
import { awsCheck, outcomeOf } from './awsCheck.ts';
import { checkRdsMultiAz } from './rules/rdsMultiAz.ts';

awsCheck('rds.multi-az', [['rds.instance', (s) => s.rds?.instance]], async (c) => {
  const rds = c.inventory.clients.rds;
  const replicaId = c.stack.rds?.replica;
  const [instance, replica] = await Promise.all([
    describeDbInstance(rds, c.stack.rds!.instance!),
    replicaId ? describeDbInstance(rds, replicaId) : Promise.resolve(null),
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
