// A target group's name as the console shows it, from its ARN
// (arn:aws:elasticloadbalancing:REGION:ACCOUNT:targetgroup/NAME/ID), so messages can say "lab-vpc-alb-asg-tg".

export function targetGroupNameOf(arn: string): string {
  const match = /:targetgroup\/([^/]{1,32})\//.exec(arn);
  return match?.[1] ?? arn.slice(0, 200);
}

/** The names of the group's target groups, joined for a message; "its target group" when there is none. */
export function targetGroupLabel(arns: readonly string[]): string {
  if (arns.length === 0) return 'its target group';
  return arns.map(targetGroupNameOf).join(', ');
}
