// Every default labdrill runs with, in one table: each value with its unit in its name and one line on why
// (the way autocannon keeps its defaults in lib/defaultOptions.js). Code reads the values from `defaults`;
// the README's stack-file reference is generated from the tables (npm run stack-reference) and a test keeps
// it equal. Two tables: what a stack file may override, keyed by its own paths, and the fixed values the
// checks, drills and load generator use that no stack file sets. It is longer than labdrill's other modules
// on purpose: one table is the point, and splitting it would give defaults two homes again.

export interface Default<T> {
  readonly value: T;
  /** One line: why this value. */
  readonly why: string;
}

export interface DefaultsTable {
  readonly [key: string]: Default<unknown> | DefaultsTable;
}

/** The values of a table, shaped like it. */
export type ValuesOf<T> = {
  readonly [K in keyof T]: T[K] extends Default<infer V> ? V : ValuesOf<T[K]>;
};

export interface Range {
  readonly min: number;
  readonly max: number;
}

function d<T>(value: T, why: string): Default<T> {
  return { value, why };
}

/** What applies where the stack file is silent, keyed by the stack file's own paths. */
export const stackFileDefaultsTable = {
  aws: {
    timeoutMs: d(
      10_000,
      'A control-plane call answers within a second or two; one silent for 10 s has stalled.',
    ),
    maxAttempts: d(5, "Two more than the SDK's 3: throttling on a busy account is ridden out, not reported."),
  },
  probe: {
    timeoutMs: d(5_000, 'A lab page answers in well under a second; 5 s is a hung request, not a slow one.'),
    retries: d(
      2,
      'Resets and timeouts over the internet pass; three tries tell them from a stack that is down.',
    ),
    maxBodyBytes: d(
      1024 * 1024,
      "The lab's pages are a few KB; 1 MiB reads any of them and bounds what a wrong URL costs.",
    ),
    speedupSamples: d(
      15,
      'Enough for a stable median time to first byte on each side, few enough to be quick.',
    ),
  },
  thresholds: {
    replicaLagP95Ms: d(
      2_000,
      'A healthy replica in the same region lags well under a second; 2 s at p95 is behind.',
    ),
    failoverRtoS: d(120, 'AWS gives a Multi-AZ failover 60–120 s; a slower recovery is worth failing.'),
    scaleOutTimeoutS: d(
      900,
      'A scale-out takes 5–15 min on AWS: alarm datapoints, launch, user data, health checks.',
    ),
    scaleInTimeoutS: d(
      1_800,
      'A scale-in takes 15–25 min on AWS: 15 AlarmLow datapoints, cooldown, 300 s of draining.',
    ),
    selfHealTimeoutS: d(
      900,
      'A replacement takes about 10 min on AWS: launch, user data, then the health checks.',
    ),
  },
  load: {
    connections: d(1000, "The lab's own load: ab -c 1000."),
    maxRequests: d(
      2_000_000,
      "Ten times the lab's ab -n 200000: load for the minutes a scale-out takes, still capped.",
    ),
  },
  expect: {
    asg: {
      min: d(2, "Seed 002's group: min 2, one instance in each private subnet."),
      desired: d(2, "Seed 002's group: desired 2 at rest."),
      max: d(4, "Seed 002's group: max 4, room for the scale-out the lab's load causes."),
      cpuTarget: d(7, "Seed 002's target-tracking target (seed 003 uses 80): the lab's load crosses it."),
    },
    appInstances: d(2, "The lab's two app instances, assumed only when AWS cannot say how many there are."),
    sampleRows: d(1, 'One row of table SAMPLE on a page shows that the page read the database.'),
  },
  exec: {
    user: d('ec2-user', "The login of Amazon Linux, the lab's AMI."),
    knownHosts: d(
      '.labdrill/known_hosts',
      "labdrill's own file beside the journal: it never writes to the user's ~/.ssh/known_hosts.",
    ),
  },
  asg: {
    observeScaleIn: d(
      false,
      'Watching the policy scale in takes 15–25 min on AWS: asked for, never assumed.',
    ),
    selfHealMode: d(
      'terminate' as 'terminate' | 'stop',
      'Terminating through Auto Scaling is how the lab takes an instance away.',
    ),
  },
  chaos: {
    allow: d(false, 'Drills change the stack, so a stack file must say that they may.'),
    journal: d(
      '.labdrill/journal.jsonl',
      'In the working directory, where labdrill restore finds it after a crash.',
    ),
  },
} satisfies DefaultsTable;

