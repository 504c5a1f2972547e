import { createHash } from 'node:crypto';
import { DeleteBucketPolicyCommand, type S3Client } from '@aws-sdk/client-s3';
import { awsCall } from '../probes/aws/awsCall.ts';
import { getBucketPolicy, getPublicAccessBlock } from '../probes/aws/s3.ts';
import { type HttpProbeOptions, type HttpSample, httpGet } from '../probes/http.ts';
import { pollUntil } from '../probes/poller.ts';
import { type DrillContext, defineDrill } from './experiment.ts';

// s3.website.deny-then-allow: take the bucket policy away, watch the website endpoint turn to
// 403 AccessDenied, put the policy back, watch it serve 200 again, and prove the policy is byte-identical.

export interface S3DrillTarget {
  bucket: string;
  websiteUrl: string;
  http: HttpProbeOptions;
  /** How long to wait for each change to show on the website (policy changes are eventually consistent). */
  settleTimeoutMs: number;
  pollEveryMs: number;
}

interface S3DrillObservation {
  originalSha256: string;
  restoredSha256: string | null;
  deniedAfterMs: number | null;
  deniedCode: string | null;
  allowedAfterMs: number | null;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

function s3Of(ctx: DrillContext): S3Client {
  const s3 = ctx.clients.s3;
  if (!s3) throw new Error('the drill needs an S3 client');
  return s3;
}

/** Polls the website until `wanted` holds; the time it took, or null when it never did. */
async function waitForWebsite(
  ctx: DrillContext,
  target: S3DrillTarget,
  label: string,
  wanted: (response: HttpSample) => boolean,
): Promise<{ afterMs: number; response: HttpSample } | null> {
  const started = performance.now();
  const seen = await pollUntil(
    async (index) => {
      const response = await httpGet(target.websiteUrl, target.http);
      ctx.progress.figure('website', `${response.status}`);
      ctx.progress.figure('polls', index + 1);
      return { afterMs: performance.now() - started, response };
    },
    (look) => wanted(look.response),
    { everyMs: target.pollEveryMs, maxDurationMs: target.settleTimeoutMs, signal: ctx.signal },
  );
  // An interrupted run stops waiting here, as at its other waits, and goes on to the rollback.
  if (seen.end === 'aborted') throw ctx.signal.reason;
  if (seen.met && seen.last !== undefined) {
    const { afterMs, response } = seen.last;
    ctx.event(
      label,
      `${response.status} ${response.headers['x-amz-error-code'] ?? ''} after ${Math.round(afterMs)} ms, ${seen.polls} polls`.trim(),
    );
    return seen.last;
  }
  ctx.event(`${label}: not seen`, `no such answer within ${target.settleTimeoutMs} ms (${seen.polls} polls)`);
  return null;
}

/** The drill's parts, each judged on its own from what the method saw. */
function recordS3Parts(ctx: DrillContext, target: S3DrillTarget, seen: S3DrillObservation): void {
  const denied = seen.deniedAfterMs !== null && seen.deniedCode === 'AccessDenied';
  ctx.evidence.part(
    'denied-403',
    denied,
    seen.deniedAfterMs === null
      ? `the website still answered ${target.settleTimeoutMs} ms after the policy was removed`
      : `403 ${seen.deniedCode ?? 'without an error code'} ${Math.round(seen.deniedAfterMs)} ms after the policy was removed`,
  );
  ctx.evidence.part(
    'allowed-200',
    seen.allowedAfterMs !== null,
    seen.allowedAfterMs === null
      ? `no 200 within ${target.settleTimeoutMs} ms of restoring the policy`
      : `200 ${Math.round(seen.allowedAfterMs)} ms after the policy was restored`,
  );
  ctx.evidence.part(
    'policy-identical',
    seen.restoredSha256 === seen.originalSha256,
    seen.restoredSha256 === null
      ? 'no bucket policy after the drill'
      : seen.restoredSha256 === seen.originalSha256
        ? `byte-identical (sha256 ${seen.originalSha256.slice(0, 12)}…)`
        : 'the policy after the drill differs from the one before it',
  );
}

export function s3DenyThenAllowDrill(target: S3DrillTarget) {
  return defineDrill<S3DrillObservation>({
    id: 's3.website.deny-then-allow',
    title: 'S3 website: 403 without the bucket policy, 200 with it',
    parts: ['denied-403', 'allowed-200', 'policy-identical'],
    steadyState: async (ctx) => {
      const response = await httpGet(target.websiteUrl, target.http);
      if (response.status !== 200) return `the website answers ${response.status} before the drill, not 200`;
      const policy = await getBucketPolicy(s3Of(ctx), target.bucket);
      if (policy === null) return `bucket ${target.bucket} has no bucket policy to take away`;
    },
    method: async (ctx) => {
      const s3 = ctx.dryRun ? null : s3Of(ctx);
      const original = s3 ? ((await getBucketPolicy(s3, target.bucket)) ?? '') : '(policy read at run time)';
      if (s3) {
        const publicAccessBlock = await getPublicAccessBlock(s3, target.bucket);
        ctx.evidence.set('publicAccessBlock', publicAccessBlock ? { ...publicAccessBlock } : null);
        ctx.evidence.excerpt({ label: 'bucket policy before the drill', body: original });
      }
      ctx.progress.phase('deny');
      await ctx.change({
        step: 'delete-bucket-policy',
        undo: { type: 's3.putBucketPolicy', bucket: target.bucket, policy: original },
        apply: async () => {
          await awsCall(s3!, new DeleteBucketPolicyCommand({ Bucket: target.bucket }), {
            subject: `bucket '${target.bucket}'`,
          });
        },
      });
      const denied = ctx.dryRun
        ? null
        : await waitForWebsite(ctx, target, 'website denies', (r) => r.status === 403);
      ctx.progress.phase('allow');
      if (!ctx.dryRun) await ctx.revert('delete-bucket-policy');
      ctx.event('bucket policy restored');
      const allowed = ctx.dryRun
        ? null
        : await waitForWebsite(ctx, target, 'website allows again', (r) => r.status === 200);
      const restored = s3 ? await getBucketPolicy(s3, target.bucket) : null;
      if (denied) ctx.evidence.measure('403 after policy removal', denied.afterMs, 'ms');
      if (allowed) ctx.evidence.measure('200 after policy restore', allowed.afterMs, 'ms');
      return {
        originalSha256: sha256(original),
        restoredSha256: restored === null ? null : sha256(restored),
        deniedAfterMs: denied?.afterMs ?? null,
        deniedCode: denied?.response.headers['x-amz-error-code'] ?? null,
        allowedAfterMs: allowed?.afterMs ?? null,
      };
    },
    verify: async (ctx, seen) => {
      ctx.evidence.set('policySha256', { before: seen.originalSha256, after: seen.restoredSha256 });
      recordS3Parts(ctx, target, seen);
      if (seen.deniedAfterMs === null) {
        return {
          verdict: 'fail',
          reason: `the website still answered after the bucket policy was removed (${target.settleTimeoutMs} ms)`,
          fix: 'the bucket must not be readable without the policy: remove other grants (object ACLs, a second public statement)',
        };
      }
      if (seen.deniedCode !== 'AccessDenied') {
        return {
          verdict: 'fail',
          reason: `without the policy the website answered 403 ${seen.deniedCode ?? 'without an error code'}, expected AccessDenied`,
        };
      }
      if (seen.allowedAfterMs === null) {
        return {
          verdict: 'fail',
          reason: `after the policy was restored the website did not answer 200 within ${target.settleTimeoutMs} ms`,
        };
      }
      if (seen.restoredSha256 !== seen.originalSha256) {
        return {
          verdict: 'fail',
          reason: 'the bucket policy after the drill differs from the one before it',
        };
      }
      return {
        verdict: 'pass',
        reason: `403 AccessDenied ${Math.round(seen.deniedAfterMs)} ms after removing the policy, 200 ${Math.round(seen.allowedAfterMs)} ms after restoring it; policy byte-identical`,
      };
    },
  });
}
