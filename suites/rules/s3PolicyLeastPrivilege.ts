import type { PublicAccessBlockConfiguration } from '@aws-sdk/client-s3';
import type { Json } from '../../reports/evidence.ts';
import { joinFixes, type RuleResult, summarize } from './ruleResult.ts';

// s3.policy.least-privilege: the bucket policy makes the site public with nothing more than s3:GetObject
// for "*" on arn:aws:s3:::BUCKET/*, and Block Public Access does not cancel that policy.

export interface S3PolicyInput {
  bucket: string;
  /** GetBucketPolicy's text, or null when the bucket has no policy. */
  policyText: string | null;
  publicAccessBlock: PublicAccessBlockConfiguration | null;
}

/** Bucket policies are at most 20 KB; anything much larger is not a policy worth parsing. */
const MAX_POLICY_CHARS = 64 * 1024;

interface Statement {
  Sid?: unknown;
  Effect?: unknown;
  Principal?: unknown;
  NotPrincipal?: unknown;
  Action?: unknown;
  NotAction?: unknown;
  Resource?: unknown;
  NotResource?: unknown;
  Condition?: unknown;
}

const list = (value: unknown): string[] =>
  typeof value === 'string'
    ? [value]
    : Array.isArray(value)
      ? value.filter((v): v is string => typeof v === 'string')
      : [];

function isPublicPrincipal(principal: unknown): boolean {
  if (principal === '*') return true;
  if (principal && typeof principal === 'object')
    return list((principal as { AWS?: unknown }).AWS).includes('*');
  return false;
}

export function checkS3PolicyLeastPrivilege(input: S3PolicyInput): RuleResult {
  const objectArn = `arn:aws:s3:::${input.bucket}/*`;
  const bucketArn = `arn:aws:s3:::${input.bucket}`;
  const bpa = input.publicAccessBlock;
  const details: { [key: string]: Json } = {
    bucket: input.bucket,
    publicAccessBlock: bpa
      ? {
          BlockPublicAcls: bpa.BlockPublicAcls ?? false,
          IgnorePublicAcls: bpa.IgnorePublicAcls ?? false,
          BlockPublicPolicy: bpa.BlockPublicPolicy ?? false,
          RestrictPublicBuckets: bpa.RestrictPublicBuckets ?? false,
        }
      : null,
    policy: input.policyText === null ? null : input.policyText.slice(0, 4_000),
  };
  const notes = ['account-level Block Public Access is not read; it can also keep the site private'];
  const grantFix = `bucket policy with one statement: Effect Allow, Principal "*", Action "s3:GetObject", Resource "${objectArn}"`;

  if (input.policyText === null) {
    return {
      ok: false,
      reason: `bucket ${input.bucket} has no bucket policy, so the website answers 403 Forbidden`,
      fix: `add a ${grantFix}`,
      notes,
      details,
    };
  }
  let statements: Statement[];
  try {
    if (input.policyText.length > MAX_POLICY_CHARS) throw new Error(`${input.policyText.length} characters`);
    const parsed = JSON.parse(input.policyText) as { Statement?: unknown };
    const raw = parsed?.Statement;
    statements = (Array.isArray(raw) ? raw : raw ? [raw] : []).filter(
      (s): s is Statement => Boolean(s) && typeof s === 'object',
    );
  } catch (error) {
    return {
      ok: false,
      reason: `the bucket policy of ${input.bucket} is not valid JSON (${(error as Error).message})`,
      fix: `replace it with a ${grantFix}`,
      notes,
      details,
    };
  }

  const problems: string[] = [];
  const fixes: string[] = [];
  let grantsRead = false;
  statements.forEach((statement, index) => {
    if (statement.Effect !== 'Allow') return; // Deny only narrows.
    const name =
      typeof statement.Sid === 'string' && statement.Sid
        ? `statement "${statement.Sid}"`
        : `statement ${index + 1}`;
    const publicGrant = isPublicPrincipal(statement.Principal) || statement.NotPrincipal !== undefined;
    if (!publicGrant) return; // A grant to named accounts or roles is not public.
    if (statement.NotAction !== undefined || statement.NotResource !== undefined) {
      problems.push(`${name} uses NotAction/NotResource, which grants everyone almost everything`);
      fixes.push(`replace ${name} with a ${grantFix}`);
      return;
    }
    const actions = list(statement.Action);
    const extra = actions.filter((action) => action.toLowerCase() !== 's3:getobject');
    const writes = extra.filter((action) =>
      /^(\*|s3:\*|s3:(Put|Delete|Restore|Replicate|Abort|Create)\w*\*?)$/i.test(action),
    );
    if (writes.length > 0) {
      problems.push(
        `${name} lets anyone on the internet ${writes.join(', ')}: they could overwrite or delete the site`,
      );
      fixes.push(`grant only s3:GetObject in ${name}`);
    } else if (extra.length > 0) {
      problems.push(`${name} grants everyone ${extra.join(', ')} besides s3:GetObject`);
      fixes.push(`grant only s3:GetObject in ${name}`);
    }
    const resources = list(statement.Resource);
    const badResources = resources.filter(
      (resource) =>
        resource !== objectArn && !(resource.startsWith(`${bucketArn}/`) && resource.endsWith('*')),
    );
    if (badResources.length > 0) {
      const why = badResources
        .map((r) =>
          r === '*'
            ? '"*" (every bucket)'
            : r === bucketArn
              ? `${r} (the bucket itself, not its objects)`
              : r,
        )
        .join(', ');
      problems.push(`${name} applies to ${why}`);
      fixes.push(`use Resource "${objectArn}" in ${name}`);
    }
    if (
      actions.some(
        (a) => a.toLowerCase() === 's3:getobject' || a === 's3:*' || a === '*' || /^s3:Get\*$/i.test(a),
      ) &&
      resources.some((r) => r === objectArn || r === '*')
    ) {
      grantsRead = true;
    }
  });
  if (!grantsRead) {
    problems.push(
      `the bucket policy of ${input.bucket} does not let everyone s3:GetObject on ${objectArn}, so the website answers 403`,
    );
    fixes.push(`add a ${grantFix}`);
  }
  if (bpa?.BlockPublicPolicy || bpa?.RestrictPublicBuckets) {
    const on = [
      bpa.BlockPublicPolicy ? 'BlockPublicPolicy' : '',
      bpa.RestrictPublicBuckets ? 'RestrictPublicBuckets' : '',
    ]
      .filter(Boolean)
      .join(' and ');
    problems.push(
      `Block Public Access (${on}) is on for ${input.bucket}, so the public policy has no effect and the site is not public`,
    );
    fixes.push('turn off "Block all public access" on the bucket (Permissions → Block public access)');
  }
  details.statements = statements.length;
  if (problems.length > 0) {
    const fix = joinFixes(fixes);
    return { ok: false, reason: summarize(problems), ...(fix ? { fix } : {}), notes, details };
  }
  return {
    ok: true,
    reason: `the policy grants only s3:GetObject to "*" on ${objectArn}, and Block Public Access lets it apply`,
    notes,
    details,
  };
}
