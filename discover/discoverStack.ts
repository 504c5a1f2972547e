import { SSMClient } from '@aws-sdk/client-ssm';
import { awsClientConfig, createAwsClients } from '../probes/aws/awsClients.ts';
import { type Discovery, discoverLab } from './discoverLab.ts';
import { type DiscoveryNote, openNotes } from './discoveryNotes.ts';
import { mergeStacks } from './mergeStack.ts';
import { renderStackYaml } from './renderStackYaml.ts';
import { type DiscoverySelector, describeSelector } from '../config/discoverySelector.ts';
import { parseStackText } from '../config/loadStack.ts';
import type { Stack } from '../config/schema.ts';

// `labdrill discover`: reads the lab's resources from the AWS APIs (read-only) and writes a stack file,
// with YAML comments for what it could not find. Endpoints come from the environment
// (AWS_ENDPOINT_URL_<SERVICE>), as for every AWS SDK program, so the same command works on the twin.

export { type DiscoveryNote, sectionOrder } from './discoveryNotes.ts';
export {
  type DiscoverySelector,
  defaultNamePrefix,
  namePrefixSelector,
  SelectorError,
  tagSelector,
} from '../config/discoverySelector.ts';

export interface DiscoverOptions {
  region: string;
  selector: DiscoverySelector;
  /** Written as aws.profile and used for the reads. */
  profile?: string;
  /** A role to assume for the reads (written as aws.roleArn). */
  roleArn?: string;
  /** The stack's name; by default the name prefix or the tag's value. */
  name?: string;
  /** A stack file whose fields win over discovered ones (`--merge`). */
  merge?: { stack: Stack; label: string };
}

export interface DiscoverOutcome {
  /** The stack as written (after the merge). */
  stack: Stack;
  /** The notes written as comments. */
  notes: DiscoveryNote[];
  /** The stack file text: header comment, sections, notes. */
  yaml: string;
}

function defaultName(selector: DiscoverySelector): string {
  const base = selector.kind === 'name-prefix' ? selector.prefix : selector.value || selector.key;
  return base.slice(0, 128) || 'lab';
}

function endpointsFromEnvironment(): boolean {
  if (process.env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS === 'true') return false;
  return Object.keys(process.env).some(
    (key) => key === 'AWS_ENDPOINT_URL' || key.startsWith('AWS_ENDPOINT_URL_'),
  );
}

/** Reads the lab through the AWS APIs; AwsProbeError (one line naming the IAM action) when a read fails. */
export async function discoverStack(options: DiscoverOptions): Promise<DiscoverOutcome> {
  const base: Stack = {
    name: options.name ?? defaultName(options.selector),
    region: options.region,
    ...(options.profile || options.roleArn
      ? {
          aws: {
            ...(options.profile ? { profile: options.profile } : {}),
            ...(options.roleArn ? { roleArn: options.roleArn } : {}),
          },
        }
      : {}),
  };
  const clients = createAwsClients(base);
  const ssm = new SSMClient(awsClientConfig(base, 'ssm'));
  let discovery: Discovery;
  try {
    discovery = await discoverLab(
      { clients, ssm, region: options.region, selector: options.selector, notes: [] },
      { name: base.name, ...(options.profile ? { profile: options.profile } : {}) },
    );
  } finally {
    clients.destroy();
    ssm.destroy();
  }
  let stack = discovery.stack;
  let notes = discovery.notes;
  if (options.merge) {
    const merged = mergeStacks(stack, options.merge.stack, options.merge.label);
    stack = merged.stack;
    notes = [...merged.notes, ...notes];
  }
  notes = openNotes(notes, stack);
  const header = [
    `labdrill stack file from \`labdrill discover\` (region ${options.region}, ${describeSelector(options.selector)}).`,
    'Lines starting with # say what could not be found and what to set by hand.',
    ...(options.merge ? [`Fields set in ${options.merge.label} were kept (--merge).`] : []),
    ...(endpointsFromEnvironment()
      ? ['AWS endpoints came from AWS_ENDPOINT_URL_*: run labdrill with the same environment.']
      : []),
  ];
  const yaml = renderStackYaml(stack, notes, header);
  // What is written must load: a discovered value the schema refuses is a bug here, not the user's.
  parseStackText(yaml, 'discovered stack file', 'yaml');
  return { stack, notes, yaml };
}
