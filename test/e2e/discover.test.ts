import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { loadStackFile } from '../../config/loadStack.ts';
import type { Stack } from '../../config/schema.ts';
import { catalog } from '../../suites/catalog.ts';
import { twinForTests } from '../twinForTests.ts';
import { idsWithVerdict, labdrill, readReport } from './labdrillCommand.ts';

// `labdrill discover` against the twin, as a user runs it against AWS: the real command, the unchanged
// SDK pointed at the twin by AWS_ENDPOINT_URL_*, then `labdrill run` on the file it wrote.

const lab = twinForTests();
const dir = mkdtempSync(join(tmpdir(), 'labdrill-discover-'));
const region = 'ap-northeast-2';

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
});

const discover = (args: string[], env: NodeJS.ProcessEnv = lab.twin.awsEnv) =>
  labdrill(['discover', '--region', region, ...args], { env, timeoutMs: 60_000 });

describe('labdrill discover on the twin', () => {
  it("finds every part of the lab by the seeds' names", async () => {
    const out = join(dir, 'discovered.yaml');
    const result = await discover(['--name-prefix', 'lab-vpc', '--out', out]);
    expect(result.code, result.explain()).toBe(0);
    const text = readFileSync(out, 'utf8');
    const stack = loadStackFile(out);
    const { state } = lab.twin;
    expect(stack).toMatchObject({
      name: 'lab-vpc',
      region,
      aws: { expectAccount: state.accountId },
      vpc: { id: state.vpc.vpcId, name: 'lab-vpc' },
      alb: {
        name: state.loadBalancer.name,
        dnsName: state.loadBalancer.dnsName,
        url: `http://${state.loadBalancer.dnsName}/`,
        expectedTargets: state.instances.length,
      },
      asg: { name: state.autoScalingGroup.name },
      rds: { instance: lab.twin.stack.rds?.instance, replica: lab.twin.stack.rds?.replica },
      efs: { fileSystemId: state.efs.fileSystemId, path: '/var/www/html/efs', urlPath: '/efs/' },
      // ap-northeast-2 spells the website endpoint with a dot.
      s3: {
        bucket: state.bucket.name,
        websiteUrl: `http://${state.bucket.name}.s3-website.ap-northeast-2.amazonaws.com/`,
      },
      cloudfront: { url: `https://${state.distribution.domainName}/`, distributionId: state.distribution.id },
    });
    // Endpoints stay in the environment; the file says so instead of copying them.
    expect(stack.aws?.endpoints).toBeUndefined();
    expect(text).toMatch(/^# labdrill stack file from `labdrill discover`/);
    expect(text).toMatch(/^# dns: not discovered/m);
    expect(result.stderr).toMatch(/discover wrote .*alb lab-vpc-alb-asg \(2 targets\)/);
  });

  it('finds the distribution through GetDistribution when the list leaves its origins out', async () => {
    // Another AWS implementation: ListDistributions summaries without Origins.
    const { operations } = lab.twin.controlPlane;
    const list = operations.handlerFor('cloudfront', 'ListDistributions')!;
    operations.defineOperation('cloudfront', 'ListDistributions', async (params, context) => {
      const answer = (await list(params, context)) as {
        DistributionList: { Items: Record<string, unknown>[] };
      };
      for (const item of answer.DistributionList.Items) delete item.Origins;
      return answer;
    });
    try {
      const out = join(dir, 'no-origins.yaml');
      const result = await discover(['--name-prefix', 'lab-vpc', '--out', out]);
      expect(result.code, result.explain()).toBe(0);
      expect(loadStackFile(out).cloudfront).toEqual({
        url: `https://${lab.twin.state.distribution.domainName}/`,
        distributionId: lab.twin.state.distribution.id,
      });
    } finally {
      operations.defineOperation('cloudfront', 'ListDistributions', list);
    }
  });

  it('selects by tag as well', async () => {
    const result = await discover(['--tag', 'Name=lab-vpc']);
    expect(result.code, result.explain()).toBe(0);
    // Without --out the stack file is stdout, and only the stack file.
    expect(result.stdout).toMatch(/^# labdrill stack file/);
    expect(result.stdout).toMatch(/^ {2}name: lab-vpc-alb-asg$/m);
  });

  it('leaves comments where it finds nothing', async () => {
    const result = await discover(['--name-prefix', 'nobody-vpc']);
    expect(result.code, result.explain()).toBe(0);
    expect(result.stdout).toMatch(/^# vpc: no VPC found with names starting with 'nobody-vpc'/m);
    expect(result.stdout).not.toMatch(/^alb:/m);
    // The bucket and the distribution are not in the VPC and are still found.
    expect(result.stdout).toMatch(/^ {2}bucket: lab-s3-web-hosting$/m);
  });

  it('writes a stack file that `labdrill run` passes, with the data-plane URLs kept from --merge', async () => {
    // The data-plane names AWS reports (ALB DNS name, S3 website host) do not resolve here; a user with a
    // tunnel or proxy is in the same place. Their file holds only what discovery cannot know.
    const own: Stack = {
      name: 'kim-lab',
      s3: { websiteUrl: lab.twin.stack.s3!.websiteUrl! },
      cloudfront: { url: lab.twin.stack.cloudfront!.url! },
      alb: { url: lab.twin.stack.alb!.url! },
      ec2: { instanceUrls: lab.twin.stack.ec2!.instanceUrls! },
      dns: lab.twin.stack.dns!,
    };
    const mergeFile = join(dir, 'mine.yaml');
    writeFileSync(mergeFile, stringify(own));
    const stackFile = join(dir, 'merged.yaml');
    const found = await discover(['--merge', mergeFile, '--out', stackFile]);
    expect(found.code, found.explain()).toBe(0);
    const stack = loadStackFile(stackFile);
    expect(stack.name).toBe('kim-lab');
    expect(stack.alb?.url).toBe(lab.twin.stack.alb!.url);
    expect(stack.alb?.name).toBe(lab.twin.state.loadBalancer.name);
    expect(stack.rds?.replica).toBe(lab.twin.stack.rds!.replica);
    const text = readFileSync(stackFile, 'utf8');
    expect(text).toMatch(/^# alb\.url: kept .* from mine\.yaml; discovery found http:\/\/lab-vpc-alb-asg/m);
    expect(text).not.toMatch(/^# dns:/m);

    const out = join(dir, 'run');
    const run = await labdrill(['run', '--config', stackFile, '--out', out], { env: lab.twin.awsEnv });
    const report = readReport(out, run);
    expect(idsWithVerdict(report, ['fail', 'error']), run.stdout).toEqual([]);
    expect(run.code, run.explain()).toBe(0);
    const awsProbes = catalog
      .filter((e) => e.kind === 'probe' && e.needs.includes('aws') && e.id !== 'asg.scale-in.observe')
      .map((e) => e.id)
      .sort();
    expect(idsWithVerdict(report, ['pass']).filter((id) => awsProbes.includes(id))).toEqual(awsProbes);
  }, 120_000);
});

describe('labdrill discover refuses', () => {
  it('bad flags with exit 2 before reading anything', async () => {
    // Nothing listens there: a command that got as far as an AWS call would fail with exit 1, not 2.
    const unreachable = { AWS_ENDPOINT_URL: 'http://127.0.0.1:9/' };
    const cases = [
      { args: ['--tag', 'no-equals-sign'], message: /^labdrill: --tag: expected KEY=VALUE/ },
      { args: ['--tag', 'Name=lab-*'], message: /^labdrill: --tag: expected KEY=VALUE without wildcards/ },
      { args: ['--name-prefix', 'lab-vpc', '--tag', 'Name=lab-vpc'], message: /give one of them/ },
      { args: ['--name-prefix', 'lab*'], message: /^labdrill: --name-prefix: .*no wildcards/ },
      {
        args: ['--merge', join(dir, 'no-such-file.yaml')],
        message: /no-such-file\.yaml: cannot read stack file/,
      },
    ];
    const results = await Promise.all([
      ...cases.map((c) => discover(c.args, unreachable)),
      labdrill(['discover', '--region', 'Seoul'], { env: unreachable }),
      labdrill(['discover'], { env: unreachable }),
    ]);
    cases.forEach((c, index) => {
      expect(results[index]?.code, c.args.join(' ')).toBe(2);
      expect(results[index]?.stderr, c.args.join(' ')).toMatch(c.message);
    });
    const [badRegion, noRegion] = results.slice(cases.length);
    expect(badRegion?.code, badRegion?.explain()).toBe(2);
    expect(badRegion?.stderr).toMatch(/--region must be an AWS region like ap-northeast-2, got 'Seoul'/);
    expect(noRegion?.code, noRegion?.explain()).toBe(2);
    expect(noRegion?.stderr).toMatch(/--region/);
  });

  it('to overwrite a file unless told to', async () => {
    const existing = join(dir, 'existing.yaml');
    writeFileSync(existing, 'name: mine\n');
    const result = await discover(['--out', existing]);
    expect(result.code, result.explain()).toBe(2);
    expect(result.stderr).toMatch(/exists; pass --force/);
    expect(readFileSync(existing, 'utf8')).toBe('name: mine\n');
  });

  it('and exits 1 with one line naming the IAM action when AWS denies a read', async () => {
    const out = join(dir, 'denied.yaml');
    const env = { ...lab.twin.awsEnv, AWS_ACCESS_KEY_ID: 'AKIADENY0EXAMPLE0KEY' };
    const result = await discover(['--out', out], env);
    expect(result.code, result.explain()).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(
      /^labdrill: discover: missing IAM permission [a-z0-9]+:[A-Za-z]+ \(AccessDenied\)/,
    );
    expect(existsSync(out)).toBe(false);
  });
});
