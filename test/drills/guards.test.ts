import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  callerAccountOf,
  checkDrillGuards,
  drillGuardReasons,
  resolvedRegionOf,
} from '../../drills/guards.ts';

const allowed = { chaos: { allow: true }, aws: { expectAccount: '123456789012' } };

describe('checkDrillGuards', () => {
  it('allows a drill only with --chaos, chaos.allow and the expected account', () => {
    expect(checkDrillGuards({ chaosFlag: true, stack: allowed, callerAccount: '123456789012' })).toEqual({
      allowed: true,
    });
  });

  it('refuses when the SDK resolved another region than the stack file names', () => {
    const stack = { ...allowed, region: 'ap-northeast-2' };
    const input = { chaosFlag: true, stack, callerAccount: '123456789012' };
    expect(checkDrillGuards({ ...input, resolvedRegion: 'ap-northeast-2' })).toEqual({ allowed: true });
    expect(checkDrillGuards({ ...input, resolvedRegion: 'us-east-1' })).toEqual({
      allowed: false,
      reason:
        "the AWS clients resolved to region us-east-1, but the stack file's region is ap-northeast-2: drills refused",
    });
    expect(checkDrillGuards({ ...input, resolvedRegion: undefined })).toMatchObject({ allowed: false });
  });

  it('reads the region a real SDK client resolved', async () => {
    const client = new STSClient({ region: 'eu-west-1' });
    expect(await resolvedRegionOf(client)).toBe('eu-west-1');
    client.destroy();
  });

  it('refuses without --chaos, whatever the stack file says', () => {
    expect(checkDrillGuards({ chaosFlag: false, stack: allowed, callerAccount: '123456789012' })).toEqual({
      allowed: false,
      reason: drillGuardReasons.noChaosFlag,
    });
  });

  it('refuses when the stack file does not set chaos.allow: true', () => {
    for (const stack of [{ aws: allowed.aws }, { chaos: { allow: false }, aws: allowed.aws }]) {
      expect(checkDrillGuards({ chaosFlag: true, stack, callerAccount: '123456789012' })).toEqual({
        allowed: false,
        reason: 'the stack file does not allow drills: set chaos.allow: true',
      });
    }
  });

  it('refuses when aws.expectAccount is not set', () => {
    for (const stack of [{ chaos: { allow: true } }, { chaos: { allow: true }, aws: { profile: 'lab' } }]) {
      expect(checkDrillGuards({ chaosFlag: true, stack, callerAccount: '123456789012' })).toEqual({
        allowed: false,
        reason: 'set aws.expectAccount so that drills cannot hit the wrong account',
      });
    }
  });

  it('refuses when the account could not be confirmed, saying why', () => {
    const verdict = checkDrillGuards({
      chaosFlag: true,
      stack: allowed,
      callerAccount: undefined,
      callerProblem: 'ExpiredToken:\nthe security token\tis expired',
    });
    expect(verdict).toEqual({
      allowed: false,
      reason:
        'could not confirm the AWS account of these credentials (STS GetCallerIdentity: ExpiredToken: the security token is expired), so no drill runs',
    });
  });

  it('refuses another account, naming both', () => {
    expect(checkDrillGuards({ chaosFlag: true, stack: allowed, callerAccount: '210987654321' })).toEqual({
      allowed: false,
      reason:
        'the credentials are for AWS account 210987654321, but aws.expectAccount is 123456789012: drills refused',
    });
  });

  it('gives every reason as one line', () => {
    const reasons = [
      drillGuardReasons.noChaosFlag,
      drillGuardReasons.notAllowedInStack,
      drillGuardReasons.noExpectedAccount,
      drillGuardReasons.unknownCaller('x'),
      drillGuardReasons.wrongAccount('1', '2'),
    ];
    for (const reason of reasons) expect(reason).not.toMatch(/\n/);
  });
});

// STS speaks awsQuery: a form-encoded POST answered with XML.
describe('callerAccountOf against a loopback STS stand-in', () => {
  let server: Server;
  let account = '123456789012';
  let fail = false;
  let url = '';
  beforeAll(async () => {
    server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => {
        if (body.length < 10_000) body += chunk.toString('utf8');
      });
      request.on('end', () => {
        if (fail || !body.includes('Action=GetCallerIdentity')) {
          response.writeHead(403, { 'content-type': 'text/xml' });
          response.end(
            '<ErrorResponse><Error><Type>Sender</Type><Code>ExpiredToken</Code><Message>token expired</Message></Error><RequestId>r</RequestId></ErrorResponse>',
          );
          return;
        }
        response.writeHead(200, { 'content-type': 'text/xml' });
        response.end(
          `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:iam::${account}:user/lab</Arn><UserId>AIDA</UserId><Account>${account}</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></GetCallerIdentityResponse>`,
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const client = () =>
    new STSClient({
      endpoint: url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIDSTANDIN', secretAccessKey: 'stand-in' },
      maxAttempts: 1,
    });

  it('reads the account, which then passes the guard', async () => {
    const sts = client();
    const identity = await callerAccountOf(sts);
    sts.destroy();
    expect(identity).toEqual({ callerAccount: '123456789012' });
    expect(checkDrillGuards({ chaosFlag: true, stack: allowed, ...identity })).toEqual({ allowed: true });
  });

  it('turns an STS error into a refusal that names it', async () => {
    fail = true;
    const sts = client();
    const identity = await callerAccountOf(sts);
    sts.destroy();
    fail = false;
    expect(identity.callerAccount).toBeUndefined();
    const verdict = checkDrillGuards({ chaosFlag: true, stack: allowed, ...identity });
    expect(verdict.allowed).toBe(false);
    expect(!verdict.allowed && verdict.reason).toMatch(/ExpiredToken/);
  });

  it('does not take an answer without a 12-digit account', async () => {
    account = 'nope';
    const sts = client();
    const identity = await callerAccountOf(sts);
    sts.destroy();
    account = '123456789012';
    expect(identity).toEqual({
      callerAccount: undefined,
      callerProblem: 'the answer named no 12-digit account',
    });
  });
});
