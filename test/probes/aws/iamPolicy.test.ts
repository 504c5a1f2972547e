import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { iamActionsFor } from '../../../probes/aws/iamActions.ts';
import {
  assumeRoleActions,
  drillActions,
  execActions,
  iamPolicy,
  readActions,
  renderIamPolicyJson,
} from '../../../probes/aws/iamPolicy.ts';

// The policies must match the code: every command the source sends (`new XxxCommand(`) or pages through
// (`paginateXxx`) needs an action in the policy, and the policy lists nothing the code never calls.

const root = fileURLToPath(new URL('../../../', import.meta.url));

const serviceIdOfPackage: Record<string, string> = {
  'client-ec2': 'EC2',
  'client-elastic-load-balancing-v2': 'Elastic Load Balancing v2',
  'client-auto-scaling': 'Auto Scaling',
  'client-cloudwatch': 'CloudWatch',
  'client-rds': 'RDS',
  'client-s3': 'S3',
  'client-cloudfront': 'CloudFront',
  'client-efs': 'EFS',
  'client-sts': 'STS',
  'client-ssm': 'SSM',
};

function sourceFiles(folder: string): string[] {
  const path = join(root, folder);
  if (!existsSync(path)) return [];
  return readdirSync(path, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.ts'))
    .map((name) => join(path, name));
}

/** IAM actions the source text calls, found through its imports from the SDK client packages. */
function actionsCalledIn(source: string): Set<string> {
  const packageOf = new Map<string, string>();
  for (const match of source.matchAll(/import\s*\{([^}]*)\}\s*from\s*'@aws-sdk\/(client-[a-z0-9-]+)'/g)) {
    for (const part of (match[1] ?? '').split(',')) {
      const name = part.trim();
      if (name && !name.startsWith('type '))
        packageOf.set(name.split(/\s+as\s+/).pop() ?? name, match[2] ?? '');
    }
  }
  const actions = new Set<string>();
  const add = (identifier: string, commandName: string) => {
    const pkg = packageOf.get(identifier);
    if (!pkg) return;
    const serviceId = serviceIdOfPackage[pkg];
    if (!serviceId) throw new Error(`no serviceId known for @aws-sdk/${pkg}`);
    for (const action of iamActionsFor(serviceId, commandName)) actions.add(action);
  };
  for (const match of source.matchAll(/\bnew\s+(\w+Command)\s*\(/g)) add(match[1] ?? '', match[1] ?? '');
  for (const match of source.matchAll(/\b(paginate(\w+))\b/g)) add(match[1] ?? '', `${match[2]}Command`);
  return actions;
}

function actionsCalledUnder(...folders: string[]): Set<string> {
  const actions = new Set<string>();
  for (const folder of folders) {
    for (const file of sourceFiles(folder))
      for (const action of actionsCalledIn(readFileSync(file, 'utf8'))) actions.add(action);
  }
  return actions;
}

const sorted = (values: Iterable<string>) => [...values].sort();

describe('the source scan', () => {
  it('finds commands sent directly and through paginators', () => {
    const source = [
      "import { DescribeTargetHealthCommand, type Listener, paginateDescribeListeners } from '@aws-sdk/client-elastic-load-balancing-v2';",
      "import { GetPublicAccessBlockCommand } from '@aws-sdk/client-s3';",
      'await awsCall(elbv2, new DescribeTargetHealthCommand({}));',
      'await awsPaged(elbv2, paginateDescribeListeners, {}, (p) => p.Listeners);',
      'await s3.send(new GetPublicAccessBlockCommand({ Bucket }));',
    ].join('\n');
    expect(sorted(actionsCalledIn(source))).toEqual([
      'elasticloadbalancing:DescribeListeners',
      'elasticloadbalancing:DescribeTargetHealth',
      's3:GetBucketPublicAccessBlock',
    ]);
  });
});

describe('the IAM policies', () => {
  it("read policy (and assuming a stack's role) is exactly what probes/aws calls", () => {
    expect(sorted([...readActions, ...assumeRoleActions])).toEqual(sorted(actionsCalledUnder('probes/aws')));
  });

  it('exec actions are exactly what probes/exec calls', () => {
    expect(sorted(execActions)).toEqual(sorted(actionsCalledUnder('probes/exec')));
  });

  it('drill policy covers every action drills/ calls', () => {
    const policy = new Set(iamPolicy('drill').Statement.flatMap((statement) => statement.Action));
    const missing = sorted(actionsCalledUnder('drills')).filter((action) => !policy.has(action));
    expect(missing).toEqual([]);
  });

  it('drill policy lists no action that a written drill does not call', () => {
    // A drill counts as written once a suite registers its check; until then its actions are declared ahead.
    const suites = sourceFiles('suites')
      .map((file) => readFileSync(file, 'utf8'))
      .join('\n');
    const written = new Set(
      drillActions.map((entry) => entry.check).filter((id) => suites.includes(`check('${id}'`)),
    );
    const called = actionsCalledUnder('drills', 'suites');
    const unused = drillActions.filter((entry) => written.has(entry.check) && !called.has(entry.action));
    expect(unused).toEqual([]);
  });

  it('renders valid policy documents, read without writes', () => {
    const read = JSON.parse(renderIamPolicyJson('read')) as ReturnType<typeof iamPolicy>;
    expect(read.Version).toBe('2012-10-17');
    const readAllowed = read.Statement.flatMap((statement) => statement.Action);
    expect(readAllowed).toContain('ec2:DescribeSubnets');
    expect(readAllowed).not.toContain('ssm:SendCommand');
    expect(readAllowed.every((action) => /^[a-z0-9]+:(Describe|Get|List)/.test(action))).toBe(true);
    const withExec = iamPolicy('read', { exec: true }).Statement.flatMap((statement) => statement.Action);
    expect(withExec).toContain('ssm:SendCommand');
    const drill = JSON.parse(renderIamPolicyJson('drill')) as ReturnType<typeof iamPolicy>;
    const drillAllowed = drill.Statement.flatMap((statement) => statement.Action);
    expect(drillAllowed).toEqual(
      expect.arrayContaining(['rds:RebootDBInstance', 's3:PutBucketPolicy', 'ssm:GetCommandInvocation']),
    );
    expect(new Set(drillAllowed).size).toBe(drillAllowed.length);
  });
});
