import { describePolicies } from '../probes/aws/autoScaling.ts';
import { awsCheck, needsAsgName, needsVpc, outcomeOf } from './awsCheck.ts';
import { asgExpectationsOf, checkAsgConfig } from './rules/asgConfig.ts';
import { suiteChecks } from './suiteChecks.ts';

export const stateChecks = suiteChecks(() => {
  awsCheck('asg.config', [needsAsgName, needsVpc], async (c) => {
    const lab = c.inventory;
    const group = await lab.autoScalingGroup();
    const [policies, subnets, routeTables] = await Promise.all([
      describePolicies(lab.clients.autoScaling, group.AutoScalingGroupName!),
      lab.subnets(),
      lab.routeTables(),
    ]);
    // The lab's sizes and CPU target, as the stack file (or the rubric grading it) expects them.
    const { sizes, cpuTarget } = asgExpectationsOf(c.stack.expect);
    return outcomeOf(
      checkAsgConfig({ group, policies, subnets, routeTables, expected: sizes, cpuTarget }),
      c,
    );
  });
});
