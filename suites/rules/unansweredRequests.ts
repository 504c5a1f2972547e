// alb.round-robin over the internet: a request now and then goes unanswered (a reset, a lost packet) without
// anything being wrong with the stack. Up to 1% of the requests may go unanswered; the shares are then
// judged on the answered ones. A 5xx is never transient: a target or the ALB said it failed.

/** The share of requests that may go unanswered before the check fails. */
export const tolerableUnansweredShare = 0.01;

export type UnansweredVerdict =
  { tolerated: true; note: string | null } | { tolerated: false; reason: string };

export function judgeUnanswered(requests: number, unanswered: number): UnansweredVerdict {
  if (unanswered === 0) return { tolerated: true, note: null };
  const bound = Math.floor(requests * tolerableUnansweredShare);
  const share = `${unanswered} of ${requests} requests through the ALB got no answer`;
  if (unanswered > bound) {
    return {
      tolerated: false,
      reason: `${share}, more than the ${bound} (${tolerableUnansweredShare * 100}%) tolerated as transient`,
    };
  }
  return {
    tolerated: true,
    note: `${share} (transient: up to ${bound}, ${tolerableUnansweredShare * 100}%, are tolerated); the shares are judged on the ${requests - unanswered} answered`,
  };
}
