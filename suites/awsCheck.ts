import type { Stack } from '../config/schema.ts';
import { AwsProbeError } from '../probes/aws/awsCall.ts';
import { createAwsClients } from '../probes/aws/awsClients.ts';
import { LabInventory } from '../probes/aws/labInventory.ts';
import { type CheckContext, check, failed, type Outcome, passed, skipped } from './check.ts';
import { recordParts, type RuleResult } from './rules/ruleResult.ts';
import { runContext } from './runContext.ts';

// Checks that read the stack through the AWS APIs. They skip (saying which field is missing) when the
// stack file does not describe the AWS side, so a URL-only stack file still runs cleanly.

/** The run's one inventory: its answers are shared by the run's checks, its clients closed at its end. */
function sharedInventory(): LabInventory {
  const { stack, resources } = runContext();
  return resources.shared(
    'inventory',
    () => new LabInventory(stack, createAwsClients(stack)),
    (inventory) => inventory.clients.destroy(),
  );
}

/** Fields a check needs, as dotted paths; the first one missing becomes the skip reason. */
export type FieldNeed = [label: string, present: (stack: Stack) => unknown];

export const needsRegion: FieldNeed = ['region', (s) => s.region];
export const needsVpc: FieldNeed = ['vpc.name or vpc.id', (s) => s.vpc?.name ?? s.vpc?.id];
export const needsAlbName: FieldNeed = ['alb.name', (s) => s.alb?.name];
export const needsAsgName: FieldNeed = ['asg.name', (s) => s.asg?.name];
export const needsBucket: FieldNeed = ['s3.bucket', (s) => s.s3?.bucket];

export function awsCheck(
  id: string,
  needs: FieldNeed[],
  body: (c: CheckContext & { inventory: LabInventory }) => Promise<Outcome>,
): void {
  // Creating the inventory registers its cleanup with vitest, which must happen while the file is collected.
  const { stack } = runContext();
  const ready = needs.every(([, present]) => Boolean(present(stack))) && Boolean(stack.region);
  const lab = ready ? sharedInventory() : undefined;
  check(id, async (c) => {
    const missing = [needsRegion, ...needs].find(([, present]) => !present(c.stack));
    if (missing || !lab) return skipped(`${missing?.[0] ?? 'region'} is not set in the stack file`);
    try {
      return await body({ ...c, inventory: lab });
    } catch (error) {
      if (error instanceof AwsProbeError && error.kind === 'not-found') {
        return failed(
          error.message,
          'check the resource names in the stack file against the console (or run labdrill discover)',
        );
      }
      throw error;
    }
  });
}

/**
 * The shared inventory when the stack file describes the AWS side well enough for these needs, else
 * undefined; for checks that use AWS only to sharpen a data-plane measurement. Call while collecting.
 */
export function inventoryIfConfigured(needs: FieldNeed[]): LabInventory | undefined {
  const { stack } = runContext();
  const ready = Boolean(stack.region) && needs.every(([, present]) => Boolean(present(stack)));
  return ready ? sharedInventory() : undefined;
}

/** A rule's result as the check's outcome, its details and notes kept as evidence. */
export function outcomeOf(result: RuleResult, c: CheckContext, key = 'analysis'): Outcome {
  c.evidence.set(key, result.details);
  recordParts(result, c.evidence);
  for (const note of result.notes ?? []) c.evidence.note(note);
  return result.ok ? passed(result.reason) : failed(result.reason, result.fix);
}
