import { randomBytes } from 'node:crypto';
import { defaults } from '../config/defaults.ts';
import { describeMountTargetSecurityGroups, describeMountTargets } from '../probes/aws/efs.ts';
import { instanceGroupIds } from '../probes/aws/labInventory.ts';
import { readAndRemoveFile, readFile, removeFile, writeFile } from '../probes/exec/commands.ts';
import { execForStack } from '../probes/exec/execForStack.ts';
import type { ExecTarget } from '../probes/exec/transport.ts';
import { httpGet } from '../probes/http.ts';
import { awsCheck, outcomeOf } from './awsCheck.ts';
import { failed, passed, skipped } from './check.ts';
import { httpOptions } from './httpEvidence.ts';
import { checkEfsMountTargets } from './rules/efsMountTargets.ts';
import { suiteChecks } from './suiteChecks.ts';

const needsFileSystem: [string, (s: import('../config/schema.ts').Stack) => unknown] = [
  'efs.fileSystemId',
  (s) => s.efs?.fileSystemId,
];

export const stateChecks = suiteChecks(() => {
  awsCheck('efs.mount-targets', [needsFileSystem], async (c) => {
    const lab = c.inventory;
    const fileSystemId = c.stack.efs!.fileSystemId!;
    const [mountTargets, appInstances] = await Promise.all([
      describeMountTargets(lab.clients.efs, fileSystemId),
      lab.appInstances(),
    ]);
    const mountTargetGroupIds = Object.fromEntries(
      await Promise.all(
        mountTargets.map(
          async (target) =>
            [
              target.MountTargetId!,
              await describeMountTargetSecurityGroups(lab.clients.efs, target.MountTargetId!),
            ] as const,
        ),
      ),
    );
    const groupIds = [...Object.values(mountTargetGroupIds).flat(), ...instanceGroupIds(appInstances)];
    const [securityGroups, vpcCidrs] = await Promise.all([
      lab.securityGroups(groupIds),
      c.stack.vpc ? lab.vpcCidrs() : Promise.resolve([]),
    ]);
    return outcomeOf(
      checkEfsMountTargets({
        fileSystemId,
        mountTargets,
        appInstances,
        mountTargetGroupIds,
        securityGroups,
        vpcCidrs,
      }),
      c,
    );
  });

  // A canary written through one instance must be readable through every other: that is what "shared" means.
  awsCheck('efs.shared', [['exec', (s) => s.exec]], async (c) => {
    const mountPath = c.stack.efs?.path;
    if (!mountPath)
      return skipped('efs.path (where EFS is mounted on the instances) is not set in the stack file');
    const instances = (await c.inventory.appInstances()).filter((i) => i.State?.Name === 'running');
    if (instances.length < 2)
      return skipped(`needs at least two running app instances, found ${instances.length}`, 'stack.unmet');
    const { acceptNewHostKey, knownHostsFile } = c.run;
    const exec = execForStack(c.stack, {
      acceptNewHostKey,
      knownHostsFile,
      signing: c.inventory.clients.signing,
    })!;
    const name = `.labdrill-canary-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
    const content = `labdrill-${randomBytes(8).toString('hex')}`;
    const path = `${mountPath.replace(/\/$/, '')}/${name}`;
    const target = (i: (typeof instances)[number]): ExecTarget => ({
      instanceId: i.InstanceId!,
      ...(i.PrivateIpAddress ? { privateIp: i.PrivateIpAddress } : {}),
    });
    const { minCommandTimeoutMs, probeTimeoutMultiple } = defaults.efsShared;
    const timeoutMs = Math.max(minCommandTimeoutMs, c.settings.probe.timeoutMs * probeTimeoutMultiple);
    const [writer, ...readers] = instances;
    const misses: string[] = [];
    // Where the app serves the EFS directory, the canary is fetched over HTTP too (the student's own test in
    // the lab), before the reads through the other instances; the last of those removes it in the same
    // command as it reads it, which on a shared file system removes the writer's file: one command fewer.
    const urlPath = c.stack.efs?.urlPath;
    const urls = urlPath ? (c.stack.ec2?.instanceUrls ?? []) : [];
    let removedThrough: string | null = null;
    try {
      const written = await exec.run(target(writer!), writeFile(path, content), {
        timeoutMs,
        signal: c.signal,
      });
      c.evidence.event(`wrote canary through ${writer!.InstanceId}`, `${path} (exit ${written.exitCode})`);
      if (written.exitCode !== 0) {
        c.evidence.part(
          'written',
          false,
          `exit ${written.exitCode} writing ${path} through ${writer!.InstanceId}`,
        );
        c.evidence.part('read-everywhere', false, 'not judged: the canary could not be written');
        return failed(
          `could not write ${path} through ${writer!.InstanceId}: ${written.stderr.trim() || `exit ${written.exitCode}`}`,
          `mount the EFS file system at ${mountPath} on every app instance (amazon-efs-utils, /etc/fstab)`,
        );
      }
      c.evidence.part('written', true, `${path} written through ${writer!.InstanceId}`);
      for (const base of urls) {
        const url = new URL(`${urlPath!.replace(/\/$/, '')}/${name}`, base).toString();
        const response = await httpGet(url, httpOptions(c.settings));
        const ok = response.status === 200 && response.body.trim() === content;
        c.evidence.excerpt({
          label: `GET canary over HTTP`,
          url,
          status: response.status,
          body: response.body.slice(0, 200),
        });
        if (!ok) misses.push(`${url} (HTTP ${response.status})`);
      }
      for (const [index, reader] of readers.entries()) {
        const removing = index === readers.length - 1;
        const command = removing ? readAndRemoveFile(path, 1024) : readFile(path, 1024);
        const read = await exec.run(target(reader), command, { timeoutMs, signal: c.signal });
        const found = read.stdout.trim() === content;
        const ok = read.exitCode === 0 && found;
        if (removing && ok) removedThrough = reader.InstanceId!;
        c.evidence.event(
          `read${removing ? ' and removed' : ''} through ${reader.InstanceId}`,
          ok ? 'canary found' : `not found (exit ${read.exitCode})`,
        );
        if (!found) misses.push(`${reader.InstanceId} (${reader.Placement?.AvailabilityZone ?? '?'})`);
      }
    } finally {
      // Through the writer unless a reader already removed it: the writer's copy is the one that exists
      // whether or not the file system is shared.
      if (removedThrough === null) {
        const removed = await exec
          .run(target(writer!), removeFile(path), { timeoutMs })
          .catch((error: Error) => error);
        c.evidence.event(
          'removed canary',
          removed instanceof Error ? `failed: ${removed.message}` : `exit ${removed.exitCode}`,
        );
      }
      await exec.close();
    }
    c.evidence.part(
      'read-everywhere',
      misses.length === 0,
      misses.length === 0
        ? `read through ${readers.length} other instance(s)`
        : `not visible through ${misses.join(', ')}`,
    );
    if (misses.length > 0) {
      return failed(
        `a file written through ${writer!.InstanceId} is not visible through ${misses.join(', ')}`,
        `mount the same EFS file system (${c.stack.efs?.fileSystemId ?? 'fs-…'}) at ${mountPath} on every instance instead of a local directory`,
      );
    }
    return passed(
      `a canary written through ${writer!.InstanceId} was read through ${readers.length} other instance(s)`,
    );
  });
});
