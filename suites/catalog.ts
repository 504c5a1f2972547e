import type { CheckKind, Need } from '../reports/evidence.ts';

// The check catalog. Ids are an interface (reports, rubrics, --only): spell them exactly as the design does.

export interface CatalogEntry {
  id: string;
  title: string;
  kind: CheckKind;
  needs: Need[];
  /** The lab part; also the suite file that holds the check (suites/<part>.probes.ts or .drills.ts). */
  part: 's3' | 'cloudfront' | 'network' | 'ec2' | 'efs' | 'alb' | 'rds' | 'asg' | 'dns';
  /** A probe that observes what a drill leaves behind: it lives in the drills file and runs after it. */
  afterDrills?: true;
  proves: string;
  /**
   * What the check writes to the stack, for every check that writes anything (drills and the few probes
   * that must), and how it is put back or removed. Every other check only reads.
   */
  writes?: string;
  /**
   * The check's named parts, each judged on its own and recorded in evidence.parts, so that a rubric can give
   * partial credit (`parts: { every-target: 2, … }`). Names are an interface, like check ids.
   */
  parts?: readonly string[];
}

export const catalog: readonly CatalogEntry[] = [
  {
    id: 's3.website.public-read',
    title: 'S3 website serves the lab page',
    kind: 'probe',
    needs: ['http'],
    part: 's3',
    proves: 'the S3 website endpoint serves the lab page with 200 to an anonymous client',
  },
  {
    id: 's3.policy.least-privilege',
    title: 'The bucket policy grants only public reads',
    kind: 'probe',
    needs: ['aws'],
    part: 's3',
    proves:
      'the policy grants only s3:GetObject to "*" on arn:aws:s3:::BUCKET/*, and Block Public Access settings are consistent with it',
  },
  {
    id: 's3.website.deny-then-allow',
    title: 'S3 website: 403 without the policy, 200 with it',
    kind: 'drill',
    needs: ['aws', 'http'],
    part: 's3',
    proves:
      'with the bucket policy removed the website answers 403 AccessDenied; restored, 200 again; the policy is byte-identical afterwards',
    writes: 'removes the bucket policy, then puts it back byte-identical (journalled)',
    parts: ['denied-403', 'allowed-200', 'policy-identical'],
  },
  {
    id: 'cf.cache.hit',
    title: 'CloudFront serves cache hits',
    kind: 'probe',
    needs: ['http'],
    part: 'cloudfront',
    proves:
      'a repeated GET through CloudFront is a "Hit from cloudfront", with Via naming CloudFront and an Age',
    parts: ['hit', 'via-cloudfront', 'age'],
  },
  {
    id: 'cf.origin',
    title: 'CloudFront fronts the lab bucket',
    kind: 'probe',
    needs: ['aws'],
    part: 'cloudfront',
    proves: "the distribution origin is the lab bucket's website endpoint and a default root object is set",
    parts: ['origin-bucket', 'default-root-object'],
  },
  {
    id: 'cf.speedup',
    title: 'CloudFront vs S3 time to first byte (informational)',
    kind: 'probe',
    needs: ['http'],
    part: 'cloudfront',
    proves:
      'reports the median TTFB of the S3 website and of CloudFront over k pairs of requests sent together, and their ratio',
  },
  {
    id: 'net.vpc.layout',
    title: 'The VPC spans two AZs',
    kind: 'probe',
    needs: ['aws'],
    part: 'network',
    proves: 'public and private subnets exist in at least two AZs',
    parts: ['public-two-azs', 'private-two-azs'],
  },
  {
    id: 'net.routes',
    title: 'Routes: IGW for public, a NAT per AZ for private',
    kind: 'probe',
    needs: ['aws'],
    part: 'network',
    proves:
      'public subnets route 0.0.0.0/0 to an internet gateway; each private subnet to a NAT gateway in its own AZ',
    parts: ['public-igw', 'private-nat-same-az'],
  },
  {
    id: 'net.private.no-public-ip',
    title: 'App servers have no public IP',
    kind: 'probe',
    needs: ['aws'],
    part: 'network',
    proves: 'the app instances have no public IP address',
  },
  {
    id: 'net.sg.least-privilege',
    title: 'Security groups open only what the lab needs',
    kind: 'probe',
    needs: ['aws'],
    part: 'network',
    proves:
      'the app SG takes HTTP from the ALB SG, the DB SG takes 3306 only from the VPC or the app SG; SSH open to the world is flagged',
    parts: ['app-from-alb', 'db-from-vpc-or-app', 'no-world-ssh'],
  },
  {
    id: 'ec2.app.page',
    title: 'Every app server renders the lab page',
    kind: 'probe',
    needs: ['http'],
    part: 'ec2',
    proves:
      'every instance page shows instance id, AZ and private IP, no "Failed to connect to MySQL", and the same rows of table SAMPLE (those in the database, when rds.sql gives access); as many instances answer as AWS registers (or expect.appInstances)',
    parts: ['metadata', 'no-db-error', 'sample-rows', 'every-instance'],
  },
  {
    id: 'efs.shared',
    title: 'EFS is shared between the app servers',
    kind: 'probe',
    needs: ['exec'],
    part: 'efs',
    proves:
      'a unique canary written through one instance is read through every other instance (and over HTTP where served), then removed',
    writes: 'a canary file under efs.path through one instance, removed afterwards',
    parts: ['written', 'read-everywhere'],
  },
  {
    id: 'efs.mount-targets',
    title: 'EFS has a mount target in every app AZ',
    kind: 'probe',
    needs: ['aws'],
    part: 'efs',
    proves: 'the file system has an available mount target in every AZ that has app instances',
  },
  {
    id: 'alb.targets.healthy',
    title: 'Every ALB target is healthy',
    kind: 'probe',
    needs: ['aws'],
    part: 'alb',
    proves: 'every registered target is healthy, with at least one healthy target per AZ',
    parts: ['all-healthy', 'healthy-per-az'],
  },
  {
    id: 'alb.round-robin',
    title: 'The ALB spreads requests over every target and both AZs',
    kind: 'probe',
    needs: ['http'],
    part: 'alb',
    proves:
      'N requests through the ALB reach every healthy target and both AZs, with shares consistent with round robin (chi-square test, N chosen for power, stopping early once clearly even), and no 5xx',
    parts: ['every-target', 'both-azs', 'even-shares'],
  },
  {
    id: 'alb.placement',
    title: 'The ALB is internet-facing in public subnets',
    kind: 'probe',
    needs: ['aws'],
    part: 'alb',
    proves: 'the load balancer is internet-facing in public subnets and its targets are in private subnets',
    parts: ['public-subnets', 'private-targets'],
  },
  {
    id: 'rds.multi-az',
    title: 'RDS is Multi-AZ, private and backed up',
    kind: 'probe',
    needs: ['aws'],
    part: 'rds',
    proves:
      'MultiAZ is true with a secondary AZ, the instance is not publicly accessible, and backups are on',
    parts: ['multi-az', 'not-public', 'backups'],
  },
  {
    id: 'rds.replica.lag',
    title: 'Rows written on the primary reach the read replica in time',
    kind: 'probe',
    needs: ['sql'],
    part: 'rds',
    proves:
      'marker rows written on the primary become visible on the read replica with lag p50/p95 under the threshold; CloudWatch ReplicaLag reported beside it (-1: replication not running)',
    writes:
      "marker rows in its own table labdrill_replica_marker on the primary; the rows are deleted, and the table dropped once no other run's rows are in it",
    parts: ['replicates', 'lag-under-threshold'],
  },
  {
    id: 'rds.failover.drill',
    title: 'RDS Multi-AZ: reboot with failover',
    kind: 'drill',
    needs: ['aws', 'sql'],
    part: 'rds',
    proves:
      'reboot with failover moves the endpoint to the old standby, AZ and secondary AZ swap, the app answers again within the RTO and no acknowledged write is lost; DNS swap time and downtime measured',
    writes:
      'reboots the instance with failover (cannot be undone); heartbeat rows in labdrill_heartbeat, a journalled table dropped at rollback',
    parts: ['endpoint-moved', 'no-write-lost', 'within-rto'],
  },
  {
    id: 'aurora.failover.drill',
    title: 'Aurora: FailoverDBCluster moves the writer',
    kind: 'drill',
    needs: ['aws', 'sql'],
    part: 'rds',
    proves:
      'FailoverDBCluster makes another instance the writer and the writer endpoint follows it; no acknowledged write is lost; DNS swap time and downtime measured',
    writes:
      'fails the cluster over to its reader (cannot be undone); heartbeat rows in labdrill_heartbeat, a journalled table dropped at rollback',
    parts: ['writer-moved', 'no-write-lost', 'within-rto'],
  },
  {
    id: 'asg.config',
    title: 'The Auto Scaling group is set up as in the lab',
    kind: 'probe',
    needs: ['aws'],
    part: 'asg',
    proves:
      "min/desired/max, launch template and version, private subnets in two AZs, attached target group, ELB health checks, a target-tracking CPU policy at the lab's target (expect.asg; 2/2/4 and 7% by default)",
    parts: ['sizes', 'launch-template', 'private-two-azs', 'target-group', 'elb-health-check', 'cpu-policy'],
  },
  {
    id: 'asg.scale-out.drill',
    title: 'Load through the ALB scales the group out',
    kind: 'drill',
    needs: ['aws', 'http'],
    part: 'asg',
    proves:
      'load through the ALB lifts average CPU past the policy target; desired capacity rises; the new instances are InService and healthy in the target group; the load stops; the timeline is recorded',
    writes:
      'load through the ALB, which makes the policy raise desired capacity; min/desired/max are put back (journalled) unless asg.scale-in.observe watches the policy scale in',
    parts: ['alarm-fired', 'desired-rose', 'new-instances-healthy'],
  },
  {
    id: 'asg.scale-in.observe',
    title: 'After the load the group scales back in (long; asg.observeScaleIn)',
    kind: 'probe',
    needs: ['aws'],
    part: 'asg',
    proves: 'after the load, capacity returns to the minimum; which instances were terminated and why',
    afterDrills: true,
  },
  {
    id: 'asg.self-heal.drill',
    title: 'The group replaces a lost instance while the ALB keeps serving',
    kind: 'drill',
    needs: ['aws', 'http'],
    part: 'asg',
    proves:
      'one instance terminated (or stopped) → the group replaces it and the ALB keeps serving; replacement time and error window measured',
    writes:
      'terminates (or stops) one instance of the group, which the group replaces; a stopped one is started again (journalled)',
    parts: ['replaced', 'kept-serving'],
  },
  {
    id: 'dns.custom-domain',
    title: 'The custom domain points at the ALB',
    kind: 'probe',
    needs: ['dns'],
    part: 'dns',
    proves: 'the custom domain resolves (CNAME or alias) to the load balancer',
  },
];

export const checkIds: readonly string[] = catalog.map((entry) => entry.id);

/** The suite file that holds a check. */
export function suiteFileOf(entry: CatalogEntry): string {
  return `suites/${entry.part}.${entry.kind === 'drill' || entry.afterDrills ? 'drills' : 'probes'}.ts`;
}

export function catalogEntry(id: string): CatalogEntry {
  const entry = catalog.find((candidate) => candidate.id === id);
  if (!entry) throw new Error(`check id '${id}' is not in the catalog`);
  return entry;
}
