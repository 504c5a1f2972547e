import { defaults } from '../config/defaults.ts';
import type { Stack } from '../config/schema.ts';
import type { Settings } from '../config/settings.ts';
import { auroraFailoverDrill } from '../drills/auroraFailover.ts';
import type { FailoverDrillTarget } from '../drills/failover/failoverTarget.ts';
import { rdsFailoverDrill } from '../drills/rdsFailover.ts';
import { sqlAccessFor } from '../probes/sql.ts';
import { drillCheck } from './drillCheck.ts';
import { httpOptions } from './httpEvidence.ts';
import { suiteChecks } from './suiteChecks.ts';

// The RDS drills: reboot with failover of the Multi-AZ instance, and FailoverDBCluster for Aurora.

function failoverTarget(stack: Stack, settings: Settings): FailoverDrillTarget {
  const resolver = stack.rds?.resolver ?? stack.dns?.resolver;
  return {
    sqlFor: (endpoint) => sqlAccessFor(stack, { primary: endpoint }),
    ...(resolver ? { resolver } : {}),
    ...(stack.alb?.url ? { appUrl: stack.alb.url } : {}),
    http: httpOptions(settings, { retries: 0 }),
    watch: {
      ...defaults.failoverWatch,
      rtoS: settings.thresholds.failoverRtoS,
      observeS: settings.thresholds.failoverWindowS,
    },
  };
}

export const stateChecks = suiteChecks(() => {
  drillCheck('rds.failover.drill', ({ stack, settings }) => {
    if (!stack.rds?.instance) return { skip: 'rds.instance is not set in the stack file' };
    if (!stack.region) return { skip: 'region is not set in the stack file' };
    return {
      drill: rdsFailoverDrill({
        ...failoverTarget(stack, settings),
        instance: stack.rds.instance,
        ...(stack.rds.replica ? { replica: stack.rds.replica } : {}),
      }),
    };
  });

  drillCheck('aurora.failover.drill', ({ stack, settings }) => {
    if (!stack.rds?.cluster) return { skip: 'rds.cluster is not set in the stack file' };
    if (!stack.region) return { skip: 'region is not set in the stack file' };
    return { drill: auroraFailoverDrill({ ...failoverTarget(stack, settings), cluster: stack.rds.cluster }) };
  });
});
