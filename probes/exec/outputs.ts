// Reading what labdrill's remote commands print. The text comes from a remote host, so it is treated as
// untrusted: bounded, matched against narrow patterns, never evaluated.

export interface InstanceIdentity {
  instanceId: string;
  availabilityZone: string;
}

export interface FileSystemLine {
  /** e.g. fs-0123456789abcdef0.efs.ap-northeast-2.amazonaws.com:/ */
  source: string;
  /** e.g. nfs4 */
  type: string;
  /** e.g. /var/www/html/efs */
  mountPoint: string;
}

const MAX_SCANNED_CHARS = 24_000;
const INSTANCE_ID = /^i-[0-9a-zA-Z]{1,32}$/;
const AVAILABILITY_ZONE = /^[a-z]{2}(-[a-z0-9]+){1,4}[a-z]$/;

/** The output of commands.instanceIdentity(), or null when it is not what that command prints. */
export function parseInstanceIdentity(stdout: string): InstanceIdentity | null {
  const fields = new Map<string, string>();
  for (const line of stdout.slice(0, MAX_SCANNED_CHARS).split('\n')) {
    const equals = line.indexOf('=');
    if (equals > 0) fields.set(line.slice(0, equals), line.slice(equals + 1).trim());
  }
  const instanceId = fields.get('instance-id');
  const availabilityZone = fields.get('availability-zone');
  if (instanceId === undefined || !INSTANCE_ID.test(instanceId)) return null;
  if (availabilityZone === undefined || !AVAILABILITY_ZONE.test(availabilityZone)) return null;
  return { instanceId, availabilityZone };
}

/**
 * The file system line of `df -PT` output (commands.fileSystemType), or null. Columns: source, type,
 * size, used, available, capacity, mount point (the mount point may contain spaces, so it is the rest).
 */
export function parseFileSystemType(stdout: string): FileSystemLine | null {
  const lines = stdout
    .slice(0, MAX_SCANNED_CHARS)
    .split('\n')
    .filter((line) => line.trim() !== '');
  if (lines.length !== 2 || !/^Filesystem\s+Type\s/.test(lines[0]!)) return null;
  const match = /^(\S+)\s+(\S+)\s+\d+\s+\d+\s+\d+\s+\d+%\s+(\/.*)$/.exec(lines[1]!.trim());
  if (!match) return null;
  return { source: match[1]!, type: match[2]!, mountPoint: match[3]! };
}