/** The longest load labdrill sends, in seconds: an hour. */
const longestLoadS = 3_600;

/** Fixed values: what the checks, drills and load generator use that no stack file sets. */
export const builtInDefaultsTable = {
  failoverWindow: {
    rtoMultiple: d(
      2,
      'Watching for twice the RTO measures a recovery slower than the target instead of missing it.',
    ),
    minS: d(300, 'The AZ swap can take minutes to show in the API after the endpoint has moved.'),
  },
  failoverWatch: {
    dnsEveryMs: d(150, 'The DNS swap time is measured to ±0.5 s; looks 150 ms apart leave room for that.'),
    writeEveryMs: d(100, 'Ten heartbeat writes a second time the write downtime to 0.1 s.'),
    appEveryMs: d(250, 'Four page loads a second time the app downtime without loading the app.'),
    statusEveryMs: d(
      1_000,
      'The status in the API changes over seconds; once a second spares the control plane.',
    ),
    warmupMs: d(1_500, 'Watching before the call shows the "before" side of every gap.'),
    tailMs: d(1_000, 'Watching after the recovery shows its "after" side more than once.'),
    tcpProbe: d(
      true,
      "TCP connects to the endpoint's address time when it takes connections, apart from SQL.",
    ),
  },
  failoverHeartbeat: {
    connectTimeoutMs: d(
      1_000,
      'A heartbeat connect slower than a second is the failover, not a slow network.',
    ),
    queryTimeoutMs: d(
      2_000,
      'A write unacknowledged for 2 s counts as failed: downtime is measured, not waited out.',
    ),
    dnsTimeoutMs: d(
      500,
      'The heartbeat resolves the endpoint on each connect; half a second is a lost answer.',
    ),
  },
  failoverDrill: {
    lookTimeoutMs: d(
      1_000,
      'One DNS question or TCP connect of the watch: a lost answer must not hide the next ones.',
    ),
    appTimeoutMs: d(
      3_000,
      'One page load of the watch (less when the HTTP timeout is shorter); slower is downtime.',
    ),
    observersMarginMs: d(
      5_000,
      'The observers outlive warm-up, window and tail, so they never end before the watch.',
    ),
    recoveryCheckEveryMs: d(
      100,
      'Asked ten times a second whether all has recovered, the watch ends within 0.1 s.',
    ),
    endpointResolveTimeoutMs: d(
      2_000,
      'Resolving the endpoint before the failover; a working resolver answers at once.',
    ),
    eventsLookbackMs: d(
      5_000,
      "RDS events are read from a little before the call: AWS's clock and ours may differ.",
    ),
    retryAfterRefusalMs: d(
      5 * 60_000,
      'RDS does not say when a refused failover (RDS-EVENT-0034) may be retried; five minutes is assumed.',
    ),
  },
  groupSettle: {
    timeoutFraction: d(
      0.5,
      "Half the drill's own timeout for the group to be at rest before the drill starts.",
    ),
    minS: d(5, 'Even the fast twin gets a few seconds to settle.'),
    maxS: d(
      480,
      "ELB's 300 s deregistration delay for instances an earlier rollback removed, then shutdown.",
    ),
  },
  scaleOutCoolDown: {
    timeoutFraction: d(0.4, 'After the load, time for AlarmHigh to leave ALARM before capacity is put back.'),
    minS: d(10, 'Even the fast twin gets a few datapoints for the alarm to clear.'),
    maxS: d(360, "CloudWatch's datapoints arrive minutes late at AWS's pace."),
  },
  groupPolling: {
    looksPerTimeout: d(
      150,
      "About 150 looks time each phase of the group's timeline to under 1% of the timeout.",
    ),
    minEveryMs: d(500, "Short timeouts (the fast twin's) still get no more than two looks a second."),
    maxEveryMs: d(15_000, "At AWS's pace a look every 15 s at most: phases of minutes are timed to seconds."),
    waitMaxEveryMs: d(
      1_000,
      'Waiting for the group to settle or to replace an instance, a look every second at least.',
    ),
  },
  cpuMetric: {
    periodS: d(60, "One-minute datapoints: the lab's group has detailed monitoring, as its policy needs."),
    lookbackS: d(
      600,
      'CloudWatch publishes minutes late; the newest datapoint of the last 10 min is current.',
    ),
  },
  loadgen: {
    requestTimeoutS: d(10, 'A request unanswered for 10 s under load is a timeout, not a slow answer.'),
    errorWindowS: d(5, 'An error rate over 5 s reacts within seconds without stopping on one bad second.'),
    stopGraceMs: d(2_000, "autocannon's own stop gets 2 s before its sockets are closed directly."),
    minTailS: d(0.5, 'A last part-second shorter than this is folded into the second before it.'),
    maxWarnings: d(20, 'Enough warnings to say what went wrong, few enough to read.'),
    connectStormErrors: d(
      50,
      'That many failed connects and no response in a second is a refused port: no load.',
    ),
  },
  loadLimits: {
    connections: d<Range>(
      { min: 1, max: 2_000 },
      "Twice the lab's ab -c 1000: room to ramp past it, still bounded.",
    ),
    durationS: d<Range>(
      { min: 1, max: longestLoadS },
      'No load runs longer than an hour, whatever asks for it.',
    ),
    maxRequests: d<Range>(
      { min: 1, max: 100_000_000 },
      'Far above any drill, so that a typo cannot mean unbounded.',
    ),
    rate: d<Range>(
      { min: 1, max: 1_000_000 },
      'Above what one load generator can send: only a typo reaches it.',
    ),
    requestTimeoutS: d<Range>({ min: 1, max: 120 }, 'Longer than 2 min is no longer a request timeout.'),
    sampleEvery: d<Range>({ min: 1, max: 1_000_000 }, 'From every response to one in a million.'),
    errorWindowS: d<Range>({ min: 1, max: 600 }, 'From one second to ten minutes.'),
    rampHoldS: d<Range>(
      { min: 0.1, max: longestLoadS },
      'A step shorter than 0.1 s is no step; none outlasts the longest run.',
    ),
    rampSteps: d({ max: 100 }, 'A hundred steps describe any ramp; more is a mistake.'),
  },
  loadCommand: {
    connections: d(
      100,
      "labdrill load without flags: a tenth of the lab's load, enough to see the ALB answer.",
    ),
    durationS: d(30, 'Half a minute shows a steady rate without a scale-out.'),
    maxRequests: d(200_000, "The lab's ab -n 200000."),
    sampleTargetsEvery: d(50, 'One response in 50 is read for the instance that served it, for the shares.'),
  },
  scaleOut: {
    rampConnectionShares: d(
      [1 / 16, 1 / 4, 1],
      'A sixteenth, a quarter, then all of the connection cap: CPU rises in steps, not a wall.',
    ),
    rampStepTimeoutDivisor: d(
      10,
      'A tenth of the time limit per step leaves most of it for the group to react.',
    ),
    rampStepMinS: d(5, 'A step shorter than 5 s shows no CPU change.'),
    rampStepMaxS: d(120, 'Two minutes per step is enough for CPU to follow the load at AWS pace.'),
    stopErrorRate: d(
      0.9,
      'More than 90% of requests failing means the ALB is down: more load proves nothing.',
    ),
    errorWindowS: d(10, 'Judged over 10 s, so one bad second of a scale-out does not stop the load.'),
    sampleTargetsEvery: d(
      50,
      'One response in 50 is read for the instance that served it: new ones show serving.',
    ),
    maxSeriesRows: d(4_000, 'Over an hour of per-second rows for the evidence series, bounded.'),
    observeMarginS: d(
      120,
      "The group is watched past the load's time limit, for launches that finish after it.",
    ),
  },
  selfHeal: {
    maxOutageS: d(10, 'Another instance is behind the ALB: at most the requests in flight should fail.'),
    servingEveryMs: d(250, 'Four requests a second through the ALB show a short outage.'),
    answerTimeoutMs: d(3_000, 'An answer slower than 3 s is an outage, not a slow page.'),
    observeMarginS: d(60, 'The group and the ALB are watched a minute past the time limit.'),
    servingTailLooks: d(8, 'Eight more requests once the replacement is healthy show it serving.'),
    servingTailMinMs: d(2_000, 'At least two seconds more of asking the ALB, however often it is asked.'),
  },
  s3DenyThenAllow: {
    settleTimeoutMs: d(60_000, 'S3 applies a bucket policy change within seconds; a minute is ample.'),
    pollEveryMs: d(250, 'Sees the policy change take effect to within a quarter second.'),
  },
  runConcurrency: {
    probesPerStack: d(
      6,
      "Six probes of one stack at once: the run's waits overlap, and no probe's measurement waits on the CPU.",
    ),
    studentsGraded: d(
      4,
      "Four students' stacks at once on a grader's machine: each reads with its own clients and its own limits.",
    ),
  },
  drillRun: {
    inFlightSettleMs: d(
      30_000,
      'An interrupted change gets half a minute to land, so that its undo is journalled before the rollback.',
    ),
    afterCheckTimeoutMs: d(60_000, 'The steady state after the rollback is one look: a minute bounds it.'),
    afterCheckInterruptedTimeoutMs: d(10_000, 'After Ctrl-C the user is waiting: ten seconds for that look.'),
    afterCheckHardStopMs: d(5_000, 'A look that ignores its limit is left this long after it.'),
  },
  undo: {
    timeoutMs: d(10 * 60_000, 'Each undo: an instance may take minutes to finish stopping before it starts.'),
    stopWaitChecks: d(60, 'Sixty checks for an instance still stopping: five minutes at the pace below.'),
    stopWaitEveryMs: d(5_000, 'EC2 takes tens of seconds to stop an instance; a look every 5 s.'),
    sqlConnectTimeoutMs: d(5_000, "Dropping labdrill's table: a reachable database connects at once."),
    sqlQueryTimeoutMs: d(10_000, 'DROP TABLE of a small table ends in well under 10 s.'),
    dropTableRetryMs: d(
      180_000,
      'A Multi-AZ failover takes up to two minutes; the drop is retried past it while the database is away.',
    ),
    dropTableRetryEveryMs: d(
      2_000,
      'Every two seconds, so the drop follows soon after the database is back.',
    ),
  },
  sshExec: {
    connectTimeoutMs: d(
      10_000,
      'One SSH handshake, to the bastion or through it: slower is a dropped route.',
    ),
    keepaliveEveryMs: d(
      15_000,
      'Keeps the connections held through NAT and the bastion alive between commands.',
    ),
    closeWaitMs: d(2_000, 'A connection that does not close politely in 2 s is closed directly.'),
  },
  ssmExec: {
    firstPollDelayMs: d(250, 'A short command finishes in under a second; the first look comes soon.'),
    maxPollDelayMs: d(2_000, 'Looks grow to one every 2 s, sparing the API on long commands.'),
    pollDelayFactor: d(1.5, 'The wait between looks grows by half each time.'),
    maxPolls: d(300, 'A hard cap on looks per command, whatever its time limit.'),
    maxInvocationNotFound: d(
      10,
      'SSM says "no such invocation" for a moment after SendCommand; ten answers of it end the wait.',
    ),
    cancelTimeoutMs: d(3_000, 'Cancelling a timed-out command is best effort: 3 s at most.'),
  },
  probeRetry: {
    minDelayMs: d(100, 'A retried HTTP request or DNS question waits at least 0.1 s (jittered, doubling).'),
    maxDelayMs: d(500, 'At most half a second between tries: the retries fit in a probe timeout.'),
  },
  assumedRole: {
    sessionS: d(3_600, "An hour: AssumeRole's default, and the most a role chained from another allows."),
    renewBeforeExpiryMs: d(5 * 60_000, 'Renewed five minutes early, so that no call goes out with old keys.'),
  },
  cloudFrontHit: {
    attempts: d(4, 'The first request may miss and fill the cache; four give the edge time to answer a hit.'),
  },
  sqlSession: {
    connectTimeoutMs: d(
      3_000,
      'A database in the same VPC connects in milliseconds; 3 s means packets are dropped.',
    ),
    queryTimeoutMs: d(5_000, 'The probes ask for a handful of rows; 5 s is a stuck query.'),
  },
  replicaLag: {
    markers: d(5, 'Five marker rows give a p50 and p95 in about a second.'),
    spacingMs: d(200, 'Spread over a second, so that one stall does not delay every marker.'),
    pollThresholdFraction: d(
      1 / 40,
      'Times each marker to a fortieth of the lag threshold (50 ms at 2 s): far finer than the verdict needs.',
    ),
    minPollEveryMs: d(10, 'However low the threshold, the replica is read at most a hundred times a second.'),
    minWaitMs: d(10_000, 'A marker row not on the replica after 10 s is lost, not late.'),
    waitLagMultiple: d(3, 'With a high threshold, three times it before a marker row counts as lost.'),
  },
  replicaLagMetric: {
    windowMinutes: d(10, 'Ten one-minute CloudWatch periods show the trend beside the last value.'),
  },
  efsShared: {
    minCommandTimeoutMs: d(
      30_000,
      'A remote command through SSM or SSH takes seconds to arrive, then writes over NFS.',
    ),
    probeTimeoutMultiple: d(4, 'With a long probe timeout, four of them per remote command.'),
  },
  roundRobin: {
    concurrency: d(4, 'Four requests at a time, each on its own connection: quick, yet no load on the ALB.'),
    alpha: d(
      1e-4,
      "The even-shares test's level: true round robin fails far under 0.1% of runs, even over several ALB nodes.",
    ),
    power: d(0.99, 'The default sample size catches roundRobin.skew in 99 runs out of 100.'),
    skew: d(
      0.7,
      'The skew the default sample must catch: one half of the targets getting 70% of the traffic.',
    ),
  },
  checkBudget: {
    reportGraceS: d(
      30,
      "Past a check's budget, time for the check to report its verdict before the runner gives up.",
    ),
    probeBaseS: d(60, 'A minute on top of the requests, for the AWS calls and the rest of the probe.'),
    probeRequests: d(12, 'A dozen requests in a row, every attempt of each timing out.'),
    rollbackReserveFraction: d(
      0.25,
      "A quarter of a drill's budget is kept for its rollback and the check after it.",
    ),
    rollbackReserveMinS: d(5, 'Even a short drill keeps a few seconds to roll back.'),
    rollbackReserveMaxS: d(
      300,
      "Five minutes is enough for any drill's rollback; the rest of the budget is the drill's.",
    ),
    replicaLagThresholdMultiple: d(
      20,
      'rds.replica.lag: markers spread over seconds, each waiting for the replica, plus the sessions.',
    ),
    failoverSettleS: d(
      60,
      'The failover drills: a minute before the call, for the steady state and the watch.',
    ),
    failoverVerifyS: d(
      180,
      'The failover drills: after the window, the verdict, the rollback and the check after.',
    ),
    capacityRollbackS: d(
      300,
      "The Auto Scaling drills' rollback: capacity put back, extra instances drained and ended.",
    ),
    scaleInMarginS: d(
      120,
      "asg.scale-in.observe: the policies and activities read around the scale-in's own limit.",
    ),
    efsCommandsS: d(
      120,
      'efs.shared: on top of its requests, the write, the reads and the clean-up through SSM or SSH.',
    ),
  },
} satisfies DefaultsTable;

