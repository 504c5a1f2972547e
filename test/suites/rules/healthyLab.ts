import type { AutoScalingGroup, ScalingPolicy } from '@aws-sdk/client-auto-scaling';
import type { Distribution } from '@aws-sdk/client-cloudfront';
import type {
  Instance,
  InternetGateway,
  NatGateway,
  RouteTable,
  SecurityGroup,
  Subnet,
} from '@aws-sdk/client-ec2';
import type { MountTargetDescription } from '@aws-sdk/client-efs';
import type { LoadBalancer, TargetHealthDescription } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { DBInstance } from '@aws-sdk/client-rds';

// The seeds' lab as the SDK describes it: lab-vpc 10.1.0.0/16 over ap-northeast-2a and -2c. Each test
// takes a fresh copy (healthyLab()) and breaks one thing.

export const VPC = 'vpc-0a1b2c3d4e5f60718';
const A = 'ap-northeast-2a';
const C = 'ap-northeast-2c';

const subnet = (id: string, name: string, az: string, cidr: string): Subnet => ({
  SubnetId: id,
  VpcId: VPC,
  AvailabilityZone: az,
  AvailabilityZoneId: az === A ? 'apne2-az1' : 'apne2-az3',
  CidrBlock: cidr,
  State: 'available',
  MapPublicIpOnLaunch: name.startsWith('public'),
  AvailableIpAddressCount: 250,
  DefaultForAz: false,
  Tags: [{ Key: 'Name', Value: name }],
});

const local = {
  DestinationCidrBlock: '10.1.0.0/16',
  GatewayId: 'local',
  Origin: 'CreateRouteTable',
  State: 'active',
} as const;

const table = (
  id: string,
  name: string,
  subnetIds: string[],
  defaultRoute: Record<string, string> | null,
  main = false,
): RouteTable =>
  ({
    RouteTableId: id,
    VpcId: VPC,
    Tags: [{ Key: 'Name', Value: name }],
    Routes: [
      local,
      ...(defaultRoute
        ? [{ DestinationCidrBlock: '0.0.0.0/0', Origin: 'CreateRoute', State: 'active', ...defaultRoute }]
        : []),
    ],
    Associations: [
      ...(main
        ? [
            {
              Main: true,
              RouteTableAssociationId: `rtbassoc-main${id.slice(4)}`,
              RouteTableId: id,
              AssociationState: { State: 'associated' },
            },
          ]
        : []),
      ...subnetIds.map((subnetId, i) => ({
        Main: false,
        RouteTableAssociationId: `rtbassoc-${i}${id.slice(4)}`,
        RouteTableId: id,
        SubnetId: subnetId,
        AssociationState: { State: 'associated' },
      })),
    ],
  }) as RouteTable;

const instance = (id: string, az: string, subnetId: string, ip: string, groups: string[]): Instance => ({
  InstanceId: id,
  InstanceType: 't2.micro',
  ImageId: 'ami-0c9c942bd7bf113a2',
  State: { Code: 16, Name: 'running' },
  Placement: { AvailabilityZone: az, Tenancy: 'default' },
  PrivateIpAddress: ip,
  PrivateDnsName: `ip-${ip.replaceAll('.', '-')}.ap-northeast-2.compute.internal`,
  SubnetId: subnetId,
  VpcId: VPC,
  SecurityGroups: groups.map((g) => ({ GroupId: g, GroupName: 'lab-vpc-app-sg' })),
  NetworkInterfaces: [
    { NetworkInterfaceId: `eni-${id.slice(2)}`, PrivateIpAddress: ip, SubnetId: subnetId, VpcId: VPC },
  ],
  Tags: [{ Key: 'aws:autoscaling:groupName', Value: 'lab-vpc-asg' }],
});

const sg = (id: string, name: string, permissions: SecurityGroup['IpPermissions']): SecurityGroup => ({
  GroupId: id,
  GroupName: name,
  Description: name,
  VpcId: VPC,
  OwnerId: '123456789012',
  IpPermissions: permissions,
  IpPermissionsEgress: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
});

const tcp = (port: number, from: { cidr?: string; group?: string }) => ({
  IpProtocol: 'tcp',
  FromPort: port,
  ToPort: port,
  IpRanges: from.cidr ? [{ CidrIp: from.cidr }] : [],
  Ipv6Ranges: [],
  UserIdGroupPairs: from.group ? [{ GroupId: from.group, UserId: '123456789012' }] : [],
  PrefixListIds: [],
});

