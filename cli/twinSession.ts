import { createWriteStream, type WriteStream } from 'node:fs';
import { Option } from 'commander';
import { FaultParseError, type FaultSet, parseFaults } from '../fixtures/twin/faults.ts';
import { type TwinPaceName, twinPaceNames, twinPaces } from '../fixtures/twin/pace.ts';
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

/** `--pace fast|aws`, shared by `twin` and `demo`. */
export function paceOption(): Option {
  return new Option(
    '--pace <pace>',
    "the twin's clock: fast (AWS minutes in seconds) or aws (every timing at its real AWS length)",
  )
    .choices(twinPaceNames)
    .default('fast');
}

export interface TwinSessionOptions {
  /** Appends the twin's own log (every request it serves, every AWS call, start-up and failures) here. */
  logFile?: string;
  pace?: TwinPaceName;
  /** Run the Aurora cluster on servers of its own (startTwin's auroraServers); true unless set. */
  auroraServers?: boolean;
}

/** A line writer into `file` (appended, buffered), or nothing when no file is given. */
function openTwinLog(file: string | undefined): { log?: (line: string) => void; close(): Promise<void> } {
  if (!file) return { close: () => Promise.resolve() };
  const stream: WriteStream = createWriteStream(file, { flags: 'a' });
  stream.on('error', () => {}); // a log that cannot be written must not stop the twin
  return {
    log: (line) => stream.write(`${new Date().toISOString()} ${line}\n`),
    close: () => new Promise<void>((resolve) => stream.end(resolve)),
  };
}

export async function withTwin<T>(
  faults: FaultSet,
  body: (twin: RunningTwin) => Promise<T>,
  options: TwinSessionOptions = {},
): Promise<T> {
  const twinLog = openTwinLog(options.logFile);
  let twin: RunningTwin;
  try {
    twin = await startTwin({
      faults,
      pace: twinPaces[options.pace ?? 'fast'],
      auroraServers: options.auroraServers ?? true,
      ...(twinLog.log ? { log: twinLog.log } : {}),
    });
  } catch (error) {
    twinLog.log?.(`twin failed to start: ${error instanceof Error ? error.message : String(error)}`);
    await twinLog.close();
    throw error;
  }
  // labdrill reaches the twin the way it reaches AWS: endpoints and credentials from the environment.
  Object.assign(process.env, twin.awsEnv);
  const stopOnSignal = (signal: NodeJS.Signals) => {
    void twin
      .stop()
      .then(() => twinLog.close())
      .finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);
  try {
    return await body(twin);
  } finally {
    process.off('SIGINT', stopOnSignal);
    process.off('SIGTERM', stopOnSignal);
    await twin.stop();
    await twinLog.close();
  }
}
