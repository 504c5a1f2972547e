import { describe, expect, it } from 'vitest';
import { catalogEntry } from '../../../suites/catalog.ts';
import { checkAlbTargets } from '../../../suites/rules/albTargets.ts';
import { asgExpectationsOf, checkAsgConfig } from '../../../suites/rules/asgConfig.ts';
import { checkCfOrigin } from '../../../suites/rules/cfOrigin.ts';
import { checkEfsMountTargets } from '../../../suites/rules/efsMountTargets.ts';
import { checkRdsMultiAz } from '../../../suites/rules/rdsMultiAz.ts';
import type { RuleResult } from '../../../suites/rules/ruleResult.ts';
import { checkS3PolicyLeastPrivilege } from '../../../suites/rules/s3PolicyLeastPrivilege.ts';
import { healthyLab } from './healthyLab.ts';

describe('alb.targets.healthy', () => {
  it('passes two healthy targets in two AZs', () => {
    const lab = healthyLab();
    const result = checkAlbTargets({ targetHealth: lab.targetHealth, zoneOfTarget: lab.zoneOfTarget });
    expect(result.ok).toBe(true);
    expect(result.reason).toBe('all 2 targets healthy: 1 in ap-northeast-2a, 1 in ap-northeast-2c');
  });

  it('target-unhealthy: names the target, its reason code and description', () => {
    const lab = healthyLab();
    lab.targetHealth[1]!.TargetHealth = {
      State: 'unhealthy',
      Reason: 'Target.ResponseCodeMismatch',
      Description: 'Health checks failed with these codes: [500]',
    };
    const result = checkAlbTargets({ targetHealth: lab.targetHealth, zoneOfTarget: lab.zoneOfTarget });
    expect(result.ok).toBe(false);
    expect(result.reason).toBe(
      '1 of 2 targets are not healthy: i-0ccc2222cccc2222c (ap-northeast-2c) is unhealthy: Target.ResponseCodeMismatch "Health checks failed with these codes: [500]"; no healthy target in ap-northeast-2c',
    );
  });

  it('fails healthy targets that all sit in one AZ, and an empty target group', () => {
    const lab = healthyLab();
    const result = checkAlbTargets({
      targetHealth: lab.targetHealth,
      zoneOfTarget: { 'i-0aaa1111aaaa1111a': 'ap-northeast-2a', 'i-0ccc2222cccc2222c': 'ap-northeast-2a' },
    });
    expect(result.ok).toBe(false);
    expect(result.reason).toContain('all 2 targets are in ap-northeast-2a');
    expect(checkAlbTargets({ targetHealth: [], zoneOfTarget: {} }).reason).toContain('no targets');
  });

  it("names the stack's own other AZ in the fix, whatever the region", () => {
    const lab = healthyLab();
    const result = checkAlbTargets({
      targetHealth: lab.targetHealth,
      zoneOfTarget: { 'i-0aaa1111aaaa1111a': 'eu-west-1b', 'i-0ccc2222cccc2222c': 'eu-west-1b' },
      loadBalancerZones: ['eu-west-1a', 'eu-west-1b'],
    });
    expect(result.fix).toBe(
      "register an app instance from the load balancer's other AZ (eu-west-1a) in the target group",
    );
    expect(result.fix).not.toContain('ap-northeast-2');
  });
});

describe('efs.mount-targets', () => {
  const input = (lab = healthyLab()) => ({
    fileSystemId: 'fs-0lab',
    mountTargets: lab.mountTargets,
    appInstances: lab.appInstances,
    mountTargetGroupIds: { 'fsmt-0a': ['sg-0efs'], 'fsmt-0c': ['sg-0efs'] },
    securityGroups: lab.securityGroups,
    vpcCidrs: ['10.1.0.0/16'],
  });

  it('passes a mount target per AZ that lets NFS in from the app group', () => {
    const result = checkEfsMountTargets(input());
    expect(result.ok).toBe(true);
    expect(result.reason).toBe(
      'fs-0lab has an available mount target in ap-northeast-2a, ap-northeast-2c; each lets NFS in from the app',
    );
  });

  it('fails an AZ without a mount target and an EFS group that does not allow NFS', () => {
    const lab = healthyLab();
    lab.mountTargets.pop();
    expect(checkEfsMountTargets(input(lab)).reason).toBe(
      'app instances run in ap-northeast-2c but fs-0lab has no mount target there',
    );
    const lab2 = healthyLab();
    lab2.securityGroups.find((g) => g.GroupId === 'sg-0efs')!.IpPermissions = [
      { IpProtocol: 'tcp', FromPort: 2049, ToPort: 2049, IpRanges: [{ CidrIp: '10.1.3.0/24' }] },
    ];
    const result = checkEfsMountTargets(input(lab2));
    expect(result.ok).toBe(false);
    expect(result.reason).toContain('do not let NFS (2049) in');
  });
});