export function healthyLab() {
  const subnets = [
    subnet('subnet-0pa1', 'public-subnet-a1', A, '10.1.1.0/24'),
    subnet('subnet-0pc1', 'public-subnet-c1', C, '10.1.2.0/24'),
    subnet('subnet-0va1', 'private-subnet-a1', A, '10.1.3.0/24'),
    subnet('subnet-0vc1', 'private-subnet-c1', C, '10.1.4.0/24'),
    subnet('subnet-0va2', 'private-subnet-a2', A, '10.1.5.0/24'),
    subnet('subnet-0vc2', 'private-subnet-c2', C, '10.1.6.0/24'),
  ];
  const routeTables = [
    table('rtb-0main', 'lab-vpc-main', [], null, true),
    table('rtb-0public', 'public-rt', ['subnet-0pa1', 'subnet-0pc1'], { GatewayId: 'igw-0lab' }),
    table('rtb-0priva1', 'private-rt-a1', ['subnet-0va1'], { NatGatewayId: 'nat-0a' }),
    table('rtb-0privc1', 'private-rt-c1', ['subnet-0vc1'], { NatGatewayId: 'nat-0c' }),
    table('rtb-0db', 'db-rt', ['subnet-0va2', 'subnet-0vc2'], null),
  ];
  const natGateways: NatGateway[] = [
    {
      NatGatewayId: 'nat-0a',
      SubnetId: 'subnet-0pa1',
      VpcId: VPC,
      State: 'available',
      ConnectivityType: 'public',
      Tags: [{ Key: 'Name', Value: 'nat-a' }],
    },
    {
      NatGatewayId: 'nat-0c',
      SubnetId: 'subnet-0pc1',
      VpcId: VPC,
      State: 'available',
      ConnectivityType: 'public',
      Tags: [{ Key: 'Name', Value: 'nat-c' }],
    },
  ];
  const internetGateways: InternetGateway[] = [
    {
      InternetGatewayId: 'igw-0lab',
      Attachments: [{ VpcId: VPC, State: 'available' as never }],
      Tags: [{ Key: 'Name', Value: 'lab-igw' }],
    },
  ];
  const appInstances = [
    instance('i-0aaa1111aaaa1111a', A, 'subnet-0va1', '10.1.3.10', ['sg-0app']),
    instance('i-0ccc2222cccc2222c', C, 'subnet-0vc1', '10.1.4.20', ['sg-0app']),
  ];
  const securityGroups = [
    sg('sg-0alb', 'lab-vpc-alb-sg', [tcp(80, { cidr: '0.0.0.0/0' })]),
    sg('sg-0app', 'lab-vpc-app-sg', [tcp(80, { group: 'sg-0alb' }), tcp(22, { group: 'sg-0bastion' })]),
    sg('sg-0db', 'lab-vpc-db-sg', [tcp(3306, { cidr: '10.1.0.0/16' })]),
    sg('sg-0bastion', 'lab-vpc-bastion-sg', [tcp(22, { cidr: '0.0.0.0/0' })]),
    sg('sg-0efs', 'lab-vpc-efs-sg', [tcp(2049, { group: 'sg-0app' })]),
  ];
  const loadBalancer: LoadBalancer = {
    LoadBalancerArn:
      'arn:aws:elasticloadbalancing:ap-northeast-2:123456789012:loadbalancer/app/lab-vpc-alb-asg/50dc6c495c0c9188',
    DNSName: 'lab-vpc-alb-asg-1234567890.ap-northeast-2.elb.amazonaws.com',
    LoadBalancerName: 'lab-vpc-alb-asg',
    Scheme: 'internet-facing',
    VpcId: VPC,
    State: { Code: 'active' },
    Type: 'application',
    IpAddressType: 'ipv4',
    SecurityGroups: ['sg-0alb'],
    AvailabilityZones: [
      { ZoneName: A, SubnetId: 'subnet-0pa1', LoadBalancerAddresses: [] },
      { ZoneName: C, SubnetId: 'subnet-0pc1', LoadBalancerAddresses: [] },
    ],
  };
  const targetHealth: TargetHealthDescription[] = appInstances.map((i) => ({
    Target: { Id: i.InstanceId, Port: 80 },
    HealthCheckPort: '80',
    TargetHealth: { State: 'healthy' },
  }));
  const zoneOfTarget = Object.fromEntries(
    appInstances.map((i) => [i.InstanceId ?? '', i.Placement?.AvailabilityZone ?? '']),
  );
  const group: AutoScalingGroup = {
    AutoScalingGroupName: 'lab-vpc-asg',
    AutoScalingGroupARN:
      'arn:aws:autoscaling:ap-northeast-2:123456789012:autoScalingGroup:uuid:autoScalingGroupName/lab-vpc-asg',
    LaunchTemplate: { LaunchTemplateId: 'lt-0abc', LaunchTemplateName: 'lab-vpc-lt', Version: '2' },
    MinSize: 2,
    MaxSize: 4,
    DesiredCapacity: 2,
    DefaultCooldown: 300,
    AvailabilityZones: [A, C],
    TargetGroupARNs: [
      'arn:aws:elasticloadbalancing:ap-northeast-2:123456789012:targetgroup/lab-vpc-tg/943f017f100becff',
    ],
    HealthCheckType: 'ELB',
    HealthCheckGracePeriod: 60,
    Instances: [],
    CreatedTime: new Date('2024-05-01T00:00:00Z'),
    VPCZoneIdentifier: 'subnet-0va1,subnet-0vc1',
    TerminationPolicies: ['Default'],
  };
  const policies: ScalingPolicy[] = [
    {
      AutoScalingGroupName: 'lab-vpc-asg',
      PolicyName: 'lab-policy-01',
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingConfiguration: {
        PredefinedMetricSpecification: { PredefinedMetricType: 'ASGAverageCPUUtilization' },
        TargetValue: 7,
      },
      Enabled: true,
    },
  ];
  const dbInstance: DBInstance = {
    DBInstanceIdentifier: 'lab-vpc-rds',
    DBInstanceClass: 'db.t3.micro',
    Engine: 'mysql',
    DBInstanceStatus: 'available',
    Endpoint: { Address: 'lab-vpc-rds.cabcdefghijk.ap-northeast-2.rds.amazonaws.com', Port: 3306 },
    AvailabilityZone: A,
    SecondaryAvailabilityZone: C,
    MultiAZ: true,
    PubliclyAccessible: false,
    BackupRetentionPeriod: 7,
    ReadReplicaDBInstanceIdentifiers: ['lab-vpc-rds-rr'],
  };
  const replica: DBInstance = {
    DBInstanceIdentifier: 'lab-vpc-rds-rr',
    Engine: 'mysql',
    DBInstanceStatus: 'available',
    AvailabilityZone: C,
    MultiAZ: false,
    PubliclyAccessible: false,
    BackupRetentionPeriod: 0,
    ReadReplicaSourceDBInstanceIdentifier: 'lab-vpc-rds',
  };
  const mountTargets: MountTargetDescription[] = [
    {
      MountTargetId: 'fsmt-0a',
      FileSystemId: 'fs-0lab',
      SubnetId: 'subnet-0va1',
      AvailabilityZoneName: A,
      LifeCycleState: 'available',
      IpAddress: '10.1.3.100',
    },
    {
      MountTargetId: 'fsmt-0c',
      FileSystemId: 'fs-0lab',
      SubnetId: 'subnet-0vc1',
      AvailabilityZoneName: C,
      LifeCycleState: 'available',
      IpAddress: '10.1.4.100',
    },
  ];
  const bucket = 'lab-s3-web-hosting';
  const policyText = JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'PublicReadGetObject',
        Effect: 'Allow',
        Principal: '*',
        Action: 's3:GetObject',
        Resource: `arn:aws:s3:::${bucket}/*`,
      },
    ],
  });
  const publicAccessBlock = {
    BlockPublicAcls: false,
    IgnorePublicAcls: false,
    BlockPublicPolicy: false,
    RestrictPublicBuckets: false,
  };
  const distribution: Distribution = {
    Id: 'E2QWRUHAPOMQZL',
    ARN: 'arn:aws:cloudfront::123456789012:distribution/E2QWRUHAPOMQZL',
    Status: 'Deployed',
    LastModifiedTime: new Date('2024-05-01T00:00:00Z'),
    InProgressInvalidationBatches: 0,
    DomainName: 'd111111abcdef8.cloudfront.net',
    DistributionConfig: {
      CallerReference: 'lab',
      Comment: '',
      Enabled: true,
      DefaultRootObject: 'mycar.html',
      Origins: {
        Quantity: 1,
        Items: [
          {
            Id: `${bucket}.s3-website.ap-northeast-2.amazonaws.com`,
            DomainName: `${bucket}.s3-website.ap-northeast-2.amazonaws.com`,
            CustomOriginConfig: { HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: 'http-only' },
          },
        ],
      },
      DefaultCacheBehavior: {
        TargetOriginId: `${bucket}.s3-website.ap-northeast-2.amazonaws.com`,
        ViewerProtocolPolicy: 'allow-all',
      },
    },
  };
  return {
    subnets,
    routeTables,
    natGateways,
    internetGateways,
    appInstances,
    securityGroups,
    loadBalancer,
    targetHealth,
    zoneOfTarget,
    group,
    policies,
    dbInstance,
    replica,
    mountTargets,
    bucket,
    policyText,
    publicAccessBlock,
    distribution,
  };
}
