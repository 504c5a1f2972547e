import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  describeUndo,
  executeUndo,
  sdkUndoExecutors,
  type UndoAction,
  undoActionSchema,
} from '../../drills/undoActions.ts';
import { type S3PolicyStandIn, startS3PolicyStandIn } from './s3PolicyStandIn.ts';

// The S3 undos through the real SDK client against a loopback S3 stand-in; the others as data.

const policy =
  '{\n  "Version": "2012-10-17",\n  "Statement": [ { "Sid": "PublicRead", "Effect": "Allow", "Principal": "*",' +
  ' "Action": "s3:GetObject", "Resource": "arn:aws:s3:::lab-bucket/*" } ]\n}\n';

let s3: S3PolicyStandIn;
beforeAll(async () => {
  s3 = await startS3PolicyStandIn();
});
afterAll(async () => {
  await s3.close();
});

describe('executeUndo with the SDK executors', () => {
  it('puts a bucket policy back byte for byte, and doing it twice is harmless', async () => {
    const undo: UndoAction = { type: 's3.putBucketPolicy', bucket: 'lab-bucket', policy };
    const clients = { s3: s3.client() };
    const first = await executeUndo(undo, clients);
    expect(first).toMatch(/put back the bucket policy of lab-bucket/);
    expect(s3.policies.get('lab-bucket')).toBe(policy);
    await executeUndo(undo, clients);
    expect(s3.policies.get('lab-bucket')).toBe(policy);
  });

  it('deletes a bucket policy, and deleting one that is gone is fine', async () => {
    s3.policies.set('other-bucket', policy);
    const undo: UndoAction = { type: 's3.deleteBucketPolicy', bucket: 'other-bucket' };
    const clients = { s3: s3.client() };
    await executeUndo(undo, clients);
    expect(s3.policies.has('other-bucket')).toBe(false);
    await expect(executeUndo(undo, clients)).resolves.toBeTypeOf('string');
  });

  it('puts Block Public Access settings back and removes them; removing twice is fine', async () => {
    const configuration = {
      BlockPublicAcls: true,
      IgnorePublicAcls: false,
      BlockPublicPolicy: true,
      RestrictPublicBuckets: false,
    };
    const clients = { s3: s3.client() };
    await executeUndo({ type: 's3.putPublicAccessBlock', bucket: 'lab-bucket', configuration }, clients);
    expect(s3.publicAccessBlocks.get('lab-bucket')).toEqual(configuration);
    await executeUndo({ type: 's3.deletePublicAccessBlock', bucket: 'lab-bucket' }, clients);
    expect(s3.publicAccessBlocks.has('lab-bucket')).toBe(false);
    const again = await executeUndo({ type: 's3.deletePublicAccessBlock', bucket: 'lab-bucket' }, clients);
    expect(again).toMatch(/already/);
  });

  it('says which client is missing', async () => {
    await expect(executeUndo({ type: 's3.deleteBucketPolicy', bucket: 'lab-bucket' }, {})).rejects.toThrow(
      /needs the s3 client/,
    );
    await expect(
      executeUndo({ type: 'ec2.startInstances', instanceIds: ['i-0123456789abcdef0'] }, {}),
    ).rejects.toThrow(/needs the ec2 client/);
  });

  it('records that a failover has nothing to put back', async () => {
    await expect(executeUndo({ type: 'none', note: 'a failover cannot be undone' }, {})).resolves.toBe(
      'nothing to put back: a failover cannot be undone',
    );
    expect(sdkUndoExecutors.none).toBeTypeOf('function');
    // One no-op undo: the name older journals used is no executor of its own.
    expect(Object.keys(sdkUndoExecutors)).not.toContain('rds.noop');
  });

  it('uses a replaced executor when given one', async () => {
    const calls: string[] = [];
    const executors = {
      ...sdkUndoExecutors,
      'ec2.startInstances': async (action: Extract<UndoAction, { type: 'ec2.startInstances' }>) => {
        calls.push(...action.instanceIds);
        return 'started';
      },
    };
    await executeUndo(
      { type: 'ec2.startInstances', instanceIds: ['i-0123456789abcdef0'] },
      {},
      {},
      executors,
    );
    expect(calls).toEqual(['i-0123456789abcdef0']);
  });
});

describe('undo actions as data', () => {
  it('round-trips through JSON and the schema', () => {
    const undos: UndoAction[] = [
      { type: 's3.putBucketPolicy', bucket: 'lab-bucket', policy },
      { type: 'ec2.startInstances', instanceIds: ['i-0123456789abcdef0'] },
      { type: 'asg.updateCapacity', groupName: 'lab-asg', minSize: 2, maxSize: 4, desiredCapacity: 2 },
      { type: 'none', note: 'terminated; the group replaces it' },
    ];
    for (const undo of undos) {
      expect(undoActionSchema.parse(JSON.parse(JSON.stringify(undo)))).toEqual(undo);
      expect(describeUndo(undo)).not.toBe('');
    }
  });

  it("reads an older journal's 'rds.noop' as 'none', and checks it as strictly", () => {
    expect(undoActionSchema.parse({ type: 'rds.noop', note: 'a failover cannot be undone' })).toEqual({
      type: 'none',
      note: 'a failover cannot be undone',
    });
    expect(undoActionSchema.safeParse({ type: 'rds.noop', note: 'x'.repeat(501) }).success).toBe(false);
    expect(undoActionSchema.safeParse({ type: 'rds.noop', note: 'n', extra: 1 }).success).toBe(false);
    expect(undoActionSchema.safeParse({ type: 'rds.noop' }).success).toBe(false);
  });

  it('rejects an undo it does not know or a malformed one', () => {
    expect(undoActionSchema.safeParse({ type: 's3.deleteBucket', bucket: 'lab-bucket' }).success).toBe(false);
    expect(
      undoActionSchema.safeParse({ type: 'ec2.startInstances', instanceIds: ['not-an-id'] }).success,
    ).toBe(false);
    expect(undoActionSchema.safeParse({ type: 's3.putBucketPolicy', bucket: 'lab-bucket' }).success).toBe(
      false,
    );
  });
});
