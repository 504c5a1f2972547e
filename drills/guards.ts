import { GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts';
import type { Stack } from '../config/schema.ts';

// Whether a drill may change this stack at all. Four locks, all required: the --chaos flag on the
// command line, chaos.allow: true in the stack file, AWS credentials that belong to the account the
// stack file names, and SDK clients resolved to the stack's region. A drill against the wrong account or
// region would break someone else's system.

export type DrillGuardVerdict = { allowed: true } | { allowed: false; reason: string };

export interface DrillGuardInput {
  /** Whether --chaos was given. */
  chaosFlag: boolean;
  stack: Pick<Stack, 'chaos' | 'aws' | 'region'>;
  /** The region the SDK clients resolved (config.region()); undefined when it could not be read. */
  resolvedRegion?: string | undefined;
  /** The account STS reports for the credentials in use; undefined when it could not be asked. */
  callerAccount: string | undefined;
  /** Why STS could not be asked, shown in the refusal (e.g. from callerAccountOf). */
  callerProblem?: string;
}

export const drillGuardReasons = {
  noChaosFlag: 'drills change the stack: run with --chaos to allow them',
  notAllowedInStack: 'the stack file does not allow drills: set chaos.allow: true',
  noExpectedAccount: 'set aws.expectAccount so that drills cannot hit the wrong account',
  unknownCaller: (problem: string | undefined) =>
    `could not confirm the AWS account of these credentials (STS GetCallerIdentity${problem ? `: ${problem}` : ''}), so no drill runs`,
  wrongAccount: (caller: string, expected: string) =>
    `the credentials are for AWS account ${caller}, but aws.expectAccount is ${expected}: drills refused`,
  wrongRegion: (resolved: string | undefined, expected: string) =>
    `the AWS clients resolved to region ${resolved ?? '(none)'}, but the stack file's region is ${expected}: drills refused`,
} as const;

export function checkDrillGuards(input: DrillGuardInput): DrillGuardVerdict {
  if (!input.chaosFlag) return { allowed: false, reason: drillGuardReasons.noChaosFlag };
  if (input.stack.chaos?.allow !== true)
    return { allowed: false, reason: drillGuardReasons.notAllowedInStack };
  const expected = input.stack.aws?.expectAccount;
  if (expected === undefined) return { allowed: false, reason: drillGuardReasons.noExpectedAccount };
  if (input.callerAccount === undefined || input.callerAccount === '') {
    const problem = input.callerProblem?.replace(/\s+/g, ' ').slice(0, 200);
    return { allowed: false, reason: drillGuardReasons.unknownCaller(problem) };
  }
  if (input.callerAccount !== expected) {
    return { allowed: false, reason: drillGuardReasons.wrongAccount(input.callerAccount, expected) };
  }
  if (input.stack.region !== undefined && input.resolvedRegion !== input.stack.region) {
    return {
      allowed: false,
      reason: drillGuardReasons.wrongRegion(input.resolvedRegion, input.stack.region),
    };
  }
  return { allowed: true };
}

/** The region an SDK client resolved (stack file, environment or profile), or undefined. */
export async function resolvedRegionOf(client: {
  config: { region: () => Promise<string> };
}): Promise<string | undefined> {
  try {
    return await client.config.region();
  } catch {
    return undefined;
  }
}

/** Asks STS whose credentials these are; the result feeds checkDrillGuards' callerAccount/callerProblem. */
export async function callerAccountOf(
  sts: STSClient,
  signal?: AbortSignal,
): Promise<{ callerAccount: string | undefined; callerProblem?: string }> {
  try {
    const identity = await sts.send(new GetCallerIdentityCommand({}), { abortSignal: signal });
    const account = identity.Account;
    if (typeof account === 'string' && /^\d{12}$/.test(account)) return { callerAccount: account };
    return { callerAccount: undefined, callerProblem: 'the answer named no 12-digit account' };
  } catch (error) {
    const problem = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return { callerAccount: undefined, callerProblem: problem };
  }
}
