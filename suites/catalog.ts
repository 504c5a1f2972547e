import type { CheckKind, Need } from '../reports/evidence.ts';

// The check catalog. Ids are an interface (reports, rubrics, --only): spell them exactly as the design does.

export interface CatalogEntry {
  id: string;
  title: string;
  kind: CheckKind;
  needs: Need[];
  /** The lab part; also the suite file that holds the check (suites/<part>.probes.ts or .drills.ts). */
  part: 's3' | 'cloudfront' | 'network' | 'ec2' | 'efs' | 'alb' | 'rds' | 'asg' | 'dns';
  proves: string;
}

export const catalog: readonly CatalogEntry[] = [
  {
    id: 's3.website.public-read',
    title: 'S3 website serves the lab page',
    kind: 'probe',
    needs: ['http'],
    part: 's3',
    proves: 'the S3 website endpoint serves the lab page with 200 to an anonymous client',
  },
  {
    id: 'cf.cache.hit',
    title: 'CloudFront serves cache hits',
    kind: 'probe',
    needs: ['http'],
    part: 'cloudfront',
    proves: 'a repeated GET through CloudFront is a "Hit from cloudfront", with Via naming CloudFront and an Age',
  },
  {
    id: 'cf.speedup',
    title: 'CloudFront vs S3 time to first byte (informational)',
    kind: 'probe',
    needs: ['http'],
    part: 'cloudfront',
    proves: 'reports the median TTFB of the S3 website and of CloudFront over k samples, and their ratio',
  },
  {
    id: 'ec2.app.page',
    title: 'Every app server renders the lab page',
    kind: 'probe',
    needs: ['http'],
    part: 'ec2',
    proves: 'every instance page shows instance id, AZ and private IP, and no "Failed to connect to MySQL"',
  },
  {
    id: 'alb.round-robin',
    title: 'The ALB spreads requests over every target and both AZs',
    kind: 'probe',
    needs: ['http'],
    part: 'alb',
    proves:
      'N requests through the ALB reach every target and both AZs, with shares consistent with round robin (chi-square test, N chosen for power), and no 5xx',
  },
  {
    id: 'dns.custom-domain',
    title: 'The custom domain points at the ALB',
    kind: 'probe',
    needs: ['dns'],
    part: 'dns',
    proves: 'the custom domain resolves (CNAME or alias) to the load balancer',
  },
];

export const checkIds: readonly string[] = catalog.map((entry) => entry.id);

export function catalogEntry(id: string): CatalogEntry {
  const entry = catalog.find((candidate) => candidate.id === id);
  if (!entry) throw new Error(`check id '${id}' is not in the catalog`);
  return entry;
}
