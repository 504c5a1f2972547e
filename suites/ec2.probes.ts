import { defaults } from '../config/defaults.ts';
import { AwsProbeError } from '../probes/aws/awsCall.ts';
import type { LabInventory } from '../probes/aws/labInventory.ts';
import { httpGet } from '../probes/http.ts';
import type { InstancePage } from '../probes/page.ts';
import { readInstancePage } from '../probes/page.ts';
import { readSampleTable, type SampleTable } from '../probes/sampleTable.ts';
import { sampleServingTargets } from '../probes/servingTargets.ts';
import { type SqlEndpointNames, sqlAccessFor } from '../probes/sql.ts';
import { inventoryIfConfigured, needsAlbName, needsAsgName } from './awsCheck.ts';
import { type CheckContext, check, failed, passed, skipped } from './check.ts';
import { httpOptions, recordResponse } from './httpEvidence.ts';
import { judgeSampleRows } from './rules/sampleRows.ts';
import { suiteChecks } from './suiteChecks.ts';

// ec2.app.page: every app server's page shows its metadata, no database error, the rows of table SAMPLE
// (the same on every page, and those of the database when labdrill can read it), and as many instances
// answer as AWS (or the stack file) says there are.

/** How many app instances should answer, and who says so. */
interface ExpectedInstances {
  count: number;
  source: string;
}

/**
 * The number of app instances: from AWS (the targets registered with the load balancer, else the group's
 * InService instances), else from the stack file (expect.appInstances, alb.expectedTargets, the number of
 * ec2.instanceUrls), else the lab's 2.
 */
async function expectedInstances(c: CheckContext, lab: LabInventory | undefined): Promise<ExpectedInstances> {
  const { stack } = c;
  if (lab) {
    try {
      if (stack.alb?.name) {
        // Draining and unused targets are on their way out or not in use: they are not app servers now.
        const registered = (await lab.targetHealth()).filter(
          (t) => !['draining', 'unused'].includes(t.TargetHealth?.State ?? ''),
        );
        if (registered.length > 0)
          return { count: registered.length, source: 'targets registered with the load balancer' };
      }
      if (stack.asg?.name) {
        const group = await lab.autoScalingGroup();
        const inService = (group.Instances ?? []).filter((i) => i.LifecycleState === 'InService');
        if (inService.length > 0)
          return { count: inService.length, source: `InService instances of ${stack.asg.name}` };
      }
    } catch (error) {
      if (!(error instanceof AwsProbeError)) throw error;
      c.evidence.note(
        `the app instances could not be counted in AWS (${error.message}); using the stack file`,
      );
    }
  }
  if (stack.expect?.appInstances) return { count: stack.expect.appInstances, source: 'expect.appInstances' };
  if (stack.alb?.expectedTargets) return { count: stack.alb.expectedTargets, source: 'alb.expectedTargets' };
  const urls = stack.ec2?.instanceUrls?.length ?? 0;
  if (urls > 0) return { count: urls, source: 'ec2.instanceUrls' };
  const labCount = defaults.expect.appInstances;
  return { count: labCount, source: `the lab's ${labCount} (set expect.appInstances)` };
}

