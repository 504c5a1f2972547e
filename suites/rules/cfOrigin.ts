import type { Distribution } from '@aws-sdk/client-cloudfront';
import { joinFixes, partFrom, type RuleResult, summarize } from './ruleResult.ts';

// cf.origin: the distribution serves the lab bucket (its website endpoint, or its REST endpoint noted),
// the default behaviour goes to that origin, a default root object is set, and it is enabled and deployed.

export interface CfOriginInput {
  distribution: Distribution;
  bucket: string;
  region: string;
}

type OriginKind = 'website' | 'rest';

function originKind(domain: string, bucket: string, region: string): OriginKind | null {
  const host = domain.toLowerCase().replace(/\.$/, '');
  const b = bucket.toLowerCase();
  if (
    host === `${b}.s3-website-${region}.amazonaws.com` ||
    host === `${b}.s3-website.${region}.amazonaws.com`
  )
    return 'website';
  if (
    host === `${b}.s3.amazonaws.com` ||
    host === `${b}.s3.${region}.amazonaws.com` ||
    host === `${b}.s3-${region}.amazonaws.com`
  )
    return 'rest';
  return null;
}

export function checkCfOrigin(input: CfOriginInput): RuleResult {
  const distribution = input.distribution;
  const config = distribution.DistributionConfig;
  const id = distribution.Id ?? 'the distribution';
  const origins = (config?.Origins?.Items ?? []).map((origin) => ({
    id: origin.Id ?? '',
    domain: origin.DomainName ?? '',
    kind: originKind(origin.DomainName ?? '', input.bucket, input.region),
  }));
  const labOrigin = origins.find((o) => o.kind === 'website') ?? origins.find((o) => o.kind === 'rest');
  const defaultTarget = config?.DefaultCacheBehavior?.TargetOriginId ?? null;
  const rootObject = config?.DefaultRootObject ?? '';
  const notes: string[] = [];
  const problems: string[] = [];
  // By part: whether it serves the bucket (origin, behaviour, enabled, deployed), and its root object.
  const originProblems: string[] = [];
  const rootProblems: string[] = [];
  const problemIn = (part: string[], text: string) => {
    problems.push(text);
    part.push(text);
  };
  const fixes: string[] = [];
  const websiteHost = `${input.bucket}.s3-website.${input.region}.amazonaws.com`;
  if (!labOrigin) {
    problemIn(
      originProblems,
      `${id} does not use bucket ${input.bucket} as origin (origins: ${origins.map((o) => o.domain).join(', ') || 'none'})`,
    );
    fixes.push(`set the origin domain to the bucket's website endpoint ${websiteHost}`);
  } else {
    if (labOrigin.kind === 'rest') {
      notes.push(
        `the origin is the bucket's REST endpoint ${labOrigin.domain}, not the website endpoint: index and error documents of static website hosting do not apply`,
      );
    }
    if (defaultTarget !== labOrigin.id) {
      problemIn(
        originProblems,
        `the default behaviour of ${id} sends requests to origin "${defaultTarget}", not to the bucket's origin "${labOrigin.id}"`,
      );
      fixes.push(`point the default behaviour at origin "${labOrigin.id}"`);
    }
  }
  if (!rootObject) {
    problemIn(
      rootProblems,
      `${id} has no default root object, so its bare URL answers with an error instead of the page`,
    );
    fixes.push('set "Default root object" to the lab page (e.g. mycar.html)');
  }
  if (config?.Enabled !== true) {
    problemIn(originProblems, `${id} is disabled`);
    fixes.push('enable the distribution');
  }
  if (distribution.Status !== 'Deployed') {
    problemIn(
      originProblems,
      `${id} is ${distribution.Status ?? 'not deployed'} (changes still spreading to the edges)`,
    );
    fixes.push('wait until the status is Deployed, then run again');
  }
  const details = {
    distributionId: id,
    domainName: distribution.DomainName ?? null,
    status: distribution.Status ?? null,
    enabled: config?.Enabled ?? null,
    defaultRootObject: rootObject || null,
    defaultBehaviourOrigin: defaultTarget,
    origins: origins.map((o) => ({ id: o.id, domain: o.domain, kind: o.kind ?? 'other' })),
  };
  const parts = [
    partFrom(
      'origin-bucket',
      originProblems,
      `${id} serves ${labOrigin?.domain} (${labOrigin?.kind === 'website' ? 'website endpoint' : 'REST endpoint'}), enabled and deployed`,
    ),
    partFrom('default-root-object', rootProblems, `default root object ${rootObject}`),
  ];
  if (problems.length > 0) {
    const fix = joinFixes(fixes);
    return { ok: false, reason: summarize(problems), ...(fix ? { fix } : {}), notes, details, parts };
  }
  return {
    ok: true,
    reason: `${id} serves ${labOrigin?.domain} (${labOrigin?.kind === 'website' ? 'website endpoint' : 'REST endpoint'}), default root object ${rootObject}, enabled and deployed`,
    notes,
    details,
    parts,
  };
}
