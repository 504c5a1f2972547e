// How labdrill's checks call AWS: a command goes through awsCall (or awsPaged for paginated reads), which
// checks the command's IAM action against labdrill's published policy and turns SDK errors into one-line
// AwsProbeErrors a student can act on. Retries happen inside the SDK client (awsClients.ts), never here.
// A few calls send directly, because they handle errors their own way: SSM Run Command (probes/exec/ssm.ts,
// ExecErrors), STS AssumeRole (probes/aws/assumedRole.ts, a credential provider), GetCallerIdentity
// (drills/guards.ts, an unknown caller is a guard problem) and the undo actions (drills/undoActions.ts, a
// resource already gone counts as undone). iamPolicy.test.ts finds the actions of those calls in the
// source as it finds awsCall's.

import type { CommandIO, MetadataBearer, PaginationConfiguration, Paginator } from '@smithy/types';
import { actionLabel, iamActionsFor } from './iamActions.ts';
import { policyActions } from './iamPolicy.ts';

export type AwsProbeErrorKind =
  'access-denied' | 'not-found' | 'throttled' | 'timeout' | 'network' | 'cancelled' | 'other';

/** A failed AWS call, with a one-line message; the SDK error stays available as `cause`. */
export class AwsProbeError extends Error {
  override readonly name = 'AwsProbeError';
  constructor(
    readonly kind: AwsProbeErrorKind,
    /** The IAM action of the call, e.g. `ec2:DescribeSubnets`. */
    readonly action: string,
    message: string,
    /** The error code AWS or Node gave, e.g. `AccessDenied`, `ECONNREFUSED`. */
    readonly code: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** What any SDK v3 client offers; `send` is called with the command it was built for. */
export interface AwsSdkClient {
  readonly config: { serviceId?: string };
  // Each client's send takes its own command union
  send(command: any, options?: { abortSignal?: AbortSignal }): Promise<unknown>;
}

export interface AwsCallOptions {
  /**
   * What the call is about, for not-found messages: `RDS DB instance 'lab-vpc-rds'` gives
   * "RDS DB instance 'lab-vpc-rds' not found".
   */
  subject?: string;
  /** Aborts the call (the check's budget, Ctrl-C): passed to the SDK as its abortSignal. */
  signal?: AbortSignal;
}

export interface AwsPagedOptions extends AwsCallOptions {
  /** Items asked for per page, where the operation takes a page size. */
  pageSize?: number;
  /** Most pages read before giving up; default 20. A lab has a handful of each resource. */
  maxPages?: number;
  /**
   * Stop reading once this many items are in: for newest-first histories (scaling activities, events),
   * where the rest is old news rather than a sign that the query was too broad.
   */
  maxItems?: number;
}

const DEFAULT_MAX_PAGES = 20;
const MAX_MESSAGE_TEXT = 200;
const declaredActions = new Set(policyActions());

function commandName(command: object): string {
  return command.constructor.name;
}

/** The IAM action label of a command, after checking that labdrill's policy lists what it needs. */
function checkedAction(client: AwsSdkClient, command: object): string {
  const serviceId = client.config.serviceId ?? 'unknown';
  const name = commandName(command);
  for (const action of iamActionsFor(serviceId, name)) {
    if (!declaredActions.has(action)) {
      throw new Error(
        `${action} is not in labdrill's IAM policy (probes/aws/iamPolicy.ts); add it there first`,
      );
    }
  }
  return actionLabel(serviceId, name);
}

export async function awsCall<Input extends object, Output extends MetadataBearer>(
  client: AwsSdkClient,
  command: CommandIO<Input, Output>,
  options: AwsCallOptions = {},
): Promise<Output> {
  const action = checkedAction(client, command);
  try {
    return (await client.send(command, options.signal ? { abortSignal: options.signal } : {})) as Output;
  } catch (error) {
    throw toAwsProbeError(error, action, options.subject);
  }
}

/**
 * Reads every page of a paginated operation through the SDK's paginate* helper and returns the items
 * `itemsOf` picks from each page. More than `maxPages` pages is an error, not a silent cut.
 */
export async function awsPaged<Config extends PaginationConfiguration, Input extends object, Page, Item>(
  client: Config['client'] & AwsSdkClient,
  paginate: (
    config: Config,
    input: Input,
    ...sendOptions: { abortSignal?: AbortSignal }[]
  ) => Paginator<Page>,
  input: Input,
  itemsOf: (page: Page) => readonly Item[] | undefined,
  options: AwsPagedOptions = {},
): Promise<Item[]> {
  const maxPages = options.maxPages ?? DEFAULT_MAX_PAGES;
  let action = 'unknown';
  let checkError: Error | undefined;
  // The paginator builds each command itself; withCommand lets the policy check see it before it is sent.
  const config = {
    client,
    ...(options.pageSize ? { pageSize: options.pageSize } : {}),
    withCommand: (command: object) => {
      try {
        action = checkedAction(client, command);
      } catch (error) {
        checkError = error as Error;
        throw error;
      }
      return undefined;
    },
  } as unknown as Config;
  const items: Item[] = [];
  let pages = 0;
  try {
    const sendOptions = options.signal ? [{ abortSignal: options.signal }] : [];
    for await (const page of paginate(config, { ...input }, ...sendOptions)) {
      pages += 1;
      // A page past the bound means the listing is longer than labdrill is willing to read.
      if (pages > maxPages) {
        throw new AwsProbeError(
          'other',
          action,
          `${action} returned more than ${maxPages} pages; narrow the stack file (ids or names) so labdrill reads less`,
          undefined,
        );
      }
      items.push(...(itemsOf(page) ?? []));
      if (options.maxItems !== undefined && items.length >= options.maxItems)
        return items.slice(0, options.maxItems);
    }
  } catch (error) {
    if (error === checkError || error instanceof AwsProbeError) throw error;
    throw toAwsProbeError(error, action, options.subject);
  }
  return items;
}

const ACCESS_DENIED = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
  'UnauthorizedAccess',
  'AuthorizationError',
  'NotAuthorized',
  'Forbidden',
]);
const BAD_CREDENTIALS = new Set([
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'SignatureDoesNotMatch',
  'InvalidSignatureException',
  'ExpiredToken',
  'ExpiredTokenException',
  'RequestExpired',
  'AuthFailure',
  'InvalidAccessKeyId',
  'IncompleteSignature',
  'MissingAuthenticationToken',
]);
const THROTTLED = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestLimitExceeded',
  'TooManyRequestsException',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
  'PriorRequestNotComplete',
  'ProvisionedThroughputExceededException',
  'BandwidthLimitExceeded',
  'EC2ThrottledException',
]);
const TIMEOUT = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException', 'ETIMEDOUT']);
const NETWORK = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'ECONNABORTED',
  'UND_ERR_SOCKET',
]);

