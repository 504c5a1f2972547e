import { describeSubnets } from '../probes/aws/ec2.ts';
import { getCallerIdentity } from '../probes/aws/sts.ts';
import type { Stack } from '../config/schema.ts';
import type { DiscoveryContext } from './discoveryContext.ts';
import type { DiscoveryNote } from './discoveryNotes.ts';
import { findAutoScalingGroup } from './findAutoScalingGroup.ts';
import { findDatabase } from './findDatabase.ts';
import { findExec } from './findExec.ts';
import { findFileSystem } from './findFileSystem.ts';
import { findLoadBalancer } from './findLoadBalancer.ts';
import { findLabVpc } from './findVpc.ts';
import { findWebsite } from './findWebsite.ts';

// Reads the lab from the AWS APIs (read-only) into a stack: the account first (bad credentials stop
// here, with one line), then the VPC and what lives in it, beside the bucket and distribution.

export interface Discovery {
  stack: Stack;
  notes: DiscoveryNote[];
}

export async function discoverLab(
  context: DiscoveryContext,
  stackBase: { name: string; profile?: string },
): Promise<Discovery> {
  const identity = await getCallerIdentity(context.clients.sts);
  const website = findWebsite(context);
  // Both branches run at once; the website branch must not be left unobserved if the VPC branch throws.
  website.catch(() => {});

  const stack: Stack = {
    name: stackBase.name,
    region: context.region,
    aws: {
      ...(stackBase.profile ? { profile: stackBase.profile } : {}),
      ...(/^\d{12}$/.test(identity.account) ? { expectAccount: identity.account } : {}),
    },
  };
  const vpc = await findLabVpc(context);
  if (vpc) {
    stack.vpc = { id: vpc.id, ...(vpc.name ? { name: vpc.name } : {}) };
    const subnetIds = new Set(
      (await describeSubnets(context.clients.ec2, vpc.id)).map((s) => s.SubnetId ?? '').filter(Boolean),
    );
    const [alb, rds, efs] = await Promise.all([
      findLoadBalancer(context, vpc),
      findDatabase(context, vpc),
      findFileSystem(context, vpc, subnetIds),
    ]);
    const asg = await findAutoScalingGroup(context, vpc, subnetIds, alb?.targetGroupArns ?? []);
    if (alb) stack.alb = alb.section;
    if (asg) stack.asg = { name: asg.name };
    if (rds) stack.rds = rds;
    if (efs) stack.efs = efs;
    const appInstanceIds = [...new Set([...(alb?.targetInstanceIds ?? []), ...(asg?.instanceIds ?? [])])];
    const exec = await findExec(context, appInstanceIds);
    if (exec) stack.exec = exec;
  } else {
    context.notes.push({
      section: 'exec',
      field: 'exec',
      text: 'exec: not looked for without the VPC — set exec: { via: ssm } or { via: ssh, user: ec2-user, key: … } with ec2.bastion',
    });
  }
  const { s3, cloudfront } = await website;
  if (s3) stack.s3 = s3;
  if (cloudfront) stack.cloudfront = cloudfront;
  context.notes.push({
    section: 'dns',
    field: 'dns.customDomain',
    text: 'dns: not discovered (Route 53 is not read) — set dns.customDomain if the lab has one (seed 003: dev.DOMAIN)',
  });
  if (Object.keys(stack.aws ?? {}).length === 0) delete stack.aws;
  return { stack, notes: context.notes };
}
