import { z } from 'zod';
import { defaults } from './defaults.ts';

// The stack file: every section optional, unknown keys rejected (a typo must not silently skip a check).
// A check whose inputs are missing is `skip` with the reason, never an error.

const httpUrl = z
  .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
  .describe('An http:// or https:// URL');

const hostPort = z
  .string()
  .regex(/^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$/, 'must be HOST or HOST:PORT')
  .refine((text) => {
    const port = /:(\d{1,5})$/.exec(text)?.[1];
    return port === undefined || (Number(port) >= 1 && Number(port) <= 65535);
  }, 'the port must be 1–65535')
  .describe('A DNS resolver as HOST or HOST:PORT (port 53 when omitted)');

const positiveMs = z.number().int().positive();
const regexSource = z.string().refine(
  (s) => {
    try {
      new RegExp(s);
      return true;
    } catch {
      return false;
    }
  },
  { error: 'must be a valid regular expression' },
);

const awsSection = z
  .strictObject({
    profile: z.string().min(1).optional().describe('Profile from the shared AWS config/credentials files'),
    roleArn: z
      .string()
      .regex(
        /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/,
        'must be an IAM role ARN like arn:aws:iam::123456789012:role/grader',
      )
      .optional()
      .describe('A role to assume (with the profile or default credentials) for every call labdrill makes'),
    expectAccount: z
      .string()
      .regex(/^\d{12}$/, 'must be a 12-digit AWS account id')
      .optional()
      .describe('Drills refuse to run unless STS reports this account'),
    endpoints: z
      .record(z.string().regex(/^[a-z0-9-]+$/, 'service names are lower-case, e.g. ec2, rds, s3'), httpUrl)
      .optional()
      .describe('Per-service endpoint URLs (same effect as AWS_ENDPOINT_URL_<SERVICE>)'),
    timeoutMs: positiveMs.optional().describe('Per-call timeout for AWS API calls'),
    maxAttempts: z
      .number()
      .int()
      .min(1)
      .max(10)
      .optional()
      .describe('Attempts per AWS call, first try included (the SDK standard retry)'),
  })
  .describe('How to reach the AWS control plane');

const s3Section = z
  .strictObject({
    bucket: z
      .string()
      .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be a valid S3 bucket name')
      .optional()
      .describe('The bucket that hosts the website'),
    websiteUrl: httpUrl.optional().describe('The website endpoint URL of the lab page, e.g. …/mycar.html'),
  })
  .describe('The static website on S3');

const cloudfrontSection = z
  .strictObject({
    url: httpUrl.optional().describe('The distribution URL of the lab page'),
    distributionId: z.string().min(1).optional().describe('The distribution id, e.g. E1ABCDEF'),
  })
  .describe('The CloudFront distribution in front of the website');

const pagePatternSection = z
  .strictObject({
    instanceId: regexSource.optional().describe('Regex with one capture group for the instance id'),
    availabilityZone: regexSource.optional().describe('Regex with one capture group for the AZ'),
    privateIp: regexSource.optional().describe('Regex with one capture group for the private IP'),
  })
  .describe("How to read the serving instance from a page; defaults to the lab's index.php");

const albSection = z.strictObject({
  name: z.string().min(1).optional().describe('Name of the Application Load Balancer'),
  url: httpUrl.optional().describe('URL of the app through the load balancer'),
  dnsName: z.string().min(1).optional().describe("The ALB's DNS name (for dns.custom-domain)"),
  instancePattern: pagePatternSection.optional(),
  expectedTargets: z
    .number()
    .int()
    .min(1)
    .optional()
    .describe('How many targets should share traffic, when it cannot be read from AWS'),
  samples: z
    .number()
    .int()
    .min(20)
    .max(100_000)
    .optional()
    .describe(
      "Requests for alb.round-robin, all of them sent; when omitted, as many as the test's power needs, stopping early once the shares are clearly even",
    ),
});

const ec2Section = z.strictObject({
  instanceUrls: z.array(httpUrl).optional().describe('Direct URLs of the app instances, where reachable'),
  instanceIds: z
    .array(z.string().regex(/^i-[0-9a-f]{8,17}$/, 'must be an EC2 instance id like i-0123456789abcdef0'))
    .optional()
    .describe('The app instances; read from the ALB target group or the ASG when omitted'),
  bastion: z
    .string()
    .min(1)
    .refine((text) => {
      const port = /^[^:]*:(\d{1,5})$|^\[.*\]:(\d{1,5})$/.exec(text);
      const value = port?.[1] ?? port?.[2];
      return value === undefined || (Number(value) >= 1 && Number(value) <= 65535);
    }, 'the port must be 1–65535')
    .optional()
    .describe(
      'The bastion host: its Name tag or instance id, or the IP or HOST:PORT where SSH reaches it (exec via ssh goes through it)',
    ),
});

const vpcSection = z.strictObject({
  id: z
    .string()
    .regex(/^vpc-[0-9a-f]{8,17}$/, 'must be a VPC id like vpc-0123456789abcdef0')
    .optional()
    .describe('The VPC id'),
  name: z.string().min(1).optional().describe('Name tag of the VPC, e.g. lab-vpc'),
});

