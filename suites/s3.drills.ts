import { defaults } from '../config/defaults.ts';
import { s3DenyThenAllowDrill } from '../drills/s3DenyThenAllow.ts';
import { drillCheck } from './drillCheck.ts';
import { httpOptions } from './httpEvidence.ts';
import { suiteChecks } from './suiteChecks.ts';

export const stateChecks = suiteChecks(() => {
  drillCheck('s3.website.deny-then-allow', ({ stack, settings }) => {
    if (!stack.s3?.bucket || !stack.s3.websiteUrl)
      return { skip: 'needs s3.bucket and s3.websiteUrl in the stack file' };
    if (!stack.region) return { skip: 'region is not set in the stack file' };
    return {
      drill: s3DenyThenAllowDrill({
        bucket: stack.s3.bucket,
        websiteUrl: stack.s3.websiteUrl,
        http: httpOptions(settings, { retries: 0 }),
        settleTimeoutMs: defaults.s3DenyThenAllow.settleTimeoutMs,
        pollEveryMs: defaults.s3DenyThenAllow.pollEveryMs,
      }),
    };
  });
});
