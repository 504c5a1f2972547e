// The fixed set of remote commands labdrill issues on an instance (SSM Run Command or SSH), as POSIX sh
// strings. Every value that reaches a command is validated against a narrow charset and single-quoted, so
// no input can change the command's shape. parseLabdrillCommand recognises exactly these strings and
// nothing else, which lets the twin answer a command without ever running it.

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

export type ParsedCommand =
  | { kind: 'writeFile'; path: string; content: string }
  | { kind: 'readFile'; path: string; maxBytes: number }
  | { kind: 'removeFile'; path: string }
  | { kind: 'fileSystemType'; path: string }
  | { kind: 'instanceIdentity' };

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

/** The command string for a parsed command: the builders, driven by data. */
export function buildCommand(parsed: ParsedCommand): string {
  switch (parsed.kind) {
    case 'writeFile':
      return writeFile(parsed.path, parsed.content);
    case 'readFile':
      return readFile(parsed.path, parsed.maxBytes);
    case 'removeFile':
      return removeFile(parsed.path);
    case 'fileSystemType':
      return fileSystemType(parsed.path);
    case 'instanceIdentity':
      return instanceIdentity();
  }
}

// The shapes the builders produce. Quoted values are matched as "anything but a quote"; the captured
// values are then validated and the command rebuilt, and only an exact rebuild is accepted.
const WRITE_FILE = /^printf '%s' '([^']*)' > '([^']*)'$/;
const READ_FILE = /^head -c ([1-9][0-9]{0,5}) -- '([^']*)'$/;
const REMOVE_FILE = /^rm -f -- '([^']*)'$/;
const FILE_SYSTEM_TYPE = /^df -PT -- '([^']*)'$/;

function candidate(command: string): ParsedCommand | null {
  if (command === INSTANCE_IDENTITY_COMMAND) return { kind: 'instanceIdentity' };
  let match = WRITE_FILE.exec(command);
  if (match) return { kind: 'writeFile', content: match[1]!, path: match[2]! };
  match = READ_FILE.exec(command);
  if (match) return { kind: 'readFile', maxBytes: Number(match[1]), path: match[2]! };
  match = REMOVE_FILE.exec(command);
  if (match) return { kind: 'removeFile', path: match[1]! };
  match = FILE_SYSTEM_TYPE.exec(command);
  if (match) return { kind: 'fileSystemType', path: match[1]! };
  return null;
}

/**
 * The command a string stands for when it is exactly what one of the builders above produces, otherwise
 * null. Never throws: anything unexpected (other commands, extra arguments, separators, substitutions,
 * paths or content outside the allowed charset) is simply not recognised.
 */
export function parseLabdrillCommand(command: string): ParsedCommand | null {
  if (typeof command !== 'string' || command.length > 4 * MAX_PATH_LENGTH + 1024) return null;
  const parsed = candidate(command);
  if (parsed === null) return null;
  try {
    return buildCommand(parsed) === command ? parsed : null;
  } catch (error) {
    if (error instanceof CommandArgumentError) return null;
    throw error;
  }
}
