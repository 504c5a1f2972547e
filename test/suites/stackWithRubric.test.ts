import { describe, expect, it } from 'vitest';
import type { Stack } from '../../config/schema.ts';
import { stackWithRubric } from '../../suites/runContext.ts';

// A rubric's terms win over the student's stack file: its numbers replace theirs, its caps only lower.

const stack: Stack = {
  name: 'kim',
  expect: { asg: { min: 1, max: 9, cpuTarget: 50 }, sampleRows: 0 },
  budgets: { 'asg.scale-out.drill': 3000, 'rds.failover.drill': 100 },
  load: { connections: 5000 },
  thresholds: { scaleOutTimeoutS: 1200 },
};

describe('stackWithRubric', () => {
  it("puts the rubric's expectations over the stack file's, field by field", () => {
    const merged = stackWithRubric(stack, { expect: { asg: { min: 2, cpuTarget: 7 }, sampleRows: 2 } });
    expect(merged.expect).toEqual({ asg: { min: 2, max: 9, cpuTarget: 7 }, sampleRows: 2 });
  });

  it('lowers budgets and load to the caps, never raises them', () => {
    const merged = stackWithRubric(stack, {
      caps: {
        budgets: { 'asg.scale-out.drill': 1200, 'rds.failover.drill': 600, 'efs.shared': 90 },
        load: { connections: 200, maxRequests: 100_000, durationS: 600 },
      },
    });
    expect(merged.budgets).toEqual({
      'asg.scale-out.drill': 1200,
      'rds.failover.drill': 100,
      'efs.shared': 90,
    });
    expect(merged.load).toEqual({ connections: 200, maxRequests: 100_000 });
    expect(merged.thresholds?.scaleOutTimeoutS).toBe(600);
    expect(
      stackWithRubric({ name: 'x' }, { caps: { load: { durationS: 5000 } } }).thresholds?.scaleOutTimeoutS,
    ).toBe(900);
  });

  it('leaves the stack as it is without a rubric', () => {
    expect(stackWithRubric(stack, undefined)).toBe(stack);
    expect(stackWithRubric(stack, {})).toEqual(stack);
  });
});