describe('asg.config', () => {
  const input = (lab = healthyLab()) => ({
    group: lab.group,
    policies: lab.policies,
    subnets: lab.subnets,
    routeTables: lab.routeTables,
  });

  it('passes the lab group and reports the CPU target', () => {
    const result = checkAsgConfig(input());
    expect(result.ok).toBe(true);
    expect(result.reason).toContain('min 2 / desired 2 / max 4, lab-vpc-lt version 2');
    expect(result.reason).toContain('CPU target 7%');
    expect(result.details.cpuPolicy).toEqual({ name: 'lab-policy-01', targetValue: 7 });
  });

  it('asg-one-subnet: an AZ outage would take every instance down', () => {
    const lab = healthyLab();
    lab.group.VPCZoneIdentifier = 'subnet-0va1';
    const result = checkAsgConfig(input(lab));
    expect(result.ok).toBe(false);
    expect(result.reason).toBe(
      'lab-vpc-asg launches only into private-subnet-a1 (subnet-0va1) (ap-northeast-2a); an AZ outage would take every instance down',
    );
  });

  it('reads HealthCheckType as the comma-separated list AWS documents', () => {
    for (const types of ['ELB', 'ELB,EBS', 'EC2,ELB', 'EBS, ELB, VPC_LATTICE']) {
      const lab = healthyLab();
      lab.group.HealthCheckType = types;
      expect(checkAsgConfig(input(lab)).ok, types).toBe(true);
    }
    for (const types of ['EC2', 'EBS', 'EC2,EBS,VPC_LATTICE']) {
      const lab = healthyLab();
      lab.group.HealthCheckType = types;
      const result = checkAsgConfig(input(lab));
      expect(result.ok, types).toBe(false);
      expect(result.reason).toContain(`uses ${types} health checks`);
    }
  });

  it('fails a group that cannot scale, EC2 health checks, no target group and no CPU policy', () => {
    const lab = healthyLab();
    Object.assign(lab.group, {
      MinSize: 2,
      DesiredCapacity: 2,
      MaxSize: 2,
      HealthCheckType: 'EC2',
      TargetGroupARNs: [],
    });
    const result = checkAsgConfig({
      ...input(lab),
      policies: [{ PolicyName: 'step', PolicyType: 'StepScaling' }],
    });
    expect(result.ok).toBe(false);
    expect(result.reason).toContain('cannot scale out');
    expect(result.reason).toContain('and 3 more problems');
    expect(checkAsgConfig({ ...input(), expected: { min: 1, desired: 1, max: 3 } }).reason).toContain(
      'the lab uses min 1',
    );
  });
});