export const stateChecks = suiteChecks(() => {
  const appInventory = inventoryIfConfigured([needsAlbName]) ?? inventoryIfConfigured([needsAsgName]);
  const dbInventory = inventoryIfConfigured([['rds.instance', (s) => s.rds?.instance]]);

  /** SAMPLE on the primary when the stack file gives SQL access; null (with a note) when it does not. */
  async function databaseSample(c: CheckContext): Promise<SampleTable | null> {
    if (!c.stack.rds?.sql) return null;
    const names: SqlEndpointNames = {};
    try {
      if (dbInventory && c.stack.rds.instance && !c.stack.rds.sql.host) {
        const primary = await dbInventory.dbInstance(c.stack.rds.instance);
        if (primary.Endpoint?.Address)
          names.primary = { address: primary.Endpoint.Address, port: primary.Endpoint.Port ?? 3306 };
      }
      const access = sqlAccessFor(c.stack, names);
      if (typeof access === 'string') {
        c.evidence.note(`the pages' SAMPLE rows were not compared with the database: ${access}`);
        return null;
      }
      const table = await readSampleTable({
        endpoint: access.primary,
        credentials: access.credentials,
        ...defaults.sqlSession,
      });
      c.evidence.event(
        'read SAMPLE on the primary',
        `${table.rows.length} row(s)${table.truncated ? ', cut' : ''}`,
      );
      return table;
    } catch (error) {
      // labdrill's own way to the database failing is no fault of the pages: judge them without it.
      const text = error instanceof Error ? error.message : String(error);
      c.evidence.note(`the pages' SAMPLE rows were not compared with the database: ${text}`);
      return null;
    }
  }

  check('ec2.app.page', async (c) => {
    const { stack, settings, evidence } = c;
    const patterns = stack.alb?.instancePattern;
    const expected = await expectedInstances(c, appInventory);
    const pages: { source: string; page: InstancePage }[] = [];
    const directUrls = stack.ec2?.instanceUrls;
    if (directUrls && directUrls.length > 0) {
      for (const url of directUrls) {
        const response = await httpGet(url, httpOptions(settings));
        recordResponse(evidence, `GET ${url}`, response, 1500);
        if (response.status !== 200) {
          evidence.part('metadata', false, `${url} answers ${response.status}, not the lab page`);
          return failed(
            `${url} answers ${response.status}, expected the lab page with 200`,
            'check Apache and index.php on the instance',
          );
        }
        pages.push({ source: url, page: readInstancePage(response.body, patterns) });
      }
    } else if (stack.alb?.url) {
      // Without direct URLs, reach the instances through the ALB until each expected one has answered.
      const targets = expected.count;
      const served = await sampleServingTargets(stack.alb.url, {
        requests: Math.max(8, targets * 6),
        concurrency: 2,
        http: httpOptions(settings),
        ...(patterns ? { patterns } : {}),
      });
      for (const [instanceId, page] of Object.entries(served.pages))
        pages.push({ source: `ALB → ${instanceId}`, page });
      if (pages.length === 0) {
        const firstError = served.requests.find((request) => request.error)?.error;
        throw new Error(firstError ?? `no page through ${stack.alb.url} showed an instance id`);
      }
    } else {
      return skipped('needs ec2.instanceUrls or alb.url in the stack file');
    }
    evidence.set(
      'instances',
      pages.map(({ source, page }) => ({
        source,
        instanceId: page.instanceId,
        availabilityZone: page.availabilityZone,
        privateIp: page.privateIp,
        dbError: page.dbError,
        sampleRows: page.sampleRows.length,
      })),
    );
    // Every part is judged on every page; the verdict names the first problem in the parts' order.
    const withoutMetadata = pages.flatMap(({ source, page }) => {
      const missing = [
        page.instanceId ? null : 'instance id',
        page.availabilityZone ? null : 'availability zone',
        page.privateIp ? null : 'private IP',
      ].filter(Boolean);
      return missing.length > 0 ? [`${source}: the page does not show ${missing.join(', ')}`] : [];
    });
    evidence.part(
      'metadata',
      withoutMetadata.length === 0,
      withoutMetadata[0] ?? `${pages.length} page(s) show instance id, availability zone and private IP`,
    );
    const withDbError = pages.filter(({ page }) => page.dbError);
    const dbErrorText = ({ page }: (typeof pages)[number]) =>
      `${page.instanceId} (${page.availabilityZone}) shows "${page.dbError}"`;
    evidence.part(
      'no-db-error',
      withDbError.length === 0,
      withDbError[0] ? dbErrorText(withDbError[0]) : 'no page shows a database error',
    );
    const sample = judgeSampleRows({
      pages: pages.map(({ source, page }) => ({ source, rows: page.sampleRows })),
      minRows: stack.expect?.sampleRows ?? defaults.expect.sampleRows,
      database: await databaseSample(c),
    });
    evidence.part(sample.part.name, sample.part.passed, sample.part.detail);
    evidence.set('sampleRows', sample.details);
    const answered = new Set(pages.map(({ page }) => page.instanceId).filter((id) => id !== null));
    const everyInstance = answered.size >= expected.count;
    const countText = `${answered.size} of ${expected.count} instance(s) answered (${expected.source})`;
    evidence.part('every-instance', everyInstance, countText);

    if (withoutMetadata[0]) {
      return failed(
        withoutMetadata[0],
        'index.php must print the instance metadata (instance-id, local-ipv4, placement/availability-zone)',
      );
    }
    if (withDbError[0]) {
      return failed(
        dbErrorText(withDbError[0]),
        'check dbinfo.inc on the instance (DB_SERVER = the RDS endpoint, user, password, database) and that the DB security group allows 3306 from the app servers',
      );
    }
    if (!sample.part.passed) return failed(sample.part.detail, sample.fix);
    if (!everyInstance) {
      const through = directUrls && directUrls.length > 0 ? 'ec2.instanceUrls' : 'the ALB';
      return failed(
        `only ${countText} through ${through}`,
        through === 'ec2.instanceUrls'
          ? 'list every app instance in ec2.instanceUrls, and check that each serves index.php'
          : 'every registered instance must be healthy in the target group and serve index.php',
      );
    }
    const summary = pages
      .map(({ page }) => `${page.instanceId} ${page.availabilityZone} ${page.privateIp}`)
      .join('; ');
    return passed(
      `${pages.length} instance page(s) show their metadata; ${sample.part.detail}; ${countText}: ${summary}`,
    );
  });
});
