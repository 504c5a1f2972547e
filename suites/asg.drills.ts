import { afterAll } from 'vitest';
import type { Stack } from '../config/schema.ts';
import { asgScaleOutDrill, defaultScaleOutLoad } from '../drills/asgScaleOut.ts';
import { asgSelfHealDrill, type SelfHealMode } from '../drills/asgSelfHeal.ts';
import { type AwsClients, createAwsClients } from '../probes/aws/awsClients.ts';
import { drillCheck } from './drillCheck.ts';
import { httpOptions } from './httpEvidence.ts';
import { runContext } from './runContext.ts';

// The elasticity drills. Both read the group through their own clients, created while the file is
// collected (so vitest can close them when it is done); their changes go through the drill context's
// clients, journalled.

let reads: AwsClients | undefined;
{
  const { stack } = runContext();
  if (!missing(stack)) {
    const created = createAwsClients(stack);
    reads = created;
    afterAll(() => created.destroy());
  }
}

function readClients(): AwsClients {
  if (!reads) throw new Error('the stack file does not describe the group, the ALB and the region');
  return reads;
}

/**
 * asg.scale-in.observe runs only when LABDRILL_SCALE_IN=1; then the scale-out drill leaves the group as
 * the load made it, so that the policy's own scale-in can be watched.
 */
function scaleInRequested(): boolean {
  return process.env.LABDRILL_SCALE_IN === '1';
}

function missing(stack: Stack): string | undefined {
  if (!stack.region) return 'region is not set in the stack file';
  if (!stack.asg?.name) return 'asg.name is not set in the stack file';
  if (!stack.alb?.url) return 'alb.url is not set in the stack file (the load goes through the ALB only)';
  return undefined;
}

function selfHealMode(): SelfHealMode {
  return process.env.LABDRILL_SELF_HEAL_MODE === 'stop' ? 'stop' : 'terminate';
}

drillCheck('asg.scale-out.drill', ({ stack, settings }) => {
  const why = missing(stack);
  if (why) return { skip: why };
  return {
    drill: asgScaleOutDrill({
      groupName: stack.asg!.name!,
      albUrl: stack.alb!.url!,
      reads: readClients(),
      timeoutS: settings.thresholds.scaleOutTimeoutS,
      load: defaultScaleOutLoad,
      http: httpOptions(settings, { retries: 0 }),
      ...(stack.alb?.instancePattern ? { patterns: stack.alb.instancePattern } : {}),
      // Watching the policy's own scale-in afterwards needs the group left as the load made it.
      restoreCapacity: !scaleInRequested(),
    }),
  };
});

drillCheck('asg.self-heal.drill', ({ stack, settings }) => {
  const why = missing(stack);
  if (why) return { skip: why };
  return {
    drill: asgSelfHealDrill({
      groupName: stack.asg!.name!,
      albUrl: stack.alb!.url!,
      reads: readClients(),
      timeoutS: settings.thresholds.scaleOutTimeoutS,
      http: httpOptions(settings, { retries: 0 }),
      ...(stack.alb?.instancePattern ? { patterns: stack.alb.instancePattern } : {}),
      mode: selfHealMode(),
      maxOutageS: 10,
    }),
  };
});
