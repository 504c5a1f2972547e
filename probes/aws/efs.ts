// Read-only EFS: file systems, their mount targets, and each mount target's security groups.

import {
  DescribeMountTargetSecurityGroupsCommand,
  type EFSClient,
  type FileSystemDescription,
  type MountTargetDescription,
  paginateDescribeFileSystems,
  paginateDescribeMountTargets,
} from '@aws-sdk/client-efs';
import { awsCall, awsPaged } from './awsCall.ts';

/** One file system by id, or every file system of the account and region when `fileSystemId` is omitted. */
export function describeFileSystems(efs: EFSClient, fileSystemId?: string): Promise<FileSystemDescription[]> {
  return awsPaged(
    efs,
    paginateDescribeFileSystems,
    fileSystemId ? { FileSystemId: fileSystemId } : {},
    (page) => page.FileSystems,
    { subject: `EFS file system '${fileSystemId ?? '*'}'`, ...(fileSystemId ? {} : { pageSize: 100 }) },
  );
}

export function describeMountTargets(
  efs: EFSClient,
  fileSystemId: string,
): Promise<MountTargetDescription[]> {
  return awsPaged(
    efs,
    paginateDescribeMountTargets,
    { FileSystemId: fileSystemId },
    (page) => page.MountTargets,
    {
      subject: `EFS file system '${fileSystemId}'`,
    },
  );
}

export async function describeMountTargetSecurityGroups(
  efs: EFSClient,
  mountTargetId: string,
): Promise<string[]> {
  const output = await awsCall(
    efs,
    new DescribeMountTargetSecurityGroupsCommand({ MountTargetId: mountTargetId }),
    {
      subject: `EFS mount target '${mountTargetId}'`,
    },
  );
  return output.SecurityGroups ?? [];
}
