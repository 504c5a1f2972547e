import { defaults } from '../config/defaults.ts';
import { getDistribution } from '../probes/aws/cloudFront.ts';
import type { HttpSample } from '../probes/http.ts';
import { httpGet } from '../probes/http.ts';
import { median } from '../probes/stats/quantiles.ts';
import { awsCheck, outcomeOf } from './awsCheck.ts';
import { check, failed, passed, skipped } from './check.ts';
import { getWithEvidence, httpOptions } from './httpEvidence.ts';
import { checkCfOrigin } from './rules/cfOrigin.ts';
import { suiteChecks } from './suiteChecks.ts';

export const stateChecks = suiteChecks(() => {
  check('cf.cache.hit', async ({ stack, settings, evidence }) => {
    const url = stack.cloudfront?.url;
    if (!url) return skipped('cloudfront.url is not set in the stack file');
    const seen: HttpSample[] = [];
    for (let attempt = 1; attempt <= defaults.cloudFrontHit.attempts; attempt += 1) {
      const response = await getWithEvidence(evidence, settings, `GET #${attempt} through CloudFront`, url);
      seen.push(response);
      const xCache = response.headers['x-cache'] ?? '';
      evidence.event(`GET #${attempt}`, `${response.status} x-cache: ${xCache || '(none)'}`);
      // RefreshHit: served from the cache after CloudFront revalidated it with the origin; a hit all the same.
      const hit = /^(hit|refreshhit) from cloudfront$/i.exec(xCache.trim());
      if (hit && response.status === 200) {
        const via = response.headers.via ?? '';
        const age = response.headers.age;
        evidence.part('hit', true, `request ${attempt} was "${xCache.trim()}"`);
        evidence.part(
          'via-cloudfront',
          /cloudfront/i.test(via),
          via ? `Via: ${via}` : 'the hit came without a Via header',
        );
        evidence.part(
          'age',
          age !== undefined,
          age !== undefined ? `Age: ${age}` : 'the hit came without an Age header',
        );
        evidence.measure('hit after requests', attempt, 'requests');
        if (!/cloudfront/i.test(via))
          return failed(`x-cache says ${xCache} but Via does not name CloudFront (Via: ${via || 'none'})`);
        if (age === undefined) return failed('a CloudFront hit without an Age header');
        evidence.measure('age', Number(age), 's');
        return passed(
          `request ${attempt} was "${xCache.trim()}" (Age ${age}, pop ${response.headers['x-amz-cf-pop'] ?? '?'})`,
        );
      }
    }
    const last = seen.at(-1)!;
    const xCache = last.headers['x-cache'];
    // No hit: Via is still judged on the last answer (a distribution names itself on misses and errors too);
    // an Age comes only with a hit.
    evidence.part(
      'hit',
      false,
      `${defaults.cloudFrontHit.attempts} GETs, none a 200 "Hit from cloudfront" (last: ${last.status} ${xCache ?? 'no X-Cache'})`,
    );
    const lastVia = last.headers.via ?? '';
    evidence.part(
      'via-cloudfront',
      /cloudfront/i.test(lastVia),
      lastVia ? `Via: ${lastVia}` : 'no Via header in the last answer',
    );
    evidence.part('age', false, 'not judged: no cache hit to carry an Age');
    if (!xCache) {
      return failed(
        `no X-Cache header in ${defaults.cloudFrontHit.attempts} responses: ${url} does not look like a CloudFront distribution`,
        'use the distribution domain name (dxxxx.cloudfront.net) as cloudfront.url',
      );
    }
    if (last.status >= 400) {
      return failed(
        `CloudFront answered ${last.status} (${xCache}) ${defaults.cloudFrontHit.attempts} times: the origin refuses the request`,
        'make the S3 website origin publicly readable (bucket policy s3:GetObject for "*") and set the default root object',
      );
    }
    return failed(
      `${defaults.cloudFrontHit.attempts} GETs in a row were "${xCache}", never "Hit from cloudfront"`,
      'attach a caching policy (e.g. CachingOptimized) to the default behavior, and do not send Cache-Control: no-store from the origin',
    );
  });

  check('cf.speedup', async ({ stack, settings, evidence }) => {
    const s3Url = stack.s3?.websiteUrl;
    const cfUrl = stack.cloudfront?.url;
    if (!s3Url || !cfUrl) return skipped('needs both s3.websiteUrl and cloudfront.url in the stack file');
    const samples = settings.probe.speedupSamples;
    const options = httpOptions(settings, { freshConnection: true });
    const ttfb = { s3: [] as number[], cloudfront: [] as number[] };
    const statuses = { s3: new Set<number>(), cloudfront: new Set<number>() };
    // In pairs sent at the same moment, so that a slow moment of the network or the machine hurts both sides
    // alike; a pair takes as long as its slower side, not the two sides in turn.
    for (let i = 0; i < samples; i += 1) {
      const [s3, cf] = await Promise.all([httpGet(s3Url, options), httpGet(cfUrl, options)]);
      ttfb.s3.push(s3.timings.ttfbMs);
      ttfb.cloudfront.push(cf.timings.ttfbMs);
      statuses.s3.add(s3.status);
      statuses.cloudfront.add(cf.status);
    }
    const s3Median = median(ttfb.s3);
    const cfMedian = median(ttfb.cloudfront);
    const ratio = s3Median / Math.max(cfMedian, 0.001);
    evidence.series('S3 website TTFB', 'ms', ttfb.s3);
    evidence.series('CloudFront TTFB', 'ms', ttfb.cloudfront);
    evidence.measure('S3 website median TTFB', s3Median, 'ms');
    evidence.measure('CloudFront median TTFB', cfMedian, 'ms');
    evidence.measure('speedup', ratio, '×', 'S3 median / CloudFront median');
    evidence.set('statuses', { s3: [...statuses.s3], cloudfront: [...statuses.cloudfront] });
    const faster = ratio >= 1 ? `${ratio.toFixed(1)}× faster` : `${(1 / ratio).toFixed(1)}× slower`;
    return passed(
      `informational: CloudFront median TTFB ${cfMedian.toFixed(1)} ms vs S3 website ${s3Median.toFixed(1)} ms over ${samples} samples (${faster})`,
    );
  });

  awsCheck(
    'cf.origin',
    [
      ['cloudfront.distributionId', (s) => s.cloudfront?.distributionId],
      ['s3.bucket', (s) => s.s3?.bucket],
    ],
    async (c) => {
      const distribution = await getDistribution(
        c.inventory.clients.cloudFront,
        c.stack.cloudfront!.distributionId!,
      );
      const config = distribution.DistributionConfig;
      c.evidence.set('distribution', {
        id: distribution.Id ?? null,
        domainName: distribution.DomainName ?? null,
        status: distribution.Status ?? null,
        defaultRootObject: config?.DefaultRootObject ?? null,
        origins: (config?.Origins?.Items ?? []).map((origin) => origin.DomainName ?? ''),
      });
      return outcomeOf(
        checkCfOrigin({ distribution, bucket: c.stack.s3!.bucket!, region: c.stack.region! }),
        c,
      );
    },
  );
});
