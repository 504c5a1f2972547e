import { httpGet } from '../probes/http.ts';
import type { InstancePage } from '../probes/page.ts';
import { readInstancePage } from '../probes/page.ts';
import { sampleServingTargets } from '../probes/servingTargets.ts';
import { check, failed, passed, skipped } from './check.ts';
import { httpOptions, recordResponse } from './httpEvidence.ts';

check('ec2.app.page', async ({ stack, settings, evidence }) => {
  const patterns = stack.alb?.instancePattern;
  const pages: { source: string; page: InstancePage }[] = [];
  const directUrls = stack.ec2?.instanceUrls;
  if (directUrls && directUrls.length > 0) {
    for (const url of directUrls) {
      const response = await httpGet(url, httpOptions(settings));
      recordResponse(evidence, `GET ${url}`, response, 1500);
      if (response.status !== 200) {
        return failed(
          `${url} answers ${response.status}, expected the lab page with 200`,
          'check Apache and index.php on the instance',
        );
      }
      pages.push({ source: url, page: readInstancePage(response.body, patterns) });
    }
  } else if (stack.alb?.url) {
    // Without direct URLs, reach the instances through the ALB until each expected one has answered.
    const targets = stack.alb.expectedTargets ?? 2;
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
    if (pages.length < targets)
      evidence.note(`only ${pages.length} of ${targets} expected instances answered through the ALB`);
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
  for (const { source, page } of pages) {
    const missing = [
      page.instanceId ? null : 'instance id',
      page.availabilityZone ? null : 'availability zone',
      page.privateIp ? null : 'private IP',
    ].filter(Boolean);
    if (missing.length > 0) {
      return failed(
        `${source}: the page does not show ${missing.join(', ')}`,
        'index.php must print the instance metadata (instance-id, local-ipv4, placement/availability-zone)',
      );
    }
    if (page.dbError) {
      return failed(
        `${page.instanceId} (${page.availabilityZone}) shows "${page.dbError}"`,
        'check dbinfo.inc on the instance (DB_SERVER = the RDS endpoint, user, password, database) and that the DB security group allows 3306 from the app servers',
      );
    }
  }
  const summary = pages
    .map(({ page }) => `${page.instanceId} ${page.availabilityZone} ${page.privateIp}`)
    .join('; ');
  return passed(`${pages.length} instance page(s) show their metadata and the SAMPLE table: ${summary}`);
});
