import type { AwsCredentialIdentity } from '@smithy/types';
import { twinCredentials } from '../fixtures/twin/aws/access.ts';
import type { RunningTwin } from '../fixtures/twin/startTwin.ts';
import type { AwsEndpointForTests } from './twinForTests.ts';

// How a wire test points a real SDK v3 client at a twin, or at a bare AWS endpoint of the twin's: its URL and
// region, the twin's fake credentials unless others are given, and a single attempt, so that the answer the
// test sees is the twin's first.

export interface TwinClientConfig {
  endpoint: string;
  region: string;
  credentials: AwsCredentialIdentity;
  maxAttempts: number;
}

export function twinClientConfig(
  at: RunningTwin | AwsEndpointForTests,
  credentials: AwsCredentialIdentity = twinCredentials,
): TwinClientConfig {
  const [endpoint, region] =
    'servers' in at ? [at.servers.aws.url, at.state.region] : [at.url, 'ap-northeast-2'];
  return { endpoint, region, credentials, maxAttempts: 1 };
}
