import type { Instance, SecurityGroup } from '@aws-sdk/client-ec2';
import type { MountTargetDescription } from '@aws-sdk/client-efs';
import { cidrContainsIp, cidrWithin } from './cidr.ts';
import { joinFixes, type RuleResult, summarize } from './ruleResult.ts';
import { sourcesForPort } from './securityGroupRules.ts';

// efs.mount-targets: an available mount target in every AZ that has app instances, and (when the security
// groups were read) each mount target lets NFS (2049) in from the app instances.

export interface EfsMountTargetsInput {
  fileSystemId: string;
  mountTargets: readonly MountTargetDescription[];
  appInstances: readonly Instance[];
  /** Security group ids of each mount target (DescribeMountTargetSecurityGroups), when readable. */
  mountTargetGroupIds?: Readonly<Record<string, readonly string[]>>;
  securityGroups?: readonly SecurityGroup[];
  vpcCidrs?: readonly string[];
}

const NFS = 2049;

export function checkEfsMountTargets(input: EfsMountTargetsInput): RuleResult {
  const appZones = [
    ...new Set(input.appInstances.map((i) => i.Placement?.AvailabilityZone ?? 'unknown AZ')),
  ].sort();
  const available = input.mountTargets.filter((mt) => mt.LifeCycleState === 'available');
  const targetZones = new Set(available.map((mt) => mt.AvailabilityZoneName ?? ''));
  const problems: string[] = [];
  const fixes: string[] = [];
  for (const az of appZones) {
    if (targetZones.has(az)) continue;
    const pending = input.mountTargets.find((mt) => mt.AvailabilityZoneName === az);
    problems.push(
      pending
        ? `the mount target in ${az} (${pending.MountTargetId}) is ${pending.LifeCycleState}`
        : `app instances run in ${az} but ${input.fileSystemId} has no mount target there`,
    );
    fixes.push(`create a mount target for ${input.fileSystemId} in the private subnet of ${az}`);
  }

  const groupsById = new Map((input.securityGroups ?? []).map((g) => [g.GroupId ?? '', g]));
  const appGroupIds = new Set(
    input.appInstances.flatMap((i) => (i.SecurityGroups ?? []).map((g) => g.GroupId ?? '')),
  );
  const appIps = input.appInstances.map((i) => i.PrivateIpAddress).filter((ip): ip is string => Boolean(ip));
  const nfsChecked: { [mountTarget: string]: string } = {};
  if (input.mountTargetGroupIds && input.securityGroups) {
    for (const mt of available) {
      const ids = input.mountTargetGroupIds[mt.MountTargetId ?? ''];
      if (!ids) continue;
      const sources = sourcesForPort(
        ids.map((id) => groupsById.get(id)).filter((g): g is SecurityGroup => g !== undefined),
        NFS,
      );
      const reachable = sources.some((source) =>
        source.kind === 'group'
          ? appGroupIds.has(source.value)
          : appIps.length > 0
            ? appIps.every((ip) => cidrContainsIp(source.value, ip))
            : (input.vpcCidrs ?? []).some((vpc) => cidrWithin(vpc, source.value)),
      );
      nfsChecked[mt.MountTargetId ?? ''] = reachable
        ? 'NFS allowed from the app'
        : 'NFS not allowed from the app';
      if (!reachable) {
        problems.push(
          `the security group(s) ${ids.join(', ')} of mount target ${mt.MountTargetId} (${mt.AvailabilityZoneName}) do not let NFS (2049) in from the app instances`,
        );
        fixes.push(
          'add an inbound rule NFS 2049 from the app security group (or the VPC CIDR) to the EFS security group',
        );
      }
    }
  }
  const details = {
    fileSystemId: input.fileSystemId,
    appZones,
    mountTargets: input.mountTargets.map((mt) => ({
      id: mt.MountTargetId ?? '',
      az: mt.AvailabilityZoneName ?? '',
      subnetId: mt.SubnetId ?? '',
      ip: mt.IpAddress ?? '',
      state: mt.LifeCycleState ?? '',
    })),
    nfs: nfsChecked,
  };
  if (appZones.length === 0)
    return { ok: false, reason: 'no app instances to compare the mount targets with', details };
  if (problems.length > 0) {
    const fix = joinFixes(fixes);
    return { ok: false, reason: summarize(problems), ...(fix ? { fix } : {}), details };
  }
  const nfsPart = Object.keys(nfsChecked).length > 0 ? '; each lets NFS in from the app' : '';
  return {
    ok: true,
    reason: `${input.fileSystemId} has an available mount target in ${appZones.join(', ')}${nfsPart}`,
    details,
  };
}
