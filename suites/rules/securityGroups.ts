import type { SecurityGroup } from '@aws-sdk/client-ec2';
import { cidrWithin } from './cidr.ts';
import { labelled } from './resourceNames.ts';
import { joinFixes, partFrom, type RuleResult, summarize } from './ruleResult.ts';
import { describeSource, isWorld, sourcesForPort } from './securityGroupRules.ts';

// net.sg.least-privilege: the app SG takes HTTP from the ALB SG; the DB SG takes MySQL only from the VPC
// CIDR or the app SG; SSH open to the world fails on app and DB groups and is noted on the bastion. The
// ports are the stack's own: the target group's port for HTTP and the database endpoint's port for MySQL
// (80 and 3306 in the lab).

export interface SecurityGroupsInput {
  vpcCidrs: readonly string[];
  albGroupIds: readonly string[];
  appGroupIds: readonly string[];
  /** Empty when there is no database in the stack file. */
  dbGroupIds: readonly string[];
  bastionGroupIds?: readonly string[];
  /** Every group named above, as DescribeSecurityGroups returns them. */
  securityGroups: readonly SecurityGroup[];
  /** The port the ALB's target group sends to (DescribeTargetGroups Port); 80 when unknown. */
  appPort?: number;
  /** The database endpoint's port (DescribeDBInstances Endpoint.Port); 3306 when unknown. */
  dbPort?: number;
}

const SSH = 22;