const efsSection = z.strictObject({
  fileSystemId: z.string().min(1).optional().describe('The file system id, e.g. fs-0123456789abcdef0'),
  path: z
    .string()
    .startsWith('/', 'must be an absolute path')
    .optional()
    .describe('Where the app instances mount it, e.g. /var/www/html/efs'),
  urlPath: z
    .string()
    .startsWith('/', 'must start with /')
    .optional()
    .describe('Where the app serves that directory over HTTP, e.g. /efs/'),
});

const execSection = z.discriminatedUnion('via', [
  z.strictObject({ via: z.literal('ssm').describe('ssm: AWS Systems Manager, or ssh: through the bastion') }),
  z.strictObject({
    via: z.literal('ssh'),
    /** The bastion is ec2.bastion, which the network checks read too. */
    bastion: z
      .never({ error: "moved to ec2.bastion (the bastion's Name tag, instance id, IP or HOST:PORT)" })
      .optional()
      .describe('Moved to ec2.bastion'),
    user: z
      .string()
      .min(1)
      .default(defaults.exec.user)
      .describe('The login on the bastion and the instances'),
    key: z.string().min(1).optional().describe('Path to the private key; the SSH agent when omitted'),
    knownHosts: z
      .string()
      .min(1)
      .optional()
      .describe(
        'A known_hosts file: the host keys to trust, and where --accept-new-host-key records new ones',
      ),
    hostKeys: z
      .array(
        z
          .string()
          .regex(/^SHA256:[A-Za-z0-9+/]{43}$/, 'must be a SHA256 fingerprint as `ssh-keygen -lf` prints it'),
      )
      .max(100)
      .optional()
      .describe(
        'Host key fingerprints to trust (bastion and app instances), as `ssh-keygen -lf` prints them',
      ),
  }),
]);

const rdsSection = z.strictObject({
  instance: z.string().min(1).optional().describe('The Multi-AZ DB instance identifier'),
  replica: z.string().min(1).optional().describe("The read replica's identifier"),
  cluster: z.string().min(1).optional().describe('An Aurora cluster identifier (aurora.failover.drill)'),
  resolver: hostPort
    .optional()
    .describe(
      "Resolver for the endpoint's name, HOST or HOST:PORT (port 53 by default); dns.resolver when omitted",
    ),
  sql: z
    .strictObject({
      host: z.string().min(1).optional().describe('Override the endpoint host (e.g. an SSH tunnel)'),
      port: z.number().int().min(1).max(65535).optional().describe("Override the endpoint's port"),
      replicaHost: z.string().min(1).optional().describe("Override the replica's host"),
      replicaPort: z.number().int().min(1).max(65535).optional().describe("Override the replica's port"),
      user: z.string().min(1).describe('The database user'),
      passwordEnv: z
        .string()
        .regex(/^[A-Z_][A-Z0-9_]*$/, 'must name an environment variable, e.g. LAB_DB_PASSWORD')
        .describe("The environment variable that holds the user's password"),
      database: z.string().min(1).describe('The database the app uses'),
    })
    .optional()
    .describe('SQL access for the probes and drills that read or write the database'),
});

const asgSection = z.strictObject({
  name: z.string().min(1).optional().describe('Name of the Auto Scaling group'),
  observeScaleIn: z
    .boolean()
    .optional()
    .describe(
      'Follow the group back to its minimum after the scale-out drill (asg.scale-in.observe; long on AWS)',
    ),
  selfHealMode: z
    .enum(['terminate', 'stop'])
    .optional()
    .describe('How asg.self-heal.drill takes an instance away: terminate or stop'),
});

const dnsSection = z.strictObject({
  customDomain: z
    .string()
    .min(1)
    .optional()
    .describe('A domain that should resolve to the ALB, e.g. dev.example.shop'),
  resolver: hostPort.optional().describe('Resolver for name checks; the system resolver when omitted'),
});

const thresholdsSection = z
  .strictObject({
    replicaLagP95Ms: positiveMs
      .optional()
      .describe('The most replica lag at p95 that rds.replica.lag passes'),
    failoverRtoS: z
      .number()
      .positive()
      .optional()
      .describe('The longest recovery the failover drills pass (the RTO)'),
    scaleOutTimeoutS: z
      .number()
      .positive()
      .optional()
      .describe("The scale-out drill's time limit: its load's duration cap and the wait for new instances"),
    scaleInTimeoutS: z
      .number()
      .positive()
      .optional()
      .describe('How long asg.scale-in.observe follows the group back to its minimum'),
    failoverWindowS: z
      .number()
      .positive()
      .optional()
      .describe('How long the failover drills watch after the call'),
    selfHealTimeoutS: z
      .number()
      .positive()
      .optional()
      .describe('How long asg.self-heal.drill gives the group to replace the instance'),
  })
  .describe('Pass marks and time limits, at AWS pace by default');

