import { DeleteBucketPolicyCommand } from '@aws-sdk/client-s3';
import { defineDrill, runDrill } from '../../../drills/experiment.ts';
import { s3ClientFor } from '../s3PolicyStandIn.ts';

// A drill process that removes a bucket policy through the real SDK, says "changed" on stdout, then
// waits until a signal interrupts it; the run's result goes to stdout as one JSON line.
// Arguments: JOURNAL S3_URL BUCKET POLICY_IN_BASE64

const [journalPath, s3Url, bucket, policyBase64] = process.argv.slice(2);
if (!journalPath || !s3Url || !bucket || !policyBase64)
  throw new Error('usage: JOURNAL S3_URL BUCKET POLICY');
const policy = Buffer.from(policyBase64, 'base64').toString('utf8');
const s3 = s3ClientFor(s3Url);

const drill = defineDrill({
  id: 's3.website.deny-then-allow',
  title: 'deny then allow',
  steadyState: async () => {},
  method: async (ctx) => {
    await ctx.change({
      step: 'remove-policy',
      undo: { type: 's3.putBucketPolicy', bucket, policy },
      apply: async () => {
        await s3.send(new DeleteBucketPolicyCommand({ Bucket: bucket }), { abortSignal: ctx.signal });
      },
    });
    process.stdout.write('changed\n');
    // Bounded: the test signals within seconds; this is only the fallback.
    await ctx.sleep(20_000);
  },
  verify: async () => ({ verdict: 'pass', reason: 'not interrupted' }),
});

const run = await runDrill(drill, { journal: journalPath, clients: { s3 } });
s3.destroy();
process.stdout.write(
  `${JSON.stringify({ outcome: run.outcome, interruptedBy: run.interruptedBy, rolledBack: run.rolledBack })}\n`,
);
process.exitCode = run.interruptedBy ? 130 : 0;
