import type { FileSystemDescription, MountTargetDescription } from '@aws-sdk/client-efs';
import { describeFileSystems, describeMountTargets } from '../probes/aws/efs.ts';
import type { Stack } from '../config/schema.ts';
import { chooseCandidate, listNames } from './chooseCandidate.ts';
import type { DiscoveryContext } from './discoveryContext.ts';
import type { FoundVpc } from './findVpc.ts';
import { describeSelector, seedName, selectorMatches, tagsOf } from '../config/discoverySelector.ts';

// The lab's EFS file system: one with mount targets in the VPC. Where it is mounted cannot be read from
// AWS; the lab's defaults are written and said to be defaults.

/** Mount targets are read for at most this many file systems (one call each). */
const maxFileSystemsRead = 25;

export const efsDefaults = { path: '/var/www/html/efs', urlPath: '/efs/' } as const;

interface Candidate {
  fileSystem: FileSystemDescription;
  mountTargets: MountTargetDescription[];
}

export async function findFileSystem(
  context: DiscoveryContext,
  vpc: FoundVpc,
  vpcSubnetIds: ReadonlySet<string>,
): Promise<NonNullable<Stack['efs']> | undefined> {
  const { selector } = context;
  const { efs } = context.clients;
  const all = (await describeFileSystems(efs)).filter(
    (fs) => fs.FileSystemId && fs.LifeCycleState !== 'deleting' && fs.LifeCycleState !== 'deleted',
  );
  const matches = (fs: FileSystemDescription) =>
    selectorMatches(selector, { name: fs.Name, tags: tagsOf(fs.Tags) });
  // Read the likely ones first when there are many.
  const ordered = [...all.filter(matches), ...all.filter((fs) => !matches(fs))];
  const read = ordered.slice(0, maxFileSystemsRead);
  const candidates: Candidate[] = [];
  for (const fileSystem of read) {
    if ((fileSystem.NumberOfMountTargets ?? 1) === 0) continue;
    const mountTargets = (await describeMountTargets(efs, fileSystem.FileSystemId!)).filter(
      (mt) => mt.VpcId === vpc.id || (mt.SubnetId !== undefined && vpcSubnetIds.has(mt.SubnetId)),
    );
    if (mountTargets.length > 0) candidates.push({ fileSystem, mountTargets });
  }
  const seed = seedName(selector, '-efs');
  const choice = chooseCandidate(candidates, [
    { label: describeSelector(selector), test: (c) => matches(c.fileSystem) },
    ...(seed ? [{ label: `named ${seed}`, test: (c: Candidate) => c.fileSystem.Name === seed }] : []),
    {
      label: 'mount targets in two or more AZs',
      test: (c) => new Set(c.mountTargets.map((mt) => mt.AvailabilityZoneName ?? mt.SubnetId)).size >= 2,
    },
  ]);
  if (choice.kind !== 'chosen') {
    const skipped =
      ordered.length > read.length ? ` (read ${read.length} of ${ordered.length} file systems)` : '';
    context.notes.push({
      section: 'efs',
      field: 'efs.fileSystemId',
      text:
        choice.kind === 'ambiguous'
          ? `efs: several file systems have mount targets in ${vpc.id} (${listNames(choice.items.map((c) => `${c.fileSystem.FileSystemId} ${c.fileSystem.Name ?? ''}`.trim()))}); set efs.fileSystemId`
          : `efs: no file system with a mount target in ${vpc.id}${skipped} — set efs.fileSystemId`,
    });
    return undefined;
  }
  context.notes.push({
    section: 'efs',
    text: `efs: path and urlPath are the lab's defaults; change them if EFS is mounted elsewhere (seed 003 mounts all of /var/www/html)`,
  });
  return { fileSystemId: choice.item.fileSystem.FileSystemId!, ...efsDefaults };
}
