import type { DistributionSummary } from '@aws-sdk/client-cloudfront';
import type { CloudFrontClient } from '@aws-sdk/client-cloudfront';
import { getDistribution, listDistributions } from '../probes/aws/cloudFront.ts';
import { getBucketWebsite, listBuckets } from '../probes/aws/s3.ts';
import type { Stack } from '../config/schema.ts';
import { chooseCandidate, listNames } from './chooseCandidate.ts';
import type { DiscoveryContext } from './discoveryContext.ts';
import { type BucketOrigin, bucketOfOriginHost, websiteUrl } from './s3WebsiteEndpoint.ts';
import { describeSelector, selectorMatches } from '../config/discoverySelector.ts';

// The S3 website bucket and the CloudFront distribution in front of it. Neither lives in the VPC: the
// bucket is the one with a website configuration that a distribution points at (or that the name
// selects), the distribution the one whose origin is that bucket's website endpoint.

/** GetBucketWebsite is asked of at most this many buckets (one call each). */
const maxBucketsRead = 50;
/** GetDistribution is asked of at most this many summaries that came without their origins. */
const maxDistributionsRead = 20;
/** The seeds' bucket name. */
const seedBucket = 'lab-s3-web-hosting';

export interface FoundWebsite {
  s3?: NonNullable<Stack['s3']>;
  cloudfront?: NonNullable<Stack['cloudfront']>;
}

interface DistributionOrigin {
  distribution: DistributionSummary;
  origin: BucketOrigin;
}

/** The S3 buckets each distribution's origins point at (origins in other regions left out). */
export function bucketOrigins(
  distributions: readonly DistributionSummary[],
  region: string,
): DistributionOrigin[] {
  return distributions.flatMap((distribution) =>
    (distribution.Origins?.Items ?? []).flatMap((item) => {
      const origin = bucketOfOriginHost(item.DomainName ?? '');
      if (!origin || (origin.region !== undefined && origin.region !== region)) return [];
      return [{ distribution, origin }];
    }),
  );
}

/**
 * The summaries, with the origins of those that came without them (an AWS implementation may leave
 * `Origins` out of ListDistributions) read through GetDistribution, for at most maxDistributionsRead.
 */
export async function withOrigins(
  cloudFront: CloudFrontClient,
  summaries: readonly DistributionSummary[],
): Promise<DistributionSummary[]> {
  let reads = 0;
  return Promise.all(
    summaries.map(async (summary) => {
      if ((summary.Origins?.Items?.length ?? 0) > 0 || !summary.Id || reads >= maxDistributionsRead) {
        return summary;
      }
      reads += 1;
      const full = await getDistribution(cloudFront, summary.Id).catch(() => null);
      const origins = full?.DistributionConfig?.Origins;
      return origins ? { ...summary, Origins: origins } : summary;
    }),
  );
}

export async function findWebsite(context: DiscoveryContext): Promise<FoundWebsite> {
  const { selector, region } = context;
  const [distributions, buckets] = await Promise.all([
    listDistributions(context.clients.cloudFront).then((list) =>
      withOrigins(context.clients.cloudFront, list),
    ),
    listBuckets(context.clients.s3, region),
  ]);
  const origins = bucketOrigins(distributions, region);
  const referenced = (name: string, kind?: BucketOrigin['kind']) =>
    origins.some((o) => o.origin.bucket === name && (kind === undefined || o.origin.kind === kind));
  const matches = (name: string) => selectorMatches(selector, { name });
  const names = buckets.map((b) => b.Name ?? '').filter(Boolean);
  const rank = (name: string) =>
    referenced(name, 'website') ? 0 : referenced(name) ? 1 : matches(name) ? 2 : name === seedBucket ? 3 : 4;
  const ordered = [...names].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  const read = ordered.slice(0, maxBucketsRead);
  const websites: string[] = [];
  for (const name of read)
    if ((await getBucketWebsite(context.clients.s3, name)) !== null) websites.push(name);

  const choice = chooseCandidate(websites, [
    { label: 'a CloudFront origin is its website endpoint', test: (name) => referenced(name, 'website') },
    { label: 'a CloudFront origin', test: (name) => referenced(name) },
    ...(selector.kind === 'name-prefix' ? [{ label: describeSelector(selector), test: matches }] : []),
    { label: `named ${seedBucket}`, test: (name) => name === seedBucket },
  ]);
  const found: FoundWebsite = {};
  if (choice.kind === 'chosen') {
    found.s3 = { bucket: choice.item, websiteUrl: websiteUrl(choice.item, region) };
  } else {
    const skipped =
      ordered.length > read.length ? ` (read the first ${read.length} of ${ordered.length} buckets)` : '';
    context.notes.push({
      section: 's3',
      field: 's3.bucket',
      text:
        choice.kind === 'ambiguous'
          ? `s3: several buckets in ${region} have a website configuration (${listNames(choice.items)}); set s3.bucket and s3.websiteUrl`
          : `s3: no bucket in ${region} found with a website configuration${skipped} — set s3.bucket and s3.websiteUrl`,
    });
  }

  const bucket = found.s3?.bucket;
  const fronting = bucket ? origins.filter((o) => o.origin.bucket === bucket) : [];
  const distributionChoice = chooseCandidate(
    [...new Set(fronting.map((o) => o.distribution))],
    [
      {
        label: 'origin is the website endpoint',
        test: (d) => fronting.some((o) => o.distribution === d && o.origin.kind === 'website'),
      },
      { label: 'enabled', test: (d) => d.Enabled === true },
      { label: 'deployed', test: (d) => d.Status === 'Deployed' },
    ],
  );
  if (
    distributionChoice.kind === 'chosen' &&
    distributionChoice.item.Id &&
    distributionChoice.item.DomainName
  ) {
    found.cloudfront = {
      url: `https://${distributionChoice.item.DomainName}/`,
      distributionId: distributionChoice.item.Id,
    };
  } else {
    context.notes.push({
      section: 'cloudfront',
      field: 'cloudfront.distributionId',
      text:
        distributionChoice.kind === 'ambiguous'
          ? `cloudfront: several distributions use bucket ${bucket} as origin (${listNames(distributionChoice.items.map((d) => d.Id ?? '?'))}); set cloudfront.distributionId and cloudfront.url`
          : bucket
            ? `cloudfront: no distribution has bucket ${bucket} as origin — set cloudfront.distributionId and cloudfront.url (https://DOMAIN/)`
            : 'cloudfront: not looked for without the bucket — set cloudfront.distributionId and cloudfront.url (https://DOMAIN/)',
    });
  }
  return found;
}
