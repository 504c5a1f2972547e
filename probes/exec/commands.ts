// The fixed set of remote commands labdrill issues on an instance (SSM Run Command or SSH), as POSIX sh
// strings. Every value that reaches a command is validated against a narrow charset and single-quoted, so
// no input can change the command's shape. The twin recognises exactly these strings by rebuilding them
// (fixtures/twin/exec/labdrillCommandParser.ts), so its tests fail when a builder changes shape.

/** Longest accepted path, in characters. */
export const MAX_PATH_LENGTH = 512;
/** Longest accepted file content for writeFile, in characters. */
export const MAX_CONTENT_LENGTH = 256;
/** Largest byte count readFile may ask for (SSM keeps only 24,000 characters of stdout anyway). */
export const MAX_READ_BYTES = 24_000;

const PATH_SEGMENT = /^[A-Za-z0-9._-]+$/;
const CONTENT = /^[A-Za-z0-9._:-]+$/;

const IMDS = 'http://169.254.169.254/latest';

/**
 * Instance id and availability zone from the instance metadata service, IMDSv2 style (token PUT, then
 * GETs with the token), with short timeouts so a host without IMDS fails fast. Prints two lines:
 * `instance-id=…` and `availability-zone=…`. A constant: nothing is interpolated into it.
 */
const INSTANCE_IDENTITY_COMMAND =
  `TOKEN=$(curl -fsS --connect-timeout 2 --max-time 3 -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 60' ` +
  `'${IMDS}/api/token') && ` +
  `printf 'instance-id=%s\\n' "$(curl -fsS --connect-timeout 2 --max-time 3 ` +
  `-H "X-aws-ec2-metadata-token: $TOKEN" '${IMDS}/meta-data/instance-id')" && ` +
  `printf 'availability-zone=%s\\n' "$(curl -fsS --connect-timeout 2 --max-time 3 ` +
  `-H "X-aws-ec2-metadata-token: $TOKEN" '${IMDS}/meta-data/placement/availability-zone')"`;

/** Thrown by the builders when an argument is outside what labdrill ever sends. */
export class CommandArgumentError extends Error {
  override readonly name = 'CommandArgumentError';
}

/** POSIX sh single-quote quoting: everything inside '…' is literal; a quote becomes '\''. */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** Why a path is not acceptable, or null when it is. */
export function pathProblem(path: string): string | null {
  if (path.length === 0) return 'path is empty';
  if (path.length > MAX_PATH_LENGTH) return `path is longer than ${MAX_PATH_LENGTH} characters`;
  if (!path.startsWith('/')) return 'path must be absolute';
  if (path === '/') return 'path must name something below /';
  const segments = path.slice(1).split('/');
  for (const segment of segments) {
    if (segment === '') return 'path has an empty segment (// or a trailing /)';
    if (segment === '.' || segment === '..') return 'path must not contain . or .. segments';
    if (!PATH_SEGMENT.test(segment)) return 'path may contain only A-Z a-z 0-9 . _ - and /';
  }
  return null;
}

/** Why file content is not acceptable, or null when it is. */
export function contentProblem(content: string): string | null {
  if (content.length === 0) return 'content is empty';
  if (content.length > MAX_CONTENT_LENGTH) return `content is longer than ${MAX_CONTENT_LENGTH} characters`;
  if (!CONTENT.test(content)) return 'content may contain only A-Z a-z 0-9 . _ : -';
  return null;
}

function checkedPath(path: string): string {
  const problem = pathProblem(path);
  if (problem !== null) throw new CommandArgumentError(`${problem}: ${JSON.stringify(path.slice(0, 80))}`);
  return path;
}

function checkedMaxBytes(maxBytes: number): number {
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 1 || maxBytes > MAX_READ_BYTES) {
    throw new CommandArgumentError(`maxBytes must be an integer from 1 to ${MAX_READ_BYTES}`);
  }
  return maxBytes;
}

/** Writes `content` (no trailing newline) to `path`, replacing the file. */
export function writeFile(path: string, content: string): string {
  const problem = contentProblem(content);
  if (problem !== null) throw new CommandArgumentError(`${problem}: ${JSON.stringify(content.slice(0, 80))}`);
  return `printf '%s' ${shellQuote(content)} > ${shellQuote(checkedPath(path))}`;
}

/** Prints at most `maxBytes` bytes of the file at `path`. */
export function readFile(path: string, maxBytes: number): string {
  return `head -c ${checkedMaxBytes(maxBytes)} -- ${shellQuote(checkedPath(path))}`;
}

/**
 * Prints at most `maxBytes` bytes of the file at `path`, then removes it; nothing is removed when the read
 * fails. One command where a read and a removal through the same instance would take two.
 */
export function readAndRemoveFile(path: string, maxBytes: number): string {
  return `${readFile(path, maxBytes)} && ${removeFile(path)}`;
}

/** Removes the file at `path`; succeeds when it is already gone. */
export function removeFile(path: string): string {
  return `rm -f -- ${shellQuote(checkedPath(path))}`;
}

/**
 * The file system that holds `path`, as `df -PT` prints it (type column: nfs4 for EFS). -P keeps each
 * file system on one line even when the source name is long, as EFS DNS names are.
 */
export function fileSystemType(path: string): string {
  return `df -PT -- ${shellQuote(checkedPath(path))}`;
}

/** Instance id and availability zone from IMDSv2; see INSTANCE_IDENTITY_COMMAND. */
export function instanceIdentity(): string {
  return INSTANCE_IDENTITY_COMMAND;
}
