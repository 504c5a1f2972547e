import { describe, expect, it } from 'vitest';
import { EvidenceRecorder } from '../../../reports/evidence.ts';
import { catalogEntry } from '../../../suites/catalog.ts';
import { checkAlbPlacement } from '../../../suites/rules/albPlacement.ts';
import { checkNetRoutes } from '../../../suites/rules/netRoutes.ts';
import { checkNoPublicIp } from '../../../suites/rules/noPublicIp.ts';
import { type RuleResult, recordParts } from '../../../suites/rules/ruleResult.ts';
import { checkSecurityGroups } from '../../../suites/rules/securityGroups.ts';
import { subnetViews } from '../../../suites/rules/subnetRoles.ts';
import { checkVpcLayout } from '../../../suites/rules/vpcLayout.ts';
import { healthyLab, VPC } from './healthyLab.ts';

const routesInput = (lab = healthyLab()) => ({
  vpcId: VPC,
  subnets: lab.subnets,
  routeTables: lab.routeTables,
  natGateways: lab.natGateways,
  internetGateways: lab.internetGateways,
  appSubnetIds: ['subnet-0va1', 'subnet-0vc1'],
});

describe('subnet roles', () => {
  it('reads public, private and isolated subnets, falling back to the main route table', () => {
    const lab = healthyLab();
    lab.subnets.push({ ...lab.subnets[0], SubnetId: 'subnet-0loose', Tags: [] });
    const roles = Object.fromEntries(
      subnetViews(lab.subnets, lab.routeTables).map((v) => [v.id, [v.role, v.routeTableId]]),
    );
    expect(roles['subnet-0pa1']).toEqual(['public', 'rtb-0public']);
    expect(roles['subnet-0vc1']).toEqual(['private', 'rtb-0privc1']);
    expect(roles['subnet-0va2']).toEqual(['isolated', 'rtb-0db']);
    expect(roles['subnet-0loose']).toEqual(['isolated', 'rtb-0main']);
  });
});

describe('net.vpc.layout', () => {
  it('passes the lab', () => {
    const lab = healthyLab();
    const result = checkVpcLayout({ vpcId: VPC, subnets: lab.subnets, routeTables: lab.routeTables });
    expect(result.ok).toBe(true);
    expect(result.reason).toBe(
      'public subnets in ap-northeast-2a, ap-northeast-2c; private subnets in ap-northeast-2a, ap-northeast-2c',
    );
  });

  it('fails when only one AZ has a public subnet', () => {
    const lab = healthyLab();
    const publicTable = lab.routeTables.find((t) => t.RouteTableId === 'rtb-0public');
    publicTable!.Associations = publicTable!.Associations!.filter((a) => a.SubnetId !== 'subnet-0pc1');
    const result = checkVpcLayout({ vpcId: VPC, subnets: lab.subnets, routeTables: lab.routeTables });
    expect(result.ok).toBe(false);
    expect(result.reason).toContain('public subnets only in ap-northeast-2a');
  });
});

describe('net.routes', () => {
  it('passes the lab and notes the DB subnets without a default route', () => {
    const result = checkNetRoutes(routesInput());
    expect(result.ok).toBe(true);
    expect(result.notes?.some((n) => n.includes('private-subnet-a2'))).toBe(true);
  });

  it('nat-one-az: names the private subnet routed to the other AZ', () => {
    const lab = healthyLab();
    const tableC = lab.routeTables.find((t) => t.RouteTableId === 'rtb-0privc1');
    tableC!.Routes![1]!.NatGatewayId = 'nat-0a';
    const result = checkNetRoutes(routesInput(lab));
    expect(result.ok).toBe(false);
    expect(result.reason).toBe(
      'the private subnet in ap-northeast-2c (private-subnet-c1 (subnet-0vc1)) routes 0.0.0.0/0 to a NAT gateway in ap-northeast-2a (nat-a (nat-0a))',
    );
    expect(result.fix).toContain('one NAT per AZ');
  });

  it('fails an app subnet without a route to the internet, a blackhole, and a NAT in a private subnet', () => {
    const lab = healthyLab();
    lab.routeTables.find((t) => t.RouteTableId === 'rtb-0priva1')!.Routes!.pop();
    expect(checkNetRoutes(routesInput(lab)).reason).toContain(
      'holds app instances but has no 0.0.0.0/0 route',
    );
    const lab2 = healthyLab();
    lab2.routeTables.find((t) => t.RouteTableId === 'rtb-0priva1')!.Routes![1]!.State = 'blackhole';
    expect(checkNetRoutes(routesInput(lab2)).reason).toContain('blackhole');
    const lab3 = healthyLab();
    lab3.natGateways[1]!.SubnetId = 'subnet-0vc2';
    expect(checkNetRoutes(routesInput(lab3)).reason).toContain('sits in isolated subnet private-subnet-c2');
  });

  it('fails a public route to an internet gateway that is not attached', () => {
    const lab = healthyLab();
    lab.internetGateways[0]!.Attachments = [];
    const result = checkNetRoutes(routesInput(lab));
    expect(result.ok).toBe(false);
    expect(result.reason).toContain('not attached');
  });
});