interface ErrorFacts {
  name: string;
  code: string | undefined;
  message: string;
  status: number | undefined;
}

function oneLine(text: string): string {
  const line = text.split('\n')[0]?.trim() ?? '';
  return line.length > MAX_MESSAGE_TEXT ? `${line.slice(0, MAX_MESSAGE_TEXT)}…` : line;
}

function factsOf(error: unknown): ErrorFacts {
  if (!(error instanceof Error))
    return { name: 'Error', code: undefined, message: oneLine(String(error)), status: undefined };
  const { code, Code, $metadata } = error as {
    code?: unknown;
    Code?: unknown;
    $metadata?: { httpStatusCode?: unknown };
  };
  const status = $metadata?.httpStatusCode;
  return {
    name: error.name,
    code: typeof code === 'string' ? code : typeof Code === 'string' ? Code : undefined,
    message: oneLine(error.message),
    status: typeof status === 'number' ? status : undefined,
  };
}

/** Maps an error from an SDK call to an AwsProbeError; the message names the action and AWS's code. */
export function toAwsProbeError(error: unknown, action: string, subject?: string): AwsProbeError {
  if (error instanceof AwsProbeError) return error;
  const facts = factsOf(error);
  const code = facts.code && facts.name === 'Error' ? facts.code : facts.name;
  const has = (set: Set<string>) => set.has(facts.name) || (facts.code !== undefined && set.has(facts.code));
  const build = (kind: AwsProbeErrorKind, message: string) =>
    new AwsProbeError(kind, action, message, code, { cause: error });

  // The call's abortSignal fired (the check's budget, Ctrl-C): nothing AWS said.
  if (facts.name === 'AbortError') return build('cancelled', `${action} was cancelled`);
  if (has(ACCESS_DENIED)) return build('access-denied', `missing IAM permission ${action} (${code})`);
  if (has(BAD_CREDENTIALS)) {
    return build(
      'access-denied',
      `AWS rejected the credentials for ${action} (${code}): refresh them or check aws.profile`,
    );
  }
  if (facts.name === 'CredentialsProviderError' || /Could not load credentials/i.test(facts.message)) {
    return build(
      'access-denied',
      `no AWS credentials for ${action}: set aws.profile in the stack file, or AWS_PROFILE / AWS_ACCESS_KEY_ID`,
    );
  }
  if (has(THROTTLED))
    return build('throttled', `AWS throttled ${action} (${code}) after retries; run again later`);
  if (has(TIMEOUT))
    return build('timeout', `${action} timed out (no answer within aws.timeoutMs, after retries)`);
  if (has(NETWORK))
    return build('network', `cannot reach the AWS endpoint for ${action} (${facts.code ?? facts.name})`);
  // An answer that is not in AWS's error format (an HTML 500 page from a proxy or another implementation):
  // the SDK reports a JSON parse error or "Unknown". Say what came back instead.
  if (facts.status !== undefined && (facts.name === 'SyntaxError' || code === 'Unknown')) {
    const service = action.split(':')[0] ?? 'AWS';
    const about = subject ? ` (${subject})` : '';
    return build(
      'other',
      `HTTP ${facts.status} from ${service} for ${action}, not an AWS error answer${about}`,
    );
  }
  if (/NotFound|NoSuch/.test(code) || facts.status === 404) {
    const what = subject ?? 'the resource';
    return build('not-found', `${what} not found (${action}: ${code})`);
  }
  const detail = facts.message && facts.message !== code ? `: ${facts.message}` : '';
  return build('other', `${action} failed (${code})${detail}`);
}
