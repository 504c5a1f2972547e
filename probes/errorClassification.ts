import { CodedError, type ErrorCode } from '../reports/errorCodes.ts';
import { AwsProbeError } from './aws/awsCall.ts';
import { DnsProbeError } from './dnsProbeError.ts';
import { ExecError } from './exec/transport.ts';
import { HttpProbeError } from './http.ts';
import { SqlProbeError } from './sql.ts';

// Which error code (reports/errorCodes.ts) an error that ended a check stands for. The probes' own error
// kinds decide; Node's system error codes come next; the cause chain is followed a few links deep, since
// layers wrap what they catch. Whatever is left is labdrill's own failure: `internal`.

const awsCodes: Record<AwsProbeError['kind'], ErrorCode> = {
  'access-denied': 'aws.access-denied',
  throttled: 'aws.throttled',
  timeout: 'aws.unreachable',
  network: 'aws.unreachable',
  cancelled: 'interrupted',
  'not-found': 'aws.error',
  other: 'aws.error',
};

const httpCodes: Record<HttpProbeError['kind'], ErrorCode> = {
  timeout: 'net.timeout',
  connect: 'net.refused',
  reset: 'net.refused',
  protocol: 'net.refused',
  dns: 'net.dns',
  other: 'net.refused',
};

const sqlCodes: Record<SqlProbeError['kind'], ErrorCode> = {
  auth: 'sql.auth',
  timeout: 'net.timeout',
  dns: 'net.dns',
  connect: 'net.refused',
  closed: 'net.refused',
  query: 'sql.error',
};

const systemCodes: Record<string, ErrorCode> = {
  ETIMEDOUT: 'net.timeout',
  UND_ERR_CONNECT_TIMEOUT: 'net.timeout',
  UND_ERR_HEADERS_TIMEOUT: 'net.timeout',
  UND_ERR_BODY_TIMEOUT: 'net.timeout',
  ECONNREFUSED: 'net.refused',
  ECONNRESET: 'net.refused',
  EPIPE: 'net.refused',
  EHOSTUNREACH: 'net.refused',
  ENETUNREACH: 'net.refused',
  UND_ERR_SOCKET: 'net.refused',
  ENOTFOUND: 'net.dns',
  EAI_AGAIN: 'net.dns',
};

function codeOf(error: unknown): ErrorCode | undefined {
  if (error instanceof CodedError) return error.code;
  if (error instanceof AwsProbeError) return awsCodes[error.kind];
  if (error instanceof HttpProbeError) return httpCodes[error.kind];
  if (error instanceof SqlProbeError) return sqlCodes[error.kind];
  if (error instanceof DnsProbeError) return error.kind === 'timeout' ? 'net.timeout' : 'net.dns';
  if (error instanceof ExecError) return error.kind === 'cancelled' ? 'interrupted' : 'exec.unavailable';
  if (error instanceof Error && error.name === 'AbortError') return 'interrupted';
  const system = (error as { code?: unknown } | null)?.code;
  return typeof system === 'string' ? systemCodes[system] : undefined;
}

export function errorCodeOf(error: unknown): ErrorCode {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== undefined && current !== null; depth++) {
    const code = codeOf(current);
    if (code) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return 'internal';
}
