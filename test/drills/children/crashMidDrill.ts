import { DeleteBucketPolicyCommand } from '@aws-sdk/client-s3';
import { Journal } from '../../../drills/journal.ts';
import { s3ClientFor } from '../s3PolicyStandIn.ts';

// A drill process that dies by SIGKILL at a chosen point, as a crash or `kill -9` would:
//   before-change   journalled the intent, changed nothing
//   mid-change      changed the stack (policy deleted), died before journalling 'applied'
//   after-applied   changed the stack and journalled 'applied'
// Arguments: JOURNAL S3_URL BUCKET POLICY_FILE_TEXT_IN_BASE64 WHEN

const [journalPath, s3Url, bucket, policyBase64, when] = process.argv.slice(2);
if (!journalPath || !s3Url || !bucket || !policyBase64 || !when)
  throw new Error('usage: JOURNAL S3_URL BUCKET POLICY WHEN');
const policy = Buffer.from(policyBase64, 'base64').toString('utf8');

const journal = Journal.open(journalPath);
const entry = { runId: `crash-${when}`, drill: 's3.website.deny-then-allow', step: 'remove-policy' };
const undo = { type: 's3.putBucketPolicy' as const, bucket, policy };
journal.append({ ...entry, phase: 'intent', undo });
if (when !== 'before-change') {
  const s3 = s3ClientFor(s3Url);
  await s3.send(new DeleteBucketPolicyCommand({ Bucket: bucket }));
  if (when === 'after-applied') journal.append({ ...entry, phase: 'applied', undo });
}
process.kill(process.pid, 'SIGKILL');