type Overlap = keyof typeof stackFileDefaultsTable & keyof typeof builtInDefaultsTable;
// Both tables share one namespace (`defaults`), so no key may be in both.
const disjoint: [Overlap] extends [never] ? true : never = true;
void disjoint;

/** The values of `table`, frozen: a default changed in place would change it for every later reader. */
function valuesOf<T extends DefaultsTable>(table: T): ValuesOf<T> {
  const values = Object.fromEntries(
    Object.entries(table).map(([key, entry]) => [
      key,
      isDefault(entry) ? Object.freeze(entry.value) : valuesOf(entry),
    ]),
  );
  return Object.freeze(values) as ValuesOf<T>;
}

export function isDefault(entry: Default<unknown> | DefaultsTable): entry is Default<unknown> {
  return typeof entry.why === 'string' && 'value' in entry;
}

/** Every default's value, by its path in its table, e.g. `defaults.probe.timeoutMs`. */
export const defaults = Object.freeze({
  ...valuesOf(stackFileDefaultsTable),
  ...valuesOf(builtInDefaultsTable),
});

export interface DefaultRow {
  /** Dotted path in its table, e.g. thresholds.failoverRtoS. */
  path: string;
  value: unknown;
  why: string;
}

/** The entries of a table, in its order, with their dotted paths. */
export function defaultRows(table: DefaultsTable, prefix = ''): DefaultRow[] {
  return Object.entries(table).flatMap(([key, entry]) =>
    isDefault(entry)
      ? [{ path: `${prefix}${key}`, value: entry.value, why: entry.why }]
      : defaultRows(entry, `${prefix}${key}.`),
  );
}
