import type { Command } from 'commander';
import { renderIamPolicyJson } from '../probes/aws/iamPolicy.ts';

export function registerIamPolicyCommand(command: Command): void {
  command
    .option('--drills', "the policy for drills too (read + exec + the drills' writes)")
    .option('--exec', 'add remote exec through SSM (for efs.shared) to the read-only policy')
    .addHelpText(
      'after',
      `
With aws.roleArn (a stack file) or roleArn (a roster), labdrill's own credentials also need sts:AssumeRole on
that role, and the role's trust policy must allow them; the policy printed here is the role's.

Examples:
  $ labdrill iam-policy > labdrill-read.json
  $ labdrill iam-policy --drills > labdrill-drills.json`,
    )
    .action((flags: { drills?: boolean; exec?: boolean }) => {
      process.stdout.write(
        renderIamPolicyJson(flags.drills ? 'drill' : 'read', { exec: flags.exec === true }),
      );
    });
}
