import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkLoadTarget } from '../../loadgen/allowedHost.ts';
import { type LoadPlan, LoadPlanError, validateLoadPlan } from '../../loadgen/plan.ts';
import { runLoad } from '../../loadgen/runLoad.ts';
import { type CountingServer, startCountingServer } from './localTargets.ts';

let server: CountingServer;

beforeAll(async () => {
  server = await startCountingServer({ kind: 'page', instanceId: 'i-0aaa' });
});

afterAll(async () => {
  await server.close();
});

function plan(overrides: Partial<LoadPlan>): LoadPlan {
  return { url: server.url, allowedHosts: ['127.0.0.1'], connections: 2, durationS: 1, ...overrides };
}

async function expectRefusedWithoutRequest(p: LoadPlan, message: RegExp): Promise<void> {
  const before = server.requests;
  const socketsBefore = server.socketsAccepted;
  await expect(runLoad(p)).rejects.toThrow(message);
  await new Promise((resolve) => setTimeout(resolve, 50));
  expect(server.requests).toBe(before);
  expect(server.socketsAccepted).toBe(socketsBefore);
}

describe('refusing targets before any request', () => {
  it('refuses a host that is not allowed', async () => {
    await expectRefusedWithoutRequest(
      plan({ url: `http://localhost:${server.port}/` }),
      /host localhost:\d+ is not in the allowed hosts/,
    );
  });

  it('refuses the user-info trick http://127.0.0.1@evil.example/', async () => {
    await expectRefusedWithoutRequest(
      plan({ url: 'http://127.0.0.1@evil.example/' }),
      /must not carry credentials/,
    );
    await expectRefusedWithoutRequest(
      plan({
        url: `http://127.0.0.1:${server.port}@evil.example/`,
        allowedHosts: ['127.0.0.1', 'localhost'],
      }),
      /must not carry credentials/,
    );
  });

  it('reads the host the way the URL parser does, not the way it looks', async () => {
    await expectRefusedWithoutRequest(plan({ url: 'http://evil.example#@127.0.0.1/' }), /host evil\.example/);
    await expectRefusedWithoutRequest(plan({ url: 'http://evil.example\\@127.0.0.1/' }), /evil\.example/);
    await expectRefusedWithoutRequest(
      plan({ url: 'http://127.0.0.1.evil.example/' }),
      /not in the allowed hosts/,
    );
  });

  it('refuses when no hosts are allowed, and non-http schemes', async () => {
    await expectRefusedWithoutRequest(plan({ allowedHosts: [] }), /no allowed hosts/);
    await expectRefusedWithoutRequest(plan({ url: 'file:///etc/passwd' }), /must be http or https/);
    await expectRefusedWithoutRequest(plan({ url: 'not a url' }), /is not a valid URL/);
  });

  it('refuses bad numbers with one-line messages', async () => {
    const cases: [Partial<LoadPlan>, RegExp][] = [
      [{ connections: 0 }, /^connections must be within 1\.\.2000, got 0$/],
      [{ connections: 2001 }, /connections must be within 1\.\.2000/],
      [{ connections: 1.5 }, /connections must be a whole number/],
      [{ durationS: 0.5 }, /^durationS must be within 1\.\.3600, got 0\.5$/],
      [{ durationS: 3601 }, /durationS must be within 1\.\.3600/],
      [{ durationS: Number.NaN }, /durationS must be a number/],
      [{ maxRequests: 0 }, /maxRequests must be within/],
      [{ rate: -1 }, /rate must be within/],
      [{ ramp: { steps: [] } }, /ramp\.steps must list at least one step/],
      [
        { ramp: { steps: [{ connections: 3, holdS: 1 }] } },
        /ramp\.steps\[0\]\.connections \(3\) exceeds the plan's cap of 2/,
      ],
      [{ stopWhen: { errorRateAbove: 1.5 } }, /stopWhen\.errorRateAbove must be within 0\.\.1/],
      [{ sampleTargets: { every: 0, identify: () => null } }, /sampleTargets\.every must be within/],
    ];
    for (const [overrides, message] of cases) {
      await expectRefusedWithoutRequest(plan(overrides), message);
    }
  });
});

describe('checkLoadTarget', () => {
  it('matches host names case-insensitively and ports when the entry names one', () => {
    expect(checkLoadTarget('http://LAB-ALB.example.com/', ['lab-alb.example.com']).hostname).toBe(
      'lab-alb.example.com',
    );
    expect(checkLoadTarget('http://127.0.0.1:8080/x', ['127.0.0.1:8080']).port).toBe('8080');
    expect(() => checkLoadTarget('http://127.0.0.1:8081/', ['127.0.0.1:8080'])).toThrow(
      /not in the allowed hosts/,
    );
    expect(checkLoadTarget('http://[::1]:9000/', ['[::1]']).hostname).toBe('[::1]');
    expect(checkLoadTarget('http://alb.example.com./', ['alb.example.com']).hostname).toBe(
      'alb.example.com.',
    );
  });

  it('rejects allowed-host entries that are not plain hosts', () => {
    expect(() => checkLoadTarget('http://a.example/', ['http://a.example/'])).toThrow(
      /not a plain host name/,
    );
  });
});

describe('validateLoadPlan', () => {
  it('turns a plan without ramp into one step of the whole duration', () => {
    const checked = validateLoadPlan(plan({ connections: 5, durationS: 7, rate: 100 }));
    expect(checked.steps).toEqual([{ connections: 5, rate: 100, holdS: 7 }]);
    expect(checked.ramped).toBe(false);
    expect(checked.requestTimeoutS).toBe(10);
    expect(checked.errorWindowS).toBe(5);
  });

  it('throws LoadPlanError', () => {
    expect(() => validateLoadPlan(plan({ connections: 0 }))).toThrow(LoadPlanError);
  });
});