/** Check ids look like `alb.round-robin`; which ids exist is checked against the catalog when loading. */
const budgetsSection = z
  .record(
    z.string().regex(/^[a-z0-9]+(\.[a-z0-9-]+)+$/, 'must be a check id like asg.scale-out.drill'),
    z
      .number()
      .positive()
      .max(24 * 3600),
  )
  .describe('Per-check time budgets in seconds, by check id: the most wall time each check may take');

const probeSection = z
  .strictObject({
    timeoutMs: positiveMs.max(600_000).optional().describe('Per-request timeout for data-plane probes'),
    retries: z.number().int().min(0).max(10).optional().describe('Retries on transport errors only'),
    maxBodyBytes: z
      .number()
      .int()
      .min(1024)
      .max(64 * 1024 * 1024)
      .optional()
      .describe('Most bytes of a response body read'),
    speedupSamples: z.number().int().min(3).max(1000).optional().describe('Samples per side for cf.speedup'),
  })
  .describe('Data-plane probe settings');

/**
 * What the lab expects where labs differ (seed 002's numbers by default: a group of 2 / 2 / 4 with a 7% CPU
 * target; seed 003 uses 80%). A rubric may carry the same section; when grading, the rubric's values win
 * over the stack file's, so a student cannot lower the bar by editing their own file.
 */
export const expectSection = z
  .strictObject({
    asg: z
      .strictObject({
        min: z.number().int().min(0).max(1000).optional().describe("The group's minimum size"),
        desired: z
          .number()
          .int()
          .min(0)
          .max(1000)
          .optional()
          .describe("The group's desired capacity at rest"),
        max: z.number().int().min(1).max(1000).optional().describe("The group's maximum size"),
        cpuTarget: z
          .number()
          .positive()
          .max(100)
          .optional()
          .describe('Target value (%) of the target-tracking policy on average CPU'),
      })
      .optional()
      .describe('Sizes and CPU target of the Auto Scaling group'),
    appInstances: z
      .number()
      .int()
      .min(1)
      .max(1000)
      .optional()
      .describe('How many app instances serve the page, when AWS cannot say'),
    sampleRows: z
      .number()
      .int()
      .min(0)
      .max(1000)
      .optional()
      .describe('The fewest rows of table SAMPLE each app page must show'),
  })
  .describe("What the lab expects where labs differ; defaults are seed 002's");

export type LabExpectations = z.infer<typeof expectSection>;

/**
 * A load cap within the load generator's own limits (config/defaults.ts loadLimits): a value it would refuse
 * mid-drill is refused when the file is read, before anything runs. The stack file and the rubric share it.
 */
export function loadCapCount(limit: 'connections' | 'maxRequests') {
  const { min, max } = defaults.loadLimits[limit];
  return z.number().int().min(min).max(max).optional();
}

const loadSection = z
  .strictObject({
    connections: loadCapCount('connections').describe('Most connections at once'),
    maxRequests: loadCapCount('maxRequests').describe('Most requests over the whole drill'),
  })
  .describe("Caps on the scale-out drill's load through the ALB");

const chaosSection = z
  .strictObject({
    allow: z
      .boolean()
      .default(defaults.chaos.allow)
      .describe('Drills run only when this is true and --chaos is given'),
    journal: z.string().min(1).optional().describe('Path of the drill journal'),
  })
  .describe('Whether drills may run, and where they journal their undo');

export const stackSchema = z
  .strictObject({
    $schema: z.string().optional().describe('The JSON Schema for editor completion'),
    name: z.string().min(1).max(128).describe('A name for this stack, shown in reports'),
    region: z
      .string()
      .regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, 'must be an AWS region like ap-northeast-2')
      .optional()
      .describe('The AWS region of the lab, e.g. ap-northeast-2'),
    aws: awsSection.optional(),
    vpc: vpcSection.optional().describe("The lab's VPC"),
    s3: s3Section.optional(),
    cloudfront: cloudfrontSection.optional(),
    alb: albSection.optional().describe('The Application Load Balancer in front of the app'),
    ec2: ec2Section.optional().describe('The app instances and the bastion'),
    efs: efsSection.optional().describe('The EFS file system the app instances share'),
    exec: execSection.optional().describe('How labdrill runs commands on the instances (efs.shared)'),
    rds: rdsSection.optional().describe('The RDS database, its read replica and Aurora cluster'),
    asg: asgSection.optional().describe('The Auto Scaling group of the app instances'),
    dns: dnsSection.optional().describe('Name checks'),
    thresholds: thresholdsSection.optional(),
    budgets: budgetsSection.optional(),
    probe: probeSection.optional(),
    expect: expectSection.optional(),
    load: loadSection.optional(),
    chaos: chaosSection.optional(),
  })
  .superRefine((stack, ctx) => {
    if (stack.exec?.via === 'ssh' && stack.ec2?.bastion === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['ec2', 'bastion'],
        message:
          'required with exec via ssh: the bastion SSH goes through (Name tag, instance id, IP or HOST:PORT)',
      });
    }
  })
  .describe('A labdrill stack file');

export type Stack = z.infer<typeof stackSchema>;