describe('rds.multi-az', () => {
  it('passes the lab instance and its replica', () => {
    const lab = healthyLab();
    const result = checkRdsMultiAz({ instance: lab.dbInstance, replica: lab.replica });
    expect(result.ok).toBe(true);
    expect(result.reason).toBe(
      'lab-vpc-rds is Multi-AZ (primary ap-northeast-2a, standby ap-northeast-2c), private, backups 7 days; replica lab-vpc-rds-rr replicates from it',
    );
  });

  it('rds-single-az: no standby to fail over to', () => {
    const lab = healthyLab();
    lab.dbInstance.MultiAZ = false;
    lab.dbInstance.SecondaryAvailabilityZone = undefined;
    const result = checkRdsMultiAz({ instance: lab.dbInstance });
    expect(result.ok).toBe(false);
    expect(result.reason).toBe('lab-vpc-rds is a Single-AZ deployment: there is no standby to fail over to');
  });

  it('rds-public: publicly accessible fails; so do no backups and a replica of another source', () => {
    const lab = healthyLab();
    lab.dbInstance.PubliclyAccessible = true;
    expect(checkRdsMultiAz({ instance: lab.dbInstance }).reason).toBe('lab-vpc-rds is publicly accessible');
    const lab2 = healthyLab();
    lab2.dbInstance.BackupRetentionPeriod = 0;
    lab2.replica.ReadReplicaSourceDBInstanceIdentifier = 'other-db';
    const result = checkRdsMultiAz({ instance: lab2.dbInstance, replica: lab2.replica });
    expect(result.reason).toContain('automated backups off');
    expect(result.fix).toContain('Create read replica');
  });
});

describe('s3.policy.least-privilege', () => {
  const input = (policy: object | null, bpa = healthyLab().publicAccessBlock) => ({
    bucket: 'lab-s3-web-hosting',
    policyText: policy === null ? null : JSON.stringify(policy),
    publicAccessBlock: bpa,
  });
  const statement = (extra: object) => ({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: '*', ...extra }],
  });

  it('passes the lab policy', () => {
    const lab = healthyLab();
    const result = checkS3PolicyLeastPrivilege({
      bucket: lab.bucket,
      policyText: lab.policyText,
      publicAccessBlock: lab.publicAccessBlock,
    });
    expect(result.ok).toBe(true);
  });

  it('flags s3:* and write actions granted to everyone', () => {
    const result = checkS3PolicyLeastPrivilege(
      input(statement({ Sid: 'All', Action: 's3:*', Resource: 'arn:aws:s3:::lab-s3-web-hosting/*' })),
    );
    expect(result.ok).toBe(false);
    expect(result.reason).toBe(
      'statement "All" lets anyone on the internet s3:*: they could overwrite or delete the site',
    );
    const put = checkS3PolicyLeastPrivilege(
      input(
        statement({
          Action: ['s3:GetObject', 's3:PutObject'],
          Resource: 'arn:aws:s3:::lab-s3-web-hosting/*',
        }),
      ),
    );
    expect(put.reason).toContain('s3:PutObject');
  });

  it('flags Resource "*" and the bucket-level ARN', () => {
    const star = checkS3PolicyLeastPrivilege(input(statement({ Action: 's3:GetObject', Resource: '*' })));
    expect(star.reason).toContain('"*" (every bucket)');
    const bucketLevel = checkS3PolicyLeastPrivilege(
      input(
        statement({
          Action: 's3:GetObject',
          Resource: ['arn:aws:s3:::lab-s3-web-hosting', 'arn:aws:s3:::lab-s3-web-hosting/*'],
        }),
      ),
    );
    expect(bucketLevel.reason).toContain('the bucket itself, not its objects');
  });

  it('accepts Deny statements and grants to named principals', () => {
    const policy = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: '*',
          Action: 's3:GetObject',
          Resource: 'arn:aws:s3:::lab-s3-web-hosting/*',
        },
        {
          Effect: 'Deny',
          Principal: '*',
          Action: 's3:*',
          Resource: '*',
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        },
        {
          Effect: 'Allow',
          Principal: { AWS: 'arn:aws:iam::123456789012:role/admin' },
          Action: 's3:*',
          Resource: '*',
        },
      ],
    };
    expect(checkS3PolicyLeastPrivilege(input(policy)).ok).toBe(true);
  });

  it('fails a missing policy, an invalid one, and Block Public Access that cancels the policy', () => {
    expect(checkS3PolicyLeastPrivilege(input(null)).reason).toContain('has no bucket policy');
    expect(checkS3PolicyLeastPrivilege({ ...input(null), policyText: '{"Statement": [' }).reason).toContain(
      'not valid JSON',
    );
    const blocked = checkS3PolicyLeastPrivilege(
      input(statement({ Action: 's3:GetObject', Resource: 'arn:aws:s3:::lab-s3-web-hosting/*' }), {
        BlockPublicAcls: true,
        IgnorePublicAcls: true,
        BlockPublicPolicy: true,
        RestrictPublicBuckets: true,
      }),
    );
    expect(blocked.ok).toBe(false);
    expect(blocked.reason).toContain(
      'Block Public Access (BlockPublicPolicy and RestrictPublicBuckets) is on',
    );
  });
});

