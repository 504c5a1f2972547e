import type { Command } from 'commander';
import pc from 'picocolors';
import { faultRegistry } from '../fixtures/twin/faults.ts';
import type { TwinPaceName } from '../fixtures/twin/pace.ts';
import { paceOption, parseFaultFlag, withTwin } from './twinSession.ts';

export function registerTwinCommand(command: Command): void {
  command
    .option('--fault <names>', 'comma-separated faults to inject (see --list-faults)')
    .option('--list-faults', 'list the faults the twin can inject, and exit')
    .option('--twin-log <file>', "append the twin's own log (requests, AWS calls, start-up) to this file")
    .addOption(paceOption())
    .addHelpText(
      'after',
      `
Examples:
  $ labdrill twin                              then, in another terminal:
  $ labdrill run --config <the stack file it prints>
  $ labdrill twin --fault alb-sticky,dns-no-cname`,
    )
    .action(async (flags: { fault?: string; listFaults?: boolean; twinLog?: string; pace: TwinPaceName }) => {
      if (flags.listFaults) {
        for (const fault of faultRegistry) {
          const name = fault.value === 'duration' ? `${fault.name}=DURATION` : fault.name;
          console.log(`${pc.bold(name.padEnd(24))} ${fault.description}`);
        }
        return;
      }
      const faults = parseFaultFlag(flags.fault);
      await withTwin(
        faults,
        async (twin) => {
          console.log(`stack file: ${twin.stackFile}`);
          for (const endpoint of twin.endpoints) console.log(`  ${endpoint.name.padEnd(22)} ${endpoint.url}`);
          if (faults.size) console.log(`faults: ${faults.toString()}`);
          console.log('to run labdrill against it from another shell, first:');
          for (const [name, value] of Object.entries(twin.awsEnv)) console.log(`  export ${name}=${value}`);
          console.log(pc.dim('running; Ctrl-C stops it'));
          await new Promise<void>((resolve) => {
            process.once('SIGINT', () => resolve());
            process.once('SIGTERM', () => resolve());
          });
        },
        { pace: flags.pace, ...(flags.twinLog ? { logFile: flags.twinLog } : {}) },
      );
    });
}
