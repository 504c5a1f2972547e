import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  CommandArgumentError,
  fileSystemType,
  instanceIdentity,
  MAX_CONTENT_LENGTH,
  MAX_READ_BYTES,
  readFile,
  removeFile,
  shellQuote,
  writeFile,
} from '../../../probes/exec/commands.ts';
import { parseFileSystemType, parseInstanceIdentity } from '../../../probes/exec/outputs.ts';

const canaryPath = '/var/www/html/efs/labdrill-canary-7f3a.txt';

describe('command builders', () => {
  it('single-quotes every value', () => {
    expect(writeFile(canaryPath, 'labdrill:run-1.2_x')).toBe(
      `printf '%s' 'labdrill:run-1.2_x' > '/var/www/html/efs/labdrill-canary-7f3a.txt'`,
    );
    expect(readFile(canaryPath, 256)).toBe(`head -c 256 -- '/var/www/html/efs/labdrill-canary-7f3a.txt'`);
    expect(removeFile(canaryPath)).toBe(`rm -f -- '/var/www/html/efs/labdrill-canary-7f3a.txt'`);
    expect(fileSystemType('/var/www/html/efs')).toBe(`df -PT -- '/var/www/html/efs'`);
  });

  it('quotes a single quote the POSIX way', () => {
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
    expect(execFileSync('/bin/sh', ['-c', `printf '%s' ${shellQuote("a'b $(x) `y` ;z")}`]).toString()).toBe(
      "a'b $(x) `y` ;z",
    );
  });

  it.each([
    ['relative', 'var/www/html/efs/x'],
    ['empty', ''],
    ['root', '/'],
    ['dot-dot', '/var/www/html/efs/../../etc/passwd'],
    ['dot', '/var/www/./html'],
    ['double slash', '/var//www'],
    ['trailing slash', '/var/www/'],
    ['quote', "/var/www/it's"],
    ['space', '/var/www/a b'],
    ['semicolon', '/tmp/x;rm -rf /'],
    ['substitution', '/tmp/$(reboot)'],
    ['backtick', '/tmp/`reboot`'],
    ['newline', '/tmp/a\nrm -rf /'],
    ['glob', '/tmp/*'],
    ['non-ASCII', '/tmp/é'],
    ['too long', `/${'a'.repeat(600)}`],
  ])('rejects a %s path', (_label, path) => {
    expect(() => removeFile(path)).toThrow(CommandArgumentError);
    expect(() => readFile(path, 10)).toThrow(CommandArgumentError);
    expect(() => writeFile(path, 'x')).toThrow(CommandArgumentError);
    expect(() => fileSystemType(path)).toThrow(CommandArgumentError);
  });

  it.each([
    ['empty', ''],
    ['space', 'a b'],
    ['quote', "a'b"],
    ['substitution', '$(id)'],
    ['newline', 'a\nb'],
    ['slash', 'a/b'],
    ['too long', 'a'.repeat(MAX_CONTENT_LENGTH + 1)],
  ])('rejects %s content', (_label, content) => {
    expect(() => writeFile(canaryPath, content)).toThrow(CommandArgumentError);
  });

  it('bounds readFile byte counts', () => {
    expect(() => readFile(canaryPath, 0)).toThrow(CommandArgumentError);
    expect(() => readFile(canaryPath, 1.5)).toThrow(CommandArgumentError);
    expect(() => readFile(canaryPath, MAX_READ_BYTES + 1)).toThrow(CommandArgumentError);
    expect(readFile(canaryPath, MAX_READ_BYTES)).toContain(`head -c ${MAX_READ_BYTES} -- `);
  });

  it('asks IMDSv2 with a token and short timeouts', () => {
    const command = instanceIdentity();
    expect(command).toContain("-X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 60'");
    expect(command).toContain('"X-aws-ec2-metadata-token: $TOKEN"');
    expect(command).toContain('/meta-data/instance-id');
    expect(command).toContain('/meta-data/placement/availability-zone');
    expect(command.match(/--max-time 3/g)).toHaveLength(3);
  });

  it('builds strings that sh parses as valid syntax', () => {
    for (const command of [
      writeFile(canaryPath, 'x'),
      readFile(canaryPath, 5),
      removeFile(canaryPath),
      fileSystemType('/tmp'),
      instanceIdentity(),
    ]) {
      // -n: read and check the syntax without running anything.
      expect(() => execFileSync('/bin/sh', ['-n', '-c', command])).not.toThrow();
    }
  });
});

describe('output readers', () => {
  it('reads the identity lines', () => {
    expect(parseInstanceIdentity('instance-id=i-0abc123\navailability-zone=ap-northeast-2a\n')).toEqual({
      instanceId: 'i-0abc123',
      availabilityZone: 'ap-northeast-2a',
    });
    expect(parseInstanceIdentity('instance-id=<html>\navailability-zone=ap-northeast-2a\n')).toBeNull();
    expect(parseInstanceIdentity('curl: (28) Connection timed out\n')).toBeNull();
  });

  it('reads a df -PT line, including the one from this machine', () => {
    const efs =
      'Filesystem                                   Type 1024-blocks Used Available Capacity Mounted on\n' +
      'fs-0a1b.efs.ap-northeast-2.amazonaws.com:/ nfs4 9007199254739968 0 9007199254739968 0% /var/www/html/efs\n';
    expect(parseFileSystemType(efs)).toEqual({
      source: 'fs-0a1b.efs.ap-northeast-2.amazonaws.com:/',
      type: 'nfs4',
      mountPoint: '/var/www/html/efs',
    });
    const local = parseFileSystemType(execFileSync('/bin/sh', ['-c', fileSystemType('/tmp')]).toString());
    expect(local?.type).toMatch(/^[a-z0-9]+$/);
    expect(parseFileSystemType('not df output')).toBeNull();
  });
});
