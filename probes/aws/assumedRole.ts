import { AssumeRoleCommand, STSClient, type STSClientConfig } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { defaults } from '../../config/defaults.ts';

// Credentials of an assumed role (the stack file's aws.roleArn, or a roster student's roleArn): STS
// AssumeRole with the profile's or the default chain's credentials, renewed a few minutes before they expire.
// The clients of one set (createAwsClients), and the SSM client made beside them, share one provider, so they
// assume the role once. The session's length and how early it is renewed are assumedRole in config/defaults.ts.

const { sessionS, renewBeforeExpiryMs } = defaults.assumedRole;

export function assumedRoleCredentials(
  roleArn: string,
  stsConfig: STSClientConfig,
  sessionName = 'labdrill',
): AwsCredentialIdentityProvider {
  let current: Promise<AwsCredentialIdentity> | undefined;
  let expiresAt = 0;
  const assume = async (): Promise<AwsCredentialIdentity> => {
    const sts = new STSClient(stsConfig);
    try {
      const answer = await sts.send(
        new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: sessionName, DurationSeconds: sessionS }),
      );
      const credentials = answer.Credentials;
      if (!credentials?.AccessKeyId || !credentials.SecretAccessKey) {
        throw new Error(`sts:AssumeRole for ${roleArn} answered without credentials`);
      }
      expiresAt = credentials.Expiration?.getTime() ?? Date.now() + 15 * 60_000;
      return {
        accessKeyId: credentials.AccessKeyId,
        secretAccessKey: credentials.SecretAccessKey,
        ...(credentials.SessionToken ? { sessionToken: credentials.SessionToken } : {}),
        ...(credentials.Expiration ? { expiration: credentials.Expiration } : {}),
      };
    } finally {
      sts.destroy();
    }
  };
  return () => {
    if (!current || Date.now() > expiresAt - renewBeforeExpiryMs) {
      const attempt = assume();
      // A failed AssumeRole is not kept: the next call asks again (and reports its own error).
      attempt.catch(() => {
        if (current === attempt) current = undefined;
      });
      current = attempt;
    }
    return current;
  };
}