describe('net.private.no-public-ip', () => {
  it('passes instances with private addresses only', () => {
    expect(checkNoPublicIp(healthyLab().appInstances).ok).toBe(true);
  });

  it('instance-public-ip: names the exposed instance', () => {
    const lab = healthyLab();
    lab.appInstances[1]!.PublicIpAddress = '3.35.10.20';
    const result = checkNoPublicIp(lab.appInstances);
    expect(result.ok).toBe(false);
    expect(result.reason).toBe(
      '1 of 2 app instances can be reached from the internet: i-0ccc2222cccc2222c in ap-northeast-2c has public IP 3.35.10.20',
    );
  });
});

describe('net.sg.least-privilege', () => {
  const input = (lab = healthyLab()) => ({
    vpcCidrs: ['10.1.0.0/16'],
    albGroupIds: ['sg-0alb'],
    appGroupIds: ['sg-0app'],
    dbGroupIds: ['sg-0db'],
    bastionGroupIds: ['sg-0bastion'],
    securityGroups: lab.securityGroups,
  });

  it('passes the lab and notes the bastion open to the world', () => {
    const result = checkSecurityGroups(input());
    expect(result.ok).toBe(true);
    expect(result.notes?.join(' ')).toContain('bastion');
  });

  it('sg-open-world: fails HTTP and SSH open to the world on the app group', () => {
    const lab = healthyLab();
    const app = lab.securityGroups.find((g) => g.GroupId === 'sg-0app')!;
    app.IpPermissions = [
      { IpProtocol: 'tcp', FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
      { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, Ipv6Ranges: [{ CidrIpv6: '::/0' }] },
    ];
    const result = checkSecurityGroups(input(lab));
    expect(result.ok).toBe(false);
    expect(result.reason).toMatch(
      /^the app security group sg-0app "lab-vpc-app-sg" takes HTTP from 0\.0\.0\.0\/0 \(port 80\)/,
    );
    expect(result.reason).toContain('and 2 more problems');
    expect(result.details.app).toMatchObject({ ssh: ['::/0 (port 22)'] });
  });

  it('fails a DB group that takes MySQL from outside the VPC, or all traffic from anywhere', () => {
    const lab = healthyLab();
    lab.securityGroups.find((g) => g.GroupId === 'sg-0db')!.IpPermissions = [
      { IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
    ];
    const result = checkSecurityGroups(input(lab));
    expect(result.ok).toBe(false);
    expect(result.reason).toContain('lets MySQL (3306) in from 0.0.0.0/0 (all ports)');
    const lab2 = healthyLab();
    lab2.securityGroups.find((g) => g.GroupId === 'sg-0db')!.IpPermissions = [
      { IpProtocol: 'tcp', FromPort: 3306, ToPort: 3306, UserIdGroupPairs: [{ GroupId: 'sg-0app' }] },
    ];
    expect(checkSecurityGroups(input(lab2)).ok).toBe(true);
  });

  it("reads the stack's own ports: an app on 8080 behind the ALB and a database on 3307", () => {
    const lab = healthyLab();
    lab.securityGroups.find((g) => g.GroupId === 'sg-0app')!.IpPermissions = [
      { IpProtocol: 'tcp', FromPort: 8080, ToPort: 8080, UserIdGroupPairs: [{ GroupId: 'sg-0alb' }] },
    ];
    lab.securityGroups.find((g) => g.GroupId === 'sg-0db')!.IpPermissions = [
      { IpProtocol: 'tcp', FromPort: 3307, ToPort: 3307, IpRanges: [{ CidrIp: '10.1.0.0/16' }] },
    ];
    // At the lab's fixed 80 and 3306 these rules would fail; at the stack's own ports they pass.
    expect(checkSecurityGroups(input(lab)).ok).toBe(false);
    const result = checkSecurityGroups({ ...input(lab), appPort: 8080, dbPort: 3307 });
    expect(result.ok, result.reason).toBe(true);
    expect(result.reason).toContain('the DB takes 3307 only from the VPC or the app');
    const closed = checkSecurityGroups({ ...input(healthyLab()), appPort: 8080, dbPort: 3307 });
    expect(closed.reason).toContain('has no HTTP (8080) rule from the ALB security group');
    expect(closed.fix).toContain('add an inbound rule Custom TCP 8080 to the app security group');
  });
});

describe('alb.placement', () => {
  const input = (lab = healthyLab()) => ({
    loadBalancer: lab.loadBalancer,
    subnets: lab.subnets,
    routeTables: lab.routeTables,
    targetInstances: lab.appInstances,
  });

  it('passes an internet-facing ALB in the public subnets with private targets', () => {
    const result = checkAlbPlacement(input());
    expect(result.ok).toBe(true);
    expect(result.reason).toContain('internet-facing in public subnets of ap-northeast-2a, ap-northeast-2c');
  });

  it('alb-in-private-subnets: says the internet cannot reach it', () => {
    const lab = healthyLab();
    lab.loadBalancer.AvailabilityZones = [
      { ZoneName: 'ap-northeast-2a', SubnetId: 'subnet-0va1' },
      { ZoneName: 'ap-northeast-2c', SubnetId: 'subnet-0vc1' },
    ];
    const result = checkAlbPlacement(input(lab));
    expect(result.ok).toBe(false);
    expect(result.reason).toBe(
      'the load balancer is in private subnets private-subnet-a1 (subnet-0va1) (ap-northeast-2a), private-subnet-c1 (subnet-0vc1) (ap-northeast-2c), so the internet cannot reach it',
    );
    expect(result.fix).toContain('public subnets');
  });

  it('fails an internal load balancer and targets in public subnets', () => {
    const lab = healthyLab();
    lab.loadBalancer.Scheme = 'internal';
    lab.appInstances[0]!.SubnetId = 'subnet-0pa1';
    const result = checkAlbPlacement(input(lab));
    expect(result.ok).toBe(false);
    expect(result.reason).toContain('lab-vpc-alb-asg is internal');
    expect(result.reason).toContain('1 more problem');
  });
});

/** A rule's parts as name → passed: what a rubric's partial credit reads. */
const passedParts = (result: RuleResult) =>
  Object.fromEntries((result.parts ?? []).map((part) => [part.name, part.passed]));

describe('parts of the network rules', () => {
  it('every part of a passing rule passed, under the names of the catalog', () => {
    const lab = healthyLab();
    const results: [string, RuleResult][] = [
      ['net.vpc.layout', checkVpcLayout({ vpcId: VPC, subnets: lab.subnets, routeTables: lab.routeTables })],
      ['net.routes', checkNetRoutes(routesInput())],
      [
        'net.sg.least-privilege',
        checkSecurityGroups({
          vpcCidrs: ['10.1.0.0/16'],
          albGroupIds: ['sg-0alb'],
          appGroupIds: ['sg-0app'],
          dbGroupIds: ['sg-0db'],
          securityGroups: lab.securityGroups,
        }),
      ],
      [
        'alb.placement',
        checkAlbPlacement({
          loadBalancer: lab.loadBalancer,
          subnets: lab.subnets,
          routeTables: lab.routeTables,
          targetInstances: lab.appInstances,
        }),
      ],
    ];
    for (const [id, result] of results) {
      expect(result.ok, id).toBe(true);
      expect(Object.keys(passedParts(result)), id).toEqual(catalogEntry(id).parts);
      expect(Object.values(passedParts(result)), id).not.toContain(false);
    }
  });

  it('net.vpc.layout: a missing public subnet costs public-two-azs only', () => {
    const lab = healthyLab();
    const publicTable = lab.routeTables.find((t) => t.RouteTableId === 'rtb-0public');
    publicTable!.Associations = publicTable!.Associations!.filter((a) => a.SubnetId !== 'subnet-0pc1');
    const result = checkVpcLayout({ vpcId: VPC, subnets: lab.subnets, routeTables: lab.routeTables });
    expect(passedParts(result)).toEqual({ 'public-two-azs': false, 'private-two-azs': true });
    expect(result.parts?.[0]?.detail).toBe('public subnets only in ap-northeast-2a');
    const empty = checkVpcLayout({ vpcId: VPC, subnets: [], routeTables: [] });
    expect(passedParts(empty)).toEqual({ 'public-two-azs': false, 'private-two-azs': false });
  });

  it('net.routes: nat-one-az costs private-nat-same-az, an unattached gateway public-igw', () => {
    const lab = healthyLab();
    lab.routeTables.find((t) => t.RouteTableId === 'rtb-0privc1')!.Routes![1]!.NatGatewayId = 'nat-0a';
    const natOneAz = checkNetRoutes(routesInput(lab));
    expect(passedParts(natOneAz)).toEqual({ 'public-igw': true, 'private-nat-same-az': false });
    expect(natOneAz.parts?.[1]?.detail).toContain('routes 0.0.0.0/0 to a NAT gateway in ap-northeast-2a');
    const lab2 = healthyLab();
    lab2.internetGateways[0]!.Attachments = [];
    expect(passedParts(checkNetRoutes(routesInput(lab2)))).toEqual({
      'public-igw': false,
      'private-nat-same-az': true,
    });
  });

  it('net.sg.least-privilege: sg-open-world costs app-from-alb and no-world-ssh, not the DB part', () => {
    const lab = healthyLab();
    lab.securityGroups.find((g) => g.GroupId === 'sg-0app')!.IpPermissions = [
      { IpProtocol: 'tcp', FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
      { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, Ipv6Ranges: [{ CidrIpv6: '::/0' }] },
    ];
    const input = {
      vpcCidrs: ['10.1.0.0/16'],
      albGroupIds: ['sg-0alb'],
      appGroupIds: ['sg-0app'],
      dbGroupIds: ['sg-0db'],
      securityGroups: lab.securityGroups,
    };
    const result = checkSecurityGroups(input);
    expect(passedParts(result)).toEqual({
      'app-from-alb': false,
      'db-from-vpc-or-app': true,
      'no-world-ssh': false,
    });
    expect(result.parts?.[0]?.detail).toContain('takes HTTP from 0.0.0.0/0 (port 80)');
    // Without a database in the stack file there is nothing to judge the DB part on: it is left out.
    expect(Object.keys(passedParts(checkSecurityGroups({ ...input, dbGroupIds: [] })))).toEqual([
      'app-from-alb',
      'no-world-ssh',
    ]);
  });

  it('alb.placement: alb-in-private-subnets costs public-subnets; public targets cost private-targets', () => {
    const lab = healthyLab();
    lab.loadBalancer.AvailabilityZones = [
      { ZoneName: 'ap-northeast-2a', SubnetId: 'subnet-0va1' },
      { ZoneName: 'ap-northeast-2c', SubnetId: 'subnet-0vc1' },
    ];
    const input = (l = lab) => ({
      loadBalancer: l.loadBalancer,
      subnets: l.subnets,
      routeTables: l.routeTables,
      targetInstances: l.appInstances,
    });
    expect(passedParts(checkAlbPlacement(input()))).toEqual({
      'public-subnets': false,
      'private-targets': true,
    });
    const lab2 = healthyLab();
    lab2.appInstances[0]!.SubnetId = 'subnet-0pa1';
    expect(passedParts(checkAlbPlacement(input(lab2)))).toEqual({
      'public-subnets': true,
      'private-targets': false,
    });
  });

  it("recordParts puts a rule result's parts into the evidence", () => {
    const evidence = new EvidenceRecorder();
    recordParts(checkNetRoutes(routesInput()), evidence);
    expect(evidence.evidence.parts.map((p) => [p.name, p.passed])).toEqual([
      ['public-igw', true],
      ['private-nat-same-az', true],
    ]);
    expect(evidence.evidence.parts[1]?.detail).toBe(
      '2 private subnet(s) route 0.0.0.0/0 to the NAT gateway in their own AZ',
    );
  });
});
