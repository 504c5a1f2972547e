import { getBucketPolicy, getPublicAccessBlock } from '../probes/aws/s3.ts';
import { awsCheck, needsBucket, outcomeOf } from './awsCheck.ts';
import { check, failed, passed, skipped } from './check.ts';
import { getWithEvidence } from './httpEvidence.ts';
import { checkS3PolicyLeastPrivilege } from './rules/s3PolicyLeastPrivilege.ts';
import { suiteChecks } from './suiteChecks.ts';

export const stateChecks = suiteChecks(() => {
  check('s3.website.public-read', async ({ stack, settings, evidence }) => {
    const url = stack.s3?.websiteUrl;
    if (!url) return skipped('s3.websiteUrl is not set in the stack file');
    const response = await getWithEvidence(evidence, settings, 'GET website endpoint', url);
    evidence.measure('ttfb', response.timings.ttfbMs, 'ms');
    evidence.measure('body', response.bodyBytes, 'bytes');
    const code = response.headers['x-amz-error-code'];
    const bucket = stack.s3?.bucket ?? 'BUCKET';
    if (response.status === 200) {
      return passed(
        `200 from the website endpoint (${response.bodyBytes} bytes, ${response.headers['content-type'] ?? 'no content-type'})`,
      );
    }
    if (response.status === 403) {
      return failed(
        `the website endpoint answers 403 ${code ?? 'Forbidden'}: the bucket is not publicly readable`,
        `turn off Block Public Access for the bucket and add a bucket policy that allows s3:GetObject to "*" on arn:aws:s3:::${bucket}/*`,
      );
    }
    if (response.status === 404) {
      const fixes: Record<string, string> = {
        NoSuchKey: `upload the object ${new URL(url).pathname.slice(1) || 'index document'} to the bucket`,
        NoSuchWebsiteConfiguration: 'enable static website hosting on the bucket (index document mycar.html)',
        NoSuchBucket: `the bucket in the URL does not exist: check the website endpoint of ${bucket}`,
      };
      return failed(
        `the website endpoint answers 404 ${code ?? 'Not Found'}`,
        fixes[code ?? ''] ?? 'check the website URL',
      );
    }
    return failed(`the website endpoint answers ${response.status}${code ? ` ${code}` : ''}, expected 200`);
  });

  awsCheck('s3.policy.least-privilege', [needsBucket], async (c) => {
    const bucket = c.stack.s3!.bucket!;
    const s3 = c.inventory.clients.s3;
    const [policyText, publicAccessBlock] = await Promise.all([
      getBucketPolicy(s3, bucket),
      getPublicAccessBlock(s3, bucket),
    ]);
    if (policyText !== null) c.evidence.excerpt({ label: `bucket policy of ${bucket}`, body: policyText });
    c.evidence.set('publicAccessBlock', publicAccessBlock ? { ...publicAccessBlock } : null);
    return outcomeOf(checkS3PolicyLeastPrivilege({ bucket, policyText, publicAccessBlock }), c);
  });
});
