// The catalogue of error codes: every `error` and every `skip` verdict carries one, beside its one-line
// reason, so that a CI or a grader can tell a fault of the stack from a fault of the harness. The codes are
// an interface (report.json, junit.xml): add new ones, never rename one.
//
// `side` says whose problem it is: `harness` codes are labdrill's side (its credentials, its limits, its
// own bugs) and must never count against the stack's owner; `stack` codes point at the stack or its file.

export interface ErrorCodeEntry {
  /** Whose side the problem is on. */
  side: 'harness' | 'stack';
  /** Which verdicts carry it. */
  verdicts: readonly ('error' | 'skip')[];
  /** One sentence: what it means. */
  meaning: string;
}

export const errorCodes = {
  'aws.access-denied': {
    side: 'harness',
    verdicts: ['error'],
    meaning:
      "labdrill's AWS credentials may not make a call it needs (the reason names the IAM action); grant it from `labdrill iam-policy`.",
  },
  'aws.throttled': {
    side: 'harness',
    verdicts: ['error'],
    meaning:
      'AWS throttled labdrill past what the SDK retries absorb; run again later or with fewer at once.',
  },
  'aws.unreachable': {
    side: 'harness',
    verdicts: ['error'],
    meaning:
      'the AWS API endpoint could not be reached or gave no usable answer (network, endpoint or region).',
  },
  'aws.error': {
    side: 'harness',
    verdicts: ['error'],
    meaning: 'AWS answered a call with an error labdrill has no more precise code for; the reason quotes it.',
  },
  'net.timeout': {
    side: 'stack',
    verdicts: ['error'],
    meaning: 'a host of the stack did not answer within the timeout (HTTP, DNS, SQL or TCP).',
  },
  'net.refused': {
    side: 'stack',
    verdicts: ['error'],
    meaning: 'a host of the stack refused or reset the connection, or broke the protocol.',
  },
  'net.dns': {
    side: 'stack',
    verdicts: ['error'],
    meaning: "a name of the stack did not resolve, or the resolver's answer was unusable.",
  },
  'sql.auth': {
    side: 'stack',
    verdicts: ['error'],
    meaning: 'the database refused the login given in the stack file (rds.sql user and password).',
  },
  'sql.error': {
    side: 'stack',
    verdicts: ['error'],
    meaning: 'the database refused a statement the check needs.',
  },
  'exec.unavailable': {
    side: 'stack',
    verdicts: ['error'],
    meaning: 'no command could be run on the instances (SSM not managed, SSH refused, host key unknown).',
  },
  'aws.no-data': {
    side: 'stack',
    verdicts: ['error'],
    meaning: 'AWS had no data for what the check measures (e.g. no CPUUtilization for the group).',
  },
  'load.insufficient': {
    side: 'harness',
    verdicts: ['error'],
    meaning:
      "labdrill's load, within its caps, could not drive the stack far enough to judge it; raise the caps.",
  },
  'chaos.refused': {
    side: 'harness',
    verdicts: ['error'],
    meaning:
      'a drill was asked for but a guard refused it (chaos.allow, the account or the region); nothing changed.',
  },
  'rds.failover-refused': {
    side: 'harness',
    verdicts: ['error'],
    meaning:
      'RDS abandoned the requested failover because one happened recently (RDS-EVENT-0034); try again later.',
  },
  'budget-exceeded': {
    side: 'harness',
    verdicts: ['error'],
    meaning: 'the check ran past its time budget and was stopped; whatever it changed was put back.',
  },
  interrupted: {
    side: 'harness',
    verdicts: ['error'],
    meaning:
      'the run was interrupted (Ctrl-C, SIGTERM, labdrill ended); whatever the check changed was put back.',
  },
  'rollback-failed': {
    side: 'harness',
    verdicts: ['error'],
    meaning:
      'a drill could not put back what it changed; `labdrill restore` names what is left and finishes it.',
  },
  'config.missing': {
    side: 'stack',
    verdicts: ['skip'],
    meaning: 'a stack-file input the check needs is not set (the reason names the field).',
  },
  'stack.unmet': {
    side: 'stack',
    verdicts: ['skip'],
    meaning: 'the stack lacks what the check needs to measure (e.g. fewer than two running app instances).',
  },
  'chaos.off': {
    side: 'harness',
    verdicts: ['skip'],
    meaning: 'a drill or long observation that runs only when asked for (--chaos, asg.observeScaleIn).',
  },
  'dry-run': {
    side: 'harness',
    verdicts: ['skip'],
    meaning: 'a dry run: the drill printed its plan and changed nothing.',
  },
  internal: {
    side: 'harness',
    verdicts: ['error'],
    meaning:
      'labdrill failed on its own side (a crash, a lost worker, a suite that did not load); the reason says where.',
  },
} as const satisfies Record<string, ErrorCodeEntry>;

export type ErrorCode = keyof typeof errorCodes;

export function isErrorCode(value: string): value is ErrorCode {
  return Object.hasOwn(errorCodes, value);
}

/** Whether an error or skip with this code is labdrill's side, never the stack owner's fault. */
export function isHarnessSide(code: ErrorCode): boolean {
  return errorCodes[code].side === 'harness';
}

/** An error that already knows its code; thrown where the code is known better than any classifier could. */
export class CodedError extends Error {
  override readonly name = 'CodedError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
