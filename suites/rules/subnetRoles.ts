import type { RouteTable, Subnet } from '@aws-sdk/client-ec2';
import { labelled } from './resourceNames.ts';

// What each subnet of the VPC is, judged the way VPC routing works: a subnet uses the route table it is
// explicitly associated with, else the VPC's main route table; its 0.0.0.0/0 route decides its role.

/** public: 0.0.0.0/0 → internet gateway; private: 0.0.0.0/0 → NAT (or another target); isolated: none. */
export type SubnetRole = 'public' | 'private' | 'isolated';

export interface SubnetView {
  id: string;
  label: string;
  az: string;
  cidr: string;
  role: SubnetRole;
  routeTableId: string | null;
  /** Whether the route table comes from an explicit association rather than the main table. */
  explicitAssociation: boolean;
  /** Target id of the 0.0.0.0/0 route: igw-…, nat-…, eni-…, i-…, tgw-…, pcx-… */
  defaultTarget: string | null;
  /** `active` or `blackhole` (the target is gone). */
  defaultRouteState: string | null;
}

export const DEFAULT_ROUTE = '0.0.0.0/0';

function defaultRouteOf(table: RouteTable | undefined): { target: string | null; state: string | null } {
  const route = table?.Routes?.find((r) => r.DestinationCidrBlock === DEFAULT_ROUTE);
  if (!route) return { target: null, state: null };
  const target =
    route.NatGatewayId ??
    route.GatewayId ??
    route.InstanceId ??
    route.NetworkInterfaceId ??
    route.TransitGatewayId ??
    route.VpcPeeringConnectionId ??
    route.EgressOnlyInternetGatewayId ??
    route.CarrierGatewayId ??
    route.LocalGatewayId ??
    'unknown';
  return { target, state: route.State ?? 'active' };
}

export function subnetViews(subnets: readonly Subnet[], routeTables: readonly RouteTable[]): SubnetView[] {
  const explicit = new Map<string, RouteTable>();
  let main: RouteTable | undefined;
  for (const table of routeTables) {
    for (const association of table.Associations ?? []) {
      if (association.Main) main = table;
      else if (association.SubnetId) explicit.set(association.SubnetId, table);
    }
  }
  return subnets.map((subnet) => {
    const id = subnet.SubnetId ?? '';
    const table = explicit.get(id) ?? main;
    const { target, state } = defaultRouteOf(table);
    const role: SubnetRole = target === null ? 'isolated' : target.startsWith('igw-') ? 'public' : 'private';
    return {
      id,
      label: labelled(subnet.SubnetId, subnet.Tags),
      az: subnet.AvailabilityZone ?? 'unknown AZ',
      cidr: subnet.CidrBlock ?? '',
      role,
      routeTableId: table?.RouteTableId ?? null,
      explicitAssociation: explicit.has(id),
      defaultTarget: target,
      defaultRouteState: state,
    };
  });
}

/** Private in the lab's sense: no route to an internet gateway (NAT-routed or isolated). */
export const isPrivateRole = (role: SubnetRole): boolean => role !== 'public';

export function zonesOf(views: readonly SubnetView[]): string[] {
  return [...new Set(views.map((view) => view.az))].sort();
}
