import type { AutoScalingGroup } from '@aws-sdk/client-auto-scaling';
import type { DBInstance } from '@aws-sdk/client-rds';
import type { Instance, RouteTable, SecurityGroup, Subnet, Vpc } from '@aws-sdk/client-ec2';
import type {
  LoadBalancer,
  TargetGroup,
  TargetHealthDescription,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { Stack } from '../../config/schema.ts';
import { describeAutoScalingGroup } from './autoScaling.ts';
import { AwsProbeError } from './awsCall.ts';
import type { AwsClients } from './awsClients.ts';
import {
  describeInstances,
  describeInternetGateways,
  describeNatGateways,
  describeRouteTables,
  describeSecurityGroups,
  describeSubnets,
  findVpc,
} from './ec2.ts';
import { describeLoadBalancer, describeTargetGroups, describeTargetHealth } from './elbv2.ts';
import { describeDbInstance } from './rds.ts';

// The lab's resources as the AWS APIs describe them, each read at most once per suite: several checks
// need the same VPC, subnets or targets, and asking AWS again would only add calls and throttling. Only
// answers are kept: a read that failed (a throttled call, say) is tried again by the next check.

export class LabInventory {
  private readonly memo = new Map<string, Promise<unknown>>();

  constructor(
    private readonly stack: Stack,
    readonly clients: AwsClients,
  ) {}

  /** One read per key; a failed read is forgotten, so the next check asks AWS again instead of failing too. */
  private once<T>(key: string, read: () => Promise<T>): Promise<T> {
    let pending = this.memo.get(key) as Promise<T> | undefined;
    if (!pending) {
      const reading = read();
      pending = reading;
      this.memo.set(key, reading);
      reading.catch(() => {
        if (this.memo.get(key) === reading) this.memo.delete(key);
      });
    }
    return pending;
  }

  vpc(): Promise<Vpc> {
    return this.once('vpc', async () => {
      const by = {
        ...(this.stack.vpc?.id ? { id: this.stack.vpc.id } : {}),
        ...(this.stack.vpc?.name ? { name: this.stack.vpc.name } : {}),
      };
      const vpc = await findVpc(this.clients.ec2, by);
      if (!vpc)
        throw new AwsProbeError(
          'not-found',
          'ec2:DescribeVpcs',
          `VPC '${by.id ?? by.name}' not found`,
          undefined,
        );
      return vpc;
    });
  }

  async vpcId(): Promise<string> {
    return (await this.vpc()).VpcId!;
  }

  async vpcCidrs(): Promise<string[]> {
    const vpc = await this.vpc();
    const cidrs = (vpc.CidrBlockAssociationSet ?? [])
      .map((a) => a.CidrBlock)
      .filter((c): c is string => Boolean(c));
    return cidrs.length > 0 ? cidrs : vpc.CidrBlock ? [vpc.CidrBlock] : [];
  }

  subnets(): Promise<Subnet[]> {
    return this.once('subnets', async () => describeSubnets(this.clients.ec2, await this.vpcId()));
  }

  routeTables(): Promise<RouteTable[]> {
    return this.once('routeTables', async () => describeRouteTables(this.clients.ec2, await this.vpcId()));
  }

  natGateways() {
    return this.once('natGateways', async () => describeNatGateways(this.clients.ec2, await this.vpcId()));
  }

  internetGateways() {
    return this.once('internetGateways', async () =>
      describeInternetGateways(this.clients.ec2, await this.vpcId()),
    );
  }

  loadBalancer(): Promise<LoadBalancer> {
    return this.once('loadBalancer', () => describeLoadBalancer(this.clients.elbv2, this.stack.alb!.name!));
  }

  targetGroups(): Promise<TargetGroup[]> {
    return this.once('targetGroups', async () =>
      describeTargetGroups(this.clients.elbv2, {
        loadBalancerArn: (await this.loadBalancer()).LoadBalancerArn!,
      }),
    );
  }

  /** Target health across every target group of the load balancer. */
  targetHealth(): Promise<TargetHealthDescription[]> {
    return this.once('targetHealth', async () => {
      const groups = await this.targetGroups();
      const all = await Promise.all(
        groups.map((group) => describeTargetHealth(this.clients.elbv2, group.TargetGroupArn!)),
      );
      return all.flat();
    });
  }

  autoScalingGroup(): Promise<AutoScalingGroup> {
    return this.once('autoScalingGroup', () =>
      describeAutoScalingGroup(this.clients.autoScaling, this.stack.asg!.name!),
    );
  }

  /**
   * The app instances: as listed in the stack file, else the load balancer's instance targets, else the
   * Auto Scaling group's instances.
   */
  appInstances(): Promise<Instance[]> {
    return this.once('appInstances', async () => {
      let ids = this.stack.ec2?.instanceIds ?? [];
      if (ids.length === 0 && this.stack.alb?.name) {
        ids = (await this.targetHealth())
          .map((description) => description.Target?.Id)
          .filter((id): id is string => Boolean(id?.startsWith('i-')));
      }
      if (ids.length === 0 && this.stack.asg?.name) {
        ids = ((await this.autoScalingGroup()).Instances ?? []).map((i) => i.InstanceId!).filter(Boolean);
      }
      if (ids.length === 0) return [];
      return describeInstances(this.clients.ec2, { ids: [...new Set(ids)] });
    });
  }

  /** An RDS DB instance by identifier (the source, its replica): the RDS checks, the SG and page checks share it. */
  dbInstance(identifier: string): Promise<DBInstance> {
    return this.once(`db:${identifier}`, () => describeDbInstance(this.clients.rds, identifier));
  }

  securityGroups(ids: readonly string[]): Promise<SecurityGroup[]> {
    const unique = [...new Set(ids)].sort();
    if (unique.length === 0) return Promise.resolve([]);
    return this.once(`sg:${unique.join(',')}`, () =>
      describeSecurityGroups(this.clients.ec2, { ids: unique }),
    );
  }
}

/** Security group ids attached to instances (all their network interfaces). */
export function instanceGroupIds(instances: readonly Instance[]): string[] {
  const ids = instances.flatMap((instance) => [
    ...(instance.SecurityGroups ?? []).map((group) => group.GroupId),
    ...(instance.NetworkInterfaces ?? []).flatMap((eni) => (eni.Groups ?? []).map((group) => group.GroupId)),
  ]);
  return [...new Set(ids.filter((id): id is string => Boolean(id)))];
}
