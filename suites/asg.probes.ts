import { describePolicies } from '../probes/aws/autoScaling.ts';
import { awsCheck, needsAsgName, needsVpc, outcomeOf } from './awsCheck.ts';
import { checkAsgConfig } from './rules/asgConfig.ts';

awsCheck('asg.config', [needsAsgName, needsVpc], async (c) => {
  const lab = c.inventory;
  const group = await lab.autoScalingGroup();
  const [policies, subnets, routeTables] = await Promise.all([
    describePolicies(lab.clients.autoScaling, group.AutoScalingGroupName!),
    lab.subnets(),
    lab.routeTables(),
  ]);
  return outcomeOf(checkAsgConfig({ group, policies, subnets, routeTables }), c);
});
