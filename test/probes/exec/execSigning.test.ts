import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Stack } from '../../../config/schema.ts';
import { deniedGraderRoleArn, twinAccountId } from '../../../fixtures/twin/aws/access.ts';
import { createAwsClients } from '../../../probes/aws/awsClients.ts';
import { readFile } from '../../../probes/exec/commands.ts';
import { execForStack } from '../../../probes/exec/execForStack.ts';
import { ExecError, type ExecTarget } from '../../../probes/exec/transport.ts';
import { twinForTests } from '../../twinForTests.ts';

// SSM runs a graded student's commands as that student's role (aws.roleArn), like the run's other AWS calls:
// the twin's STS hands out a session of any role of its account, and a role named …-denied is refused every
// call but GetCallerIdentity, so a command sent with the base credentials instead of the role's would run.

const awsCalls: string[] = [];
const lab = twinForTests(
  {
    auroraServers: false,
    log: (line) => {
      if (line.startsWith('aws ')) awsCalls.push(line);
    },
  },
  120_000,
);

afterEach(() => {
  vi.unstubAllEnvs();
});

/** The twin's stack, its base credentials in the environment, with `roleArn` to assume when given. */
function stackAs(roleArn?: string): Stack {
  for (const [name, value] of Object.entries(lab.twin.awsEnv)) vi.stubEnv(name, value);
  const stack = lab.twin.stack;
  return { ...stack, aws: { ...stack.aws, ...(roleArn ? { roleArn } : {}) } };
}

function appInstance(): ExecTarget {
  return { instanceId: lab.twin.state.instances[0]!.instanceId };
}

/** What one SSM command comes to: its exit code, or the error it was refused with. */
async function commandOutcome(stack: Stack, options: Parameters<typeof execForStack>[1] = {}) {
  const exec = execForStack(stack, options)!;
  try {
    return await exec
      .run(appInstance(), readFile('/var/www/html/efs/no-such-file', 64), { timeoutMs: 20_000 })
      .catch((error: unknown) => error);
  } finally {
    await exec.close();
  }
}

const deniedSession = `arn:aws:sts::${twinAccountId}:assumed-role/labdrill-grader-denied/labdrill`;

describe('SSM exec signs as the stack', () => {
  it("sends the commands as aws.roleArn's session: a …-denied role is refused ssm:SendCommand", async () => {
    // The base credentials may send it: the refusal below is the role's.
    const asBase = await commandOutcome(stackAs());
    expect(asBase).toMatchObject({ exitCode: expect.any(Number) });

    const asRole = await commandOutcome(stackAs(deniedGraderRoleArn));
    expect(asRole).toBeInstanceOf(ExecError);
    expect((asRole as ExecError).kind).toBe('auth');
    expect((asRole as ExecError).message).toContain(
      `SSM SendCommand for ${appInstance().instanceId} failed: AccessDeniedException: User: ${deniedSession} is not authorized to perform: ssm:SendCommand`,
    );
  });

  it("takes the run's clients' session: one AssumeRole for the clients and SSM together", async () => {
    const stack = stackAs(deniedGraderRoleArn);
    const clients = createAwsClients(stack);
    try {
      awsCalls.length = 0;
      const identity = await clients.sts.send(new GetCallerIdentityCommand({}));
      expect(identity.Arn).toBe(deniedSession);
      const outcome = await commandOutcome(stack, { signing: clients.signing });
      expect(outcome).toBeInstanceOf(ExecError);
      expect((outcome as ExecError).message).toContain(`User: ${deniedSession} is not authorized`);
      expect(awsCalls.filter((line) => line.startsWith('aws sts:AssumeRole '))).toEqual([
        'aws sts:AssumeRole 200',
      ]);
      expect(awsCalls).toContain('aws ssm:SendCommand 400 AccessDeniedException');
    } finally {
      clients.destroy();
    }
  });
});