describe('cf.origin', () => {
  const input = (lab = healthyLab()) => ({
    distribution: lab.distribution,
    bucket: lab.bucket,
    region: 'ap-northeast-2',
  });

  it('passes the website endpoint origin with a default root object', () => {
    const result = checkCfOrigin(input());
    expect(result.ok).toBe(true);
    expect(result.reason).toContain('website endpoint');
    expect(result.notes).toEqual([]);
  });

  it('notes a REST endpoint origin, fails another origin and a missing root object', () => {
    const lab = healthyLab();
    const origin = lab.distribution.DistributionConfig!.Origins!.Items![0]!;
    origin.DomainName = 'lab-s3-web-hosting.s3.ap-northeast-2.amazonaws.com';
    const rest = checkCfOrigin(input(lab));
    expect(rest.ok).toBe(true);
    expect(rest.notes?.[0]).toContain('REST endpoint');
    origin.DomainName = 'other-bucket.s3-website.ap-northeast-2.amazonaws.com';
    lab.distribution.DistributionConfig!.DefaultRootObject = '';
    lab.distribution.Status = 'InProgress';
    const result = checkCfOrigin(input(lab));
    expect(result.ok).toBe(false);
    expect(result.reason).toBe(
      'E2QWRUHAPOMQZL does not use bucket lab-s3-web-hosting as origin (origins: other-bucket.s3-website.ap-northeast-2.amazonaws.com) (and 2 more problems)',
    );
    expect(result.fix).toContain('Default root object');
  });
});

/** A rule's parts as name → passed: what a rubric's partial credit reads. */
const passedParts = (result: RuleResult) =>
  Object.fromEntries((result.parts ?? []).map((part) => [part.name, part.passed]));

