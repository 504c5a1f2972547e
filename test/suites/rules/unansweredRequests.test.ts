import { describe, expect, it } from 'vitest';
import { judgeUnanswered } from '../../../suites/rules/unansweredRequests.ts';

// alb.round-robin's bound on transient errors: ~242 requests over the internet may lose one or two.

describe('judgeUnanswered', () => {
  it('tolerates up to 1% of unanswered requests, and says so', () => {
    expect(judgeUnanswered(242, 0)).toEqual({ tolerated: true, note: null });
    const one = judgeUnanswered(242, 2);
    expect(one.tolerated).toBe(true);
    expect(one.tolerated && one.note).toBe(
      '2 of 242 requests through the ALB got no answer (transient: up to 2, 1%, are tolerated); the shares are judged on the 240 answered',
    );
  });

  it('fails above the bound with the figures', () => {
    expect(judgeUnanswered(242, 3)).toEqual({
      tolerated: false,
      reason: '3 of 242 requests through the ALB got no answer, more than the 2 (1%) tolerated as transient',
    });
    // Fewer than 100 requests: not one may go unanswered.
    expect(judgeUnanswered(60, 1).tolerated).toBe(false);
  });
});