export function checkSecurityGroups(input: SecurityGroupsInput): RuleResult {
  const HTTP = input.appPort ?? 80;
  const MYSQL = input.dbPort ?? 3306;
  const byId = new Map(input.securityGroups.map((group) => [group.GroupId ?? '', group]));
  const groupsOf = (ids: readonly string[]) =>
    ids.map((id) => byId.get(id)).filter((g): g is SecurityGroup => g !== undefined);
  const names = (ids: readonly string[]) =>
    ids
      .map(
        (id) =>
          labelled(id, byId.get(id)?.Tags) + (byId.get(id)?.GroupName ? ` "${byId.get(id)?.GroupName}"` : ''),
      )
      .join(', ');
  const problems: string[] = [];
  const fixes: string[] = [];
  const notes: string[] = [];
  // Where each problem was found, for the check's parts.
  const problemsOf = { app: [] as string[], db: [] as string[], ssh: [] as string[] };
  const problemIn = (part: keyof typeof problemsOf, text: string) => {
    problems.push(text);
    problemsOf[part].push(text);
  };

  const missing = [...input.albGroupIds, ...input.appGroupIds, ...input.dbGroupIds].filter(
    (id) => !byId.has(id),
  );
  if (missing.length > 0) notes.push(`security groups not found: ${missing.join(', ')}`);

  // App: HTTP from the ALB's group, never from the whole internet.
  const appGroups = groupsOf(input.appGroupIds);
  const appHttp = sourcesForPort(appGroups, HTTP);
  const albGroups = new Set(input.albGroupIds);
  const worldHttp = appHttp.filter(isWorld);
  if (worldHttp.length > 0) {
    problemIn(
      'app',
      `the app security group ${names(input.appGroupIds)} takes HTTP from ${worldHttp.map(describeSource).join(', ')}, not only from the load balancer`,
    );
    fixes.push(
      `in the app security group, replace the 0.0.0.0/0 HTTP rule with one whose source is the ALB security group ${names(input.albGroupIds)}`,
    );
  }
  if (!appHttp.some((source) => source.kind === 'group' && albGroups.has(source.value))) {
    problemIn(
      'app',
      `the app security group ${names(input.appGroupIds)} has no HTTP (${HTTP}) rule from the ALB security group ${names(input.albGroupIds)}`,
    );
    fixes.push(
      `add an inbound rule ${HTTP === 80 ? 'HTTP 80' : `Custom TCP ${HTTP}`} to the app security group with the ALB security group as source`,
    );
  }

  // DB: MySQL only from inside the VPC or from the app's group.
  const dbGroups = groupsOf(input.dbGroupIds);
  if (input.dbGroupIds.length > 0) {
    const dbMysql = sourcesForPort(dbGroups, MYSQL);
    const allowedGroups = new Set([...input.appGroupIds, ...input.dbGroupIds]);
    const tooWide = dbMysql.filter((source) =>
      source.kind === 'group'
        ? !allowedGroups.has(source.value)
        : !input.vpcCidrs.some((vpc) => cidrWithin(source.value, vpc)),
    );
    if (tooWide.length > 0) {
      problemIn(
        'db',
        `the DB security group ${names(input.dbGroupIds)} lets MySQL (${MYSQL}) in from ${tooWide.map(describeSource).join(', ')}`,
      );
      fixes.push(
        `limit the DB security group's ${MYSQL} rule to the VPC CIDR ${input.vpcCidrs.join(', ')} or the app security group`,
      );
    }
    if (dbMysql.length === 0) {
      problemIn(
        'db',
        `the DB security group ${names(input.dbGroupIds)} allows no MySQL (${MYSQL}) traffic, so the app cannot reach the database`,
      );
      fixes.push(
        `add an inbound rule MySQL/Aurora ${MYSQL} from the VPC CIDR ${input.vpcCidrs[0] ?? ''} or the app security group`,
      );
    }
  }

  // SSH from anywhere.
  for (const [role, ids] of [
    ['app', input.appGroupIds],
    ['DB', input.dbGroupIds],
  ] as const) {
    const open = sourcesForPort(groupsOf(ids), SSH).filter(isWorld);
    if (open.length > 0) {
      problemIn(
        'ssh',
        `the ${role} security group ${names(ids)} opens SSH (22) to ${open.map(describeSource).join(', ')}`,
      );
      fixes.push(
        `remove SSH from anywhere on the ${role} security group; allow 22 only from the bastion's security group`,
      );
    }
  }
  const bastionIds = input.bastionGroupIds ?? [];
  const bastionOpen = sourcesForPort(groupsOf(bastionIds), SSH).filter(isWorld);
  if (bastionOpen.length > 0) {
    notes.push(
      `the bastion security group ${names(bastionIds)} opens SSH (22) to ${bastionOpen.map(describeSource).join(', ')}; limit it to your own IP`,
    );
  }

  const rulesOf = (ids: readonly string[], port: number) =>
    sourcesForPort(groupsOf(ids), port).map(describeSource);
  const details = {
    vpcCidrs: [...input.vpcCidrs],
    alb: { groups: [...input.albGroupIds] },
    app: {
      groups: [...input.appGroupIds],
      http: rulesOf(input.appGroupIds, HTTP),
      ssh: rulesOf(input.appGroupIds, SSH),
    },
    db: {
      groups: [...input.dbGroupIds],
      mysql: rulesOf(input.dbGroupIds, MYSQL),
      ssh: rulesOf(input.dbGroupIds, SSH),
    },
    bastion: { groups: [...bastionIds], ssh: rulesOf(bastionIds, SSH) },
    notes,
  };
  const parts = [
    partFrom('app-from-alb', problemsOf.app, `the app takes HTTP (${HTTP}) only from the load balancer`),
    // Without a database in the stack file there is nothing to judge the DB group on.
    ...(input.dbGroupIds.length > 0
      ? [
          partFrom(
            'db-from-vpc-or-app',
            problemsOf.db,
            `the DB takes MySQL (${MYSQL}) only from the VPC or the app`,
          ),
        ]
      : []),
    partFrom('no-world-ssh', problemsOf.ssh, 'no app or DB security group opens SSH (22) to the world'),
  ];
  if (problems.length > 0) {
    const fix = joinFixes(fixes);
    return { ok: false, reason: summarize(problems), ...(fix ? { fix } : {}), notes, details, parts };
  }
  const dbPart = input.dbGroupIds.length > 0 ? `; the DB takes ${MYSQL} only from the VPC or the app` : '';
  return {
    ok: true,
    reason: `the app takes HTTP only from the load balancer${dbPart}; no app or DB group opens SSH to the world`,
    notes,
    details,
    parts,
  };
}
