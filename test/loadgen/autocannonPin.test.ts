import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkAutocannonInternals, pinnedAutocannonVersion } from '../../loadgen/cannonStep.ts';

// The load generator replaces an internal of autocannon's client (its body queue), so autocannon's exact
// version is pinned, and a start-up self-check fails loudly when the installed one or its internals differ.

describe('the autocannon pin', () => {
  it('pins the exact release in package.json', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    expect(pkg.dependencies.autocannon).toBe(pinnedAutocannonVersion);
  });

  it('passes on the installed release and a client with the body queue', () => {
    expect(() => checkAutocannonInternals()).not.toThrow();
    expect(() =>
      checkAutocannonInternals(pinnedAutocannonVersion, { pipelinedRequests: { addBody: () => {} } }),
    ).not.toThrow();
  });

  it('fails loudly on another release, or a client whose internals changed', () => {
    expect(() => checkAutocannonInternals('9.1.0')).toThrow(
      "autocannon 9.1.0 is installed, but labdrill's load generator relies on internals of 9.0.0: run npm ci",
    );
    expect(() => checkAutocannonInternals(pinnedAutocannonVersion, {})).toThrow(
      /has no pipelinedRequests\.addBody: its internals changed/,
    );
  });
});
