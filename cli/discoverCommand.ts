import { existsSync, renameSync, writeFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { Command } from 'commander';
import {
  type DiscoverOptions,
  type DiscoveryNote,
  type DiscoverySelector,
  defaultNamePrefix,
  discoverStack,
  namePrefixSelector,
  SelectorError,
  sectionOrder,
  tagSelector,
} from '../discover/discoverStack.ts';
import { loadStackFile } from '../config/loadStack.ts';
import { stackSchema } from '../config/schema.ts';
import { AwsProbeError } from '../probes/aws/awsCall.ts';
import { UsageError } from './usageError.ts';

// `labdrill discover`: finds the lab's resources through the AWS APIs (read-only) and writes a stack file.
// Bad flags exit 2 before any call; a read that fails (no permission, no endpoint) exits 1 with one line.

export interface DiscoverFlags {
  region: string;
  namePrefix?: string;
  tag?: string;
  out?: string;
  profile?: string;
  name?: string;
  merge?: string;
  force?: boolean;
}

function selectorOf(flags: DiscoverFlags): DiscoverySelector {
  if (flags.namePrefix !== undefined && flags.tag !== undefined) {
    throw new UsageError('--name-prefix and --tag select the same thing; give one of them');
  }
  try {
    return flags.tag !== undefined
      ? tagSelector(flags.tag)
      : namePrefixSelector(flags.namePrefix ?? defaultNamePrefix);
  } catch (error) {
    if (error instanceof SelectorError) throw new UsageError(error.message);
    throw error;
  }
}

/** Checks every flag before any AWS call; UsageError (exit 2) on the first bad one. */
export function discoverOptionsOf(flags: DiscoverFlags): DiscoverOptions {
  if (!stackSchema.shape.region.safeParse(flags.region).success) {
    throw new UsageError(
      `--region must be an AWS region like ap-northeast-2, got '${flags.region.slice(0, 40)}'`,
    );
  }
  const selector = selectorOf(flags);
  if (flags.profile !== undefined && flags.profile.trim() === '') throw new UsageError('--profile is empty');
  if (flags.name !== undefined && !stackSchema.shape.name.safeParse(flags.name).success) {
    throw new UsageError('--name must be 1–128 characters');
  }
  if (flags.out !== undefined && existsSync(flags.out) && !flags.force) {
    const sameAsMerge = flags.merge !== undefined && resolve(flags.merge) === resolve(flags.out);
    if (!sameAsMerge) {
      throw new UsageError(
        `${flags.out} exists; pass --force to replace it, or --merge ${flags.out} to update it`,
      );
    }
  }
  // A merge file that does not load is bad input: StackFileError, exit 2.
  const merge =
    flags.merge !== undefined
      ? { stack: loadStackFile(flags.merge), label: basename(flags.merge) }
      : undefined;
  return {
    region: flags.region,
    selector,
    ...(flags.profile !== undefined ? { profile: flags.profile } : {}),
    ...(flags.name !== undefined ? { name: flags.name } : {}),
    ...(merge ? { merge } : {}),
  };
}

function writeAtomically(path: string, text: string): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, text);
  renameSync(temporary, path);
}

export async function runDiscover(flags: DiscoverFlags): Promise<0 | 1> {
  const options = discoverOptionsOf(flags);
  let outcome: Awaited<ReturnType<typeof discoverStack>>;
  try {
    outcome = await discoverStack(options);
  } catch (error) {
    if (error instanceof AwsProbeError) {
      process.stderr.write(`labdrill: discover: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
  if (flags.out !== undefined) writeAtomically(flags.out, outcome.yaml);
  else process.stdout.write(outcome.yaml);
  // The summary goes to stderr, so that without --out stdout is the stack file alone.
  const { stack } = outcome;
  const found = [
    stack.vpc?.id && `vpc ${stack.vpc.id}${stack.vpc.name ? ` (${stack.vpc.name})` : ''}`,
    stack.alb?.name &&
      `alb ${stack.alb.name}${stack.alb.expectedTargets ? ` (${stack.alb.expectedTargets} targets)` : ''}`,
    stack.asg?.name && `asg ${stack.asg.name}`,
    stack.rds?.instance &&
      `rds ${stack.rds.instance}${stack.rds.replica ? ` + replica ${stack.rds.replica}` : ''}`,
    stack.efs?.fileSystemId && `efs ${stack.efs.fileSystemId}`,
    stack.s3?.bucket && `s3 ${stack.s3.bucket}`,
    stack.cloudfront?.distributionId && `cloudfront ${stack.cloudfront.distributionId}`,
    stack.exec && `exec via ${stack.exec.via}`,
  ].filter((part): part is string => Boolean(part));
  const where = flags.out ?? 'stdout';
  process.stderr.write(`labdrill: discover wrote ${where}: ${found.join(', ') || 'nothing found'}\n`);
  const order = (note: DiscoveryNote) => sectionOrder.indexOf(note.section);
  for (const note of [...outcome.notes].sort((a, b) => order(a) - order(b))) {
    for (const line of note.text.split('\n')) process.stderr.write(`  # ${line}\n`);
  }
  return 0;
}

export function registerDiscoverCommand(command: Command): void {
  command
    .requiredOption('--region <region>', 'AWS region of the lab, e.g. ap-northeast-2')
    .option('--name-prefix <prefix>', `Name prefix of the lab's resources (default: ${defaultNamePrefix})`)
    .option('--tag <key=value>', 'select resources by this tag instead of by name')
    .option('--out <file>', 'write the stack file here (default: stdout)')
    .option('--profile <profile>', 'AWS profile to read with; written as aws.profile')
    .option('--name <name>', "the stack's name in reports (default: the prefix or the tag's value)")
    .option('--merge <file>', 'keep every field this stack file sets; discovery fills in the rest')
    .option('--force', 'replace --out if it exists')
    .addHelpText(
      'after',
      `
Discovery only reads (Describe*/List*/Get* calls; see the read policy). Endpoints come from the
environment (AWS_ENDPOINT_URL_<SERVICE>), so it works on the twin as on AWS. What it cannot find is
left as a '#' comment in the file saying what to set.

Exit codes: 0 stack file written, 1 an AWS read failed (e.g. a missing IAM permission), 2 bad input.

Examples:
  $ labdrill discover --region ap-northeast-2 --out stack.yaml
  $ labdrill discover --region ap-northeast-2 --name-prefix kim-vpc --profile lab --out stack.yaml
  $ labdrill discover --region us-east-1 --tag Project=lab --merge stack.yaml --out stack.yaml`,
    )
    .action(async (flags: DiscoverFlags) => {
      process.exitCode = await runDiscover(flags);
    });
}