describe('parts of the service rules', () => {
  const asgInput = (lab = healthyLab()) => ({
    group: lab.group,
    policies: lab.policies,
    subnets: lab.subnets,
    routeTables: lab.routeTables,
  });
  const cfInput = (lab = healthyLab()) => ({
    distribution: lab.distribution,
    bucket: lab.bucket,
    region: 'ap-northeast-2',
  });

  it('every part of a passing rule passed, under the names of the catalog', () => {
    const lab = healthyLab();
    const results: [string, RuleResult][] = [
      [
        'alb.targets.healthy',
        checkAlbTargets({ targetHealth: lab.targetHealth, zoneOfTarget: lab.zoneOfTarget }),
      ],
      ['asg.config', checkAsgConfig(asgInput())],
      ['rds.multi-az', checkRdsMultiAz({ instance: lab.dbInstance, replica: lab.replica })],
      ['cf.origin', checkCfOrigin(cfInput())],
    ];
    for (const [id, result] of results) {
      expect(result.ok, id).toBe(true);
      expect(Object.keys(passedParts(result)), id).toEqual(catalogEntry(id).parts);
      expect(Object.values(passedParts(result)), id).not.toContain(false);
    }
  });

  it('alb.targets.healthy: target-unhealthy costs both parts when its AZ is left without a healthy target', () => {
    const lab = healthyLab();
    lab.targetHealth[1]!.TargetHealth = { State: 'unhealthy', Reason: 'Target.ResponseCodeMismatch' };
    const result = checkAlbTargets({ targetHealth: lab.targetHealth, zoneOfTarget: lab.zoneOfTarget });
    expect(passedParts(result)).toEqual({ 'all-healthy': false, 'healthy-per-az': false });
    expect(result.parts?.[1]?.detail).toBe('no healthy target in ap-northeast-2c');
    const oneAz = checkAlbTargets({
      targetHealth: healthyLab().targetHealth,
      zoneOfTarget: { 'i-0aaa1111aaaa1111a': 'ap-northeast-2a', 'i-0ccc2222cccc2222c': 'ap-northeast-2a' },
    });
    expect(passedParts(oneAz)).toEqual({ 'all-healthy': true, 'healthy-per-az': false });
  });

  it('asg.config: each problem costs its own part', () => {
    const lab = healthyLab();
    Object.assign(lab.group, { MaxSize: 2, HealthCheckType: 'EC2', TargetGroupARNs: [] });
    const result = checkAsgConfig({ ...asgInput(lab), policies: [] });
    expect(passedParts(result)).toEqual({
      sizes: false,
      'launch-template': true,
      'private-two-azs': true,
      'target-group': false,
      'elb-health-check': false,
      'cpu-policy': false,
    });
    const lab2 = healthyLab();
    lab2.group.VPCZoneIdentifier = 'subnet-0va1';
    expect(passedParts(checkAsgConfig(asgInput(lab2)))['private-two-azs']).toBe(false);
  });

  it("asg.config: the policy's target value must be the lab's, from the stack file's expect.asg", () => {
    // Seed 002's 7% by default; the twin's and the healthy lab's policy aims at 7.
    expect(checkAsgConfig(asgInput()).ok).toBe(true);
    // Seed 003's 80%: the same group now misses its CPU target, and only that part fails.
    const { sizes, cpuTarget } = asgExpectationsOf({ asg: { cpuTarget: 80 } });
    expect(sizes).toEqual({ min: 2, desired: 2, max: 4 });
    const result = checkAsgConfig({ ...asgInput(), expected: sizes, cpuTarget });
    expect(result.ok).toBe(false);
    expect(result.reason).toBe(
      "lab-vpc-asg's target tracking policy lab-policy-01 aims at 7% average CPU; the lab uses 80%",
    );
    expect(result.fix).toBe('edit the policy lab-policy-01: target value 80');
    expect(Object.entries(passedParts(result)).filter(([, passed]) => !passed)).toEqual([
      ['cpu-policy', false],
    ]);
    // Other sizes: min 1 / max 3 expected of a 2 / 2 / 4 group.
    const other = asgExpectationsOf({ asg: { min: 1, desired: 1, max: 3 } });
    const resized = checkAsgConfig({ ...asgInput(), expected: other.sizes, cpuTarget: other.cpuTarget });
    expect(resized.reason).toContain('the lab uses min 1 / desired 1 / max 3');
    expect(passedParts(resized).sizes).toBe(false);
    expect(asgExpectationsOf(undefined)).toEqual({ sizes: { min: 2, desired: 2, max: 4 }, cpuTarget: 7 });
  });

  it('rds.multi-az: rds-single-az costs multi-az, rds-public not-public, no backups backups', () => {
    const single = healthyLab();
    single.dbInstance.MultiAZ = false;
    expect(passedParts(checkRdsMultiAz({ instance: single.dbInstance }))).toEqual({
      'multi-az': false,
      'not-public': true,
      backups: true,
    });
    const exposed = healthyLab();
    exposed.dbInstance.PubliclyAccessible = true;
    exposed.dbInstance.BackupRetentionPeriod = 0;
    expect(passedParts(checkRdsMultiAz({ instance: exposed.dbInstance }))).toEqual({
      'multi-az': true,
      'not-public': false,
      backups: false,
    });
  });

  it('cf.origin: another origin costs origin-bucket, a missing root object default-root-object', () => {
    const lab = healthyLab();
    lab.distribution.DistributionConfig!.DefaultRootObject = '';
    expect(passedParts(checkCfOrigin(cfInput(lab)))).toEqual({
      'origin-bucket': true,
      'default-root-object': false,
    });
    const lab2 = healthyLab();
    lab2.distribution.DistributionConfig!.Origins!.Items![0]!.DomainName =
      'other-bucket.s3-website.ap-northeast-2.amazonaws.com';
    expect(passedParts(checkCfOrigin(cfInput(lab2)))).toEqual({
      'origin-bucket': false,
      'default-root-object': true,
    });
  });
});
