import { describeBastion } from '../probes/aws/bastionHost.ts';
import { instanceGroupIds } from '../probes/aws/labInventory.ts';
import { awsCheck, needsAlbName, needsVpc, outcomeOf } from './awsCheck.ts';
import { skipped } from './check.ts';
import { checkNetRoutes } from './rules/netRoutes.ts';
import { checkNoPublicIp } from './rules/noPublicIp.ts';
import { checkSecurityGroups } from './rules/securityGroups.ts';
import { checkVpcLayout } from './rules/vpcLayout.ts';
import { suiteChecks } from './suiteChecks.ts';

export const stateChecks = suiteChecks(() => {
  awsCheck('net.vpc.layout', [needsVpc], async (c) => {
    const lab = c.inventory;
    const [vpcId, subnets, routeTables] = await Promise.all([lab.vpcId(), lab.subnets(), lab.routeTables()]);
    return outcomeOf(checkVpcLayout({ vpcId, subnets, routeTables }), c);
  });

  awsCheck('net.routes', [needsVpc], async (c) => {
    const lab = c.inventory;
    const [vpcId, subnets, routeTables, natGateways, internetGateways] = await Promise.all([
      lab.vpcId(),
      lab.subnets(),
      lab.routeTables(),
      lab.natGateways(),
      lab.internetGateways(),
    ]);
    const hasApp = Boolean(c.stack.alb?.name || c.stack.asg?.name || c.stack.ec2?.instanceIds?.length);
    const appSubnetIds = hasApp
      ? [
          ...new Set(
            (await lab.appInstances()).map((i) => i.SubnetId).filter((id): id is string => Boolean(id)),
          ),
        ]
      : undefined;
    return outcomeOf(
      checkNetRoutes({
        vpcId,
        subnets,
        routeTables,
        natGateways,
        internetGateways,
        ...(appSubnetIds ? { appSubnetIds } : {}),
      }),
      c,
    );
  });

  awsCheck('net.private.no-public-ip', [], async (c) => {
    if (!c.stack.alb?.name && !c.stack.asg?.name && !c.stack.ec2?.instanceIds?.length) {
      return skipped('needs alb.name, asg.name or ec2.instanceIds to know the app instances');
    }
    const instances = await c.inventory.appInstances();
    if (instances.length === 0)
      throw new Error('no app instances found behind the load balancer or in the group');
    return outcomeOf(checkNoPublicIp(instances), c);
  });

  awsCheck('net.sg.least-privilege', [needsVpc, needsAlbName], async (c) => {
    const lab = c.inventory;
    const [loadBalancer, instances, vpcCidrs] = await Promise.all([
      lab.loadBalancer(),
      lab.appInstances(),
      lab.vpcCidrs(),
    ]);
    const albGroupIds = loadBalancer.SecurityGroups ?? [];
    const appGroupIds = instanceGroupIds(instances);
    const db = c.stack.rds?.instance ? await lab.dbInstance(c.stack.rds.instance) : null;
    const dbGroupIds = (db?.VpcSecurityGroups ?? [])
      .map((group) => group.VpcSecurityGroupId)
      .filter((id): id is string => Boolean(id));
    // The ports the stack really uses: where the ALB sends requests, where the database listens.
    const appPort = (await lab.targetGroups()).find((group) => group.Port !== undefined)?.Port;
    const dbPort = db?.Endpoint?.Port;
    const bastionRef = c.stack.ec2?.bastion;
    const bastion = bastionRef ? await describeBastion(lab.clients.ec2, bastionRef) : [];
    const bastionGroupIds = instanceGroupIds(bastion);
    const securityGroups = await lab.securityGroups([
      ...albGroupIds,
      ...appGroupIds,
      ...dbGroupIds,
      ...bastionGroupIds,
    ]);
    return outcomeOf(
      checkSecurityGroups({
        vpcCidrs,
        albGroupIds,
        appGroupIds,
        dbGroupIds,
        bastionGroupIds,
        securityGroups,
        ...(appPort !== undefined ? { appPort } : {}),
        ...(dbPort !== undefined ? { dbPort } : {}),
      }),
      c,
    );
  });
});
