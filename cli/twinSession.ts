import { FaultParseError, type FaultSet, parseFaults } from '../fixtures/twin/faults.ts';
import { type RunningTwin, startTwin } from '../fixtures/twin/startTwin.ts';
import { UsageError } from './usageError.ts';

// Starting and stopping the twin for the `twin` and `demo` commands: the only place labdrill's
// command touches the twin. SIGINT/SIGTERM stop it so no process or temp directory is left behind.

export function parseFaultFlag(text: string | undefined): FaultSet {
  try {
    return parseFaults(text ?? '');
  } catch (error) {
    if (error instanceof FaultParseError) throw new UsageError(`--fault: ${error.message}`);
    throw error;
  }
}

export async function withTwin<T>(
  faults: FaultSet,
  body: (twin: RunningTwin) => Promise<T>,
  log?: (line: string) => void,
): Promise<T> {
  const twin = await startTwin({ faults, ...(log ? { log } : {}) });
  // labdrill reaches the twin the way it reaches AWS: endpoints and credentials from the environment.
  Object.assign(process.env, twin.awsEnv);
  const stopOnSignal = (signal: NodeJS.Signals) => {
    void twin.stop().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);
  try {
    return await body(twin);
  } finally {
    process.off('SIGINT', stopOnSignal);
    process.off('SIGTERM', stopOnSignal);
    await twin.stop();
  }
}
