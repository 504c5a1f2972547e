import { describe, expect, it } from 'vitest';
import { stateChecksOnRequest, suiteChecks } from '../../suites/suiteChecks.ts';

// A suite file states its checks at once where vitest evaluates it; once the in-process runner has said it
// states them itself (for each run), importing a suite file states nothing.

describe('suiteChecks', () => {
  it('states the checks at once until the runner takes over, then leaves them to its calls', () => {
    let stated = 0;
    const state = () => {
      stated += 1;
    };
    expect(suiteChecks(state)).toBe(state);
    expect(stated).toBe(1);
    stateChecksOnRequest();
    const onRequest = suiteChecks(state);
    expect(stated).toBe(1);
    onRequest();
    onRequest();
    expect(stated).toBe(3);
  });
});
