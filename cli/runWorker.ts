import type { CheckResult } from '../reports/evidence.ts';
import { loadStackFile } from '../config/loadStack.ts';
import { stackWithRubric } from '../suites/runContext.ts';
import { runChecksInProcess } from './runInProcess.ts';
import type { WorkerReply, WorkerRequest } from './runWorkerProtocol.ts';

// The process that runs one stack's checks for `labdrill run`, `drill` and `demo` (cli/executeRun.ts forks
// it): the checks are out of the command's process, so a twin started by `demo` never shares an event loop
// with the checks that measure it, and a drill whose labdrill goes away (the IPC channel closes) rolls back.

function send(reply: WorkerReply): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send || !process.connected) return resolve();
    process.send(reply, undefined, undefined, () => resolve());
  });
}

process.once('message', (request: WorkerRequest) => {
  void (async () => {
    try {
      const stack = stackWithRubric(loadStackFile(request.stackFile), request.rubricTerms);
      await runChecksInProcess({
        stackFile: request.stackFile,
        stack,
        only: request.only,
        chaosRequested: request.chaosRequested,
        dryRun: request.dryRun,
        journal: request.journal,
        knownHostsFile: request.knownHostsFile,
        acceptNewHostKey: request.acceptNewHostKey,
        onCheck: (result: CheckResult) => void send({ kind: 'check', result }),
        onRunError: (message: string) => void send({ kind: 'run-error', message }),
      });
    } catch (error) {
      await send({ kind: 'run-error', message: error instanceof Error ? error.message : String(error) });
    }
    await send({ kind: 'done' });
    process.disconnect?.();
  })();
});
