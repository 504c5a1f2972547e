import { afterAll, beforeAll } from 'vitest';
import { type AwsEndpoint, type AwsEndpointOptions, startAwsEndpoint } from '../fixtures/twin/aws/server.ts';
import { parseFaults } from '../fixtures/twin/faults.ts';
import { type RunningTwin, type StartTwinOptions, startTwin } from '../fixtures/twin/startTwin.ts';

// How labdrill's own tests start twins, or only a twin's AWS endpoint: whatever a test file starts is stopped
// after the file's (or the describe block's) tests, so no file leaves servers or MariaDB processes behind.
// Faults are written as `--faults` takes them.

/** startTwin's options, with the faults as text ('alb-sticky,s3-no-policy'). */
export type TwinTestOptions = Omit<StartTwinOptions, 'faults'> & { faults?: string };

function startTwinForTest({ faults = '', ...options }: TwinTestOptions): Promise<RunningTwin> {
  return startTwin({ ...options, faults: parseFaults(faults) });
}

type OptionsBesideFaults = Omit<TwinTestOptions, 'faults'>;

/**
 * Twins started on demand, each with its own faults and `options` (and any of its own beside them), all
 * stopped after the tests. Call it where a hook may be registered (a file's top level or a describe block).
 */
export function twinsForTests(
  options: OptionsBesideFaults = {},
): (faults?: string, own?: OptionsBesideFaults) => Promise<RunningTwin> {
  const started: RunningTwin[] = [];
  afterAll(async () => {
    await Promise.all(started.map((twin) => twin.stop()));
  });
  return async (faults = '', own = {}) => {
    const twin = await startTwinForTest({ ...options, ...own, faults });
    started.push(twin);
    return twin;
  };
}

/**
 * One twin for all the tests of a file (or describe block): started before them, within `startTimeoutMs` (the
 * project's hook timeout by default), and stopped after them. Read `twin` in tests and later hooks.
 */
export function twinForTests(
  options: TwinTestOptions = {},
  startTimeoutMs?: number,
): { readonly twin: RunningTwin } {
  let started: RunningTwin | undefined;
  beforeAll(async () => {
    started = await startTwinForTest(options);
  }, startTimeoutMs);
  afterAll(async () => {
    await started?.stop();
  });
  return {
    get twin(): RunningTwin {
      if (!started) throw new Error('the twin is not started yet: read it in a test or a later hook');
      return started;
    },
  };
}

/** Where a test reaches an AWS endpoint started for it. */
export interface AwsEndpointForTests {
  readonly url: string;
}

/**
 * A twin's AWS endpoint alone, on `options` (the codec and access tests' own operations): listening before
 * the tests and closed after them. Read `url` in tests and later hooks.
 */
export function awsEndpointForTests(options: AwsEndpointOptions): AwsEndpointForTests {
  let started: AwsEndpoint | undefined;
  beforeAll(async () => {
    started = await startAwsEndpoint(options);
  });
  afterAll(async () => {
    await started?.close();
  });
  return {
    get url(): string {
      if (!started) throw new Error('the endpoint is not listening yet: read it in a test or a later hook');
      return started.url;
    },
  };
}
