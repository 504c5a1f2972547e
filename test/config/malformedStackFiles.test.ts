import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadStackFile, StackFileError } from '../../config/loadStack.ts';

const dir = mkdtempSync(join(tmpdir(), 'labdrill-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function errorOf(path: string): string {
  try {
    loadStackFile(path);
  } catch (error) {
    expect(error).toBeInstanceOf(StackFileError);
    const message = (error as Error).message;
    expect(message).not.toContain('\n');
    return message;
  }
  throw new Error(`expected ${path} to be rejected`);
}

/** Nine levels of ten aliases each: 10^9 nodes once expanded. */
function aliasBomb(): string {
  const levels = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
  for (let i = 1; i < 9; i++)
    levels.push(
      `a${i}: &a${i} [${Array(10)
        .fill(`*a${i - 1}`)
        .join(', ')}]`,
    );
  return `name: a\n${levels.join('\n')}\n`;
}

// Each case: file name, contents, and what the one-line error must say (field and problem).
const cases: [string, string, RegExp][] = [
  ['no-name.yaml', 's3: {}\n', /no-name\.yaml: name: required field is missing/],
  ['name-number.yaml', 'name: 42\n', /name: .*expected string.*\(got 42\)/i],
  ['unknown-top.yaml', 'name: a\nalbb: {url: http://x/}\n', /albb: unknown key \(did you mean 'alb'\?\)/],
  [
    'unknown-nested.yaml',
    'name: a\nalb: {urll: http://x/}\n',
    /alb\.urll: unknown key \(did you mean 'url'\?\)/,
  ],
  ['unknown-far.yaml', 'name: a\nzzzzzzzz: 1\n', /zzzzzzzz: unknown key$/],
  [
    'bad-url.yaml',
    'name: a\ns3: {websiteUrl: "not a url"}\n',
    /s3\.websiteUrl: must be an http:\/\/ or https:\/\/ URL \(got "not a url"\)/,
  ],
  [
    'ftp-url.yaml',
    'name: a\ncloudfront: {url: "ftp://d1.cloudfront.net/"}\n',
    /cloudfront\.url: must be an http/,
  ],
  [
    'negative-threshold.yaml',
    'name: a\nthresholds: {replicaLagP95Ms: -5}\n',
    /thresholds\.replicaLagP95Ms: .*\(got -5\)/,
  ],
  ['zero-timeout.yaml', 'name: a\nprobe: {timeoutMs: 0}\n', /probe\.timeoutMs: .*\(got 0\)/],
  ['fraction-retries.yaml', 'name: a\nprobe: {retries: 1.5}\n', /probe\.retries: .*\(got 1\.5\)/],
  ['too-many-retries.yaml', 'name: a\nprobe: {retries: 99}\n', /probe\.retries: .*\(got 99\)/],
  // More than the load generator takes: refused before any drill, not in the middle of one.
  ['too-much-load.yaml', 'name: a\nload: {connections: 5000}\n', /load\.connections: .*2000.*\(got 5000\)/],
  [
    'bad-region.yaml',
    'name: a\nregion: seoul\n',
    /region: must be an AWS region like ap-northeast-2 \(got "seoul"\)/,
  ],
  [
    'bad-account.yaml',
    'name: a\naws: {expectAccount: "1234"}\n',
    /aws\.expectAccount: must be a 12-digit AWS account id/,
  ],
  ['bad-bucket.yaml', 'name: a\ns3: {bucket: "My_Bucket"}\n', /s3\.bucket: must be a valid S3 bucket name/],
  ['bad-exec.yaml', 'name: a\nexec: {via: telnet}\n', /exec(\.via)?: /],
  [
    'ssh-no-bastion.yaml',
    'name: a\nexec: {via: ssh}\n',
    /^ssh-no-bastion\.yaml: ec2\.bastion: required with exec via ssh: the bastion SSH goes through \(Name tag, instance id, IP or HOST:PORT\) \(got nothing\)$/,
  ],
  [
    // The bastion moved: the old field says where it went, in one line.
    'ssh-old-bastion.yaml',
    'name: a\nexec: {via: ssh, bastion: "bastion.example:22"}\n',
    /^ssh-old-bastion\.yaml: exec\.bastion: moved to ec2\.bastion \(the bastion's Name tag, instance id, IP or HOST:PORT\) \(got "bastion\.example:22"\)$/,
  ],
  [
    'bastion-port.yaml',
    'name: a\nec2: {bastion: "bastion.example:99999"}\n',
    /ec2\.bastion: the port must be 1–65535/,
  ],
  [
    'bad-password-env.yaml',
    'name: a\nrds: {sql: {user: admin, passwordEnv: "my password", database: d}}\n',
    /rds\.sql\.passwordEnv: must name an environment variable/,
  ],
  [
    'bad-resolver.yaml',
    'name: a\ndns: {resolver: "10.1.0.2:port"}\n',
    /dns\.resolver: must be HOST or HOST:PORT/,
  ],
  [
    'bad-regex.yaml',
    'name: a\nalb: {instancePattern: {instanceId: "(unclosed"}}\n',
    /alb\.instancePattern\.instanceId: must be a valid regular expression/,
  ],
  [
    'chaos-string.yaml',
    'name: a\nchaos: {allow: "yes please"}\n',
    /chaos\.allow: .*boolean.*\(got "yes please"\)/i,
  ],
  ['list-top.yaml', '- name: a\n', /must be a mapping of sections.*got a list/],
  ['scalar-top.yaml', 'just text\n', /must be a mapping of sections/],
  ['invalid-yaml.yaml', 'name: a\ns3: {websiteUrl: http://x/\n', /invalid-yaml\.yaml:\d+:\d+: invalid YAML/],
  ['duplicate-key.yaml', 'name: a\nname: b\n', /invalid YAML: .*(unique|duplicate)/i],
  ['bad.json', '{"name": "a",}', /bad\.json: invalid JSON/],
  [
    'instance-urls-not-list.yaml',
    'name: a\nec2: {instanceUrls: http://x/}\n',
    /ec2\.instanceUrls: .*\(got "http:\/\/x\/"\)/,
  ],
  ['samples-too-small.yaml', 'name: a\nalb: {samples: 5}\n', /alb\.samples: .*\(got 5\)/],
  // A billion laughs: aliases that would expand to 10^9 nodes end as bad input, not as a crash.
  ['alias-bomb.yaml', aliasBomb(), /alias-bomb\.yaml: invalid YAML: .*alias/i],
  [
    'resolver-port.yaml',
    'name: a\ndns: {resolver: "1.2.3.4:99999"}\n',
    /dns\.resolver: the port must be 1–65535/,
  ],
  [
    'host-key.yaml',
    'name: a\nec2: {bastion: b}\nexec: {via: ssh, hostKeys: ["MD5:16:27:ac:a5"]}\n',
    /exec\.hostKeys\.0: must be a SHA256 fingerprint as `ssh-keygen -lf` prints it/,
  ],
];

describe('malformed stack files', () => {
  it.each(cases)('%s is rejected with a one-line error naming the field', (name, text, expected) => {
    expect(errorOf(write(name, text))).toMatch(expected);
  });

  it('names the missing file', () => {
    expect(errorOf(join(dir, 'missing.yaml'))).toMatch(/missing\.yaml: cannot read stack file: no such file/);
  });

  it('names a directory given as the stack file', () => {
    const path = join(dir, 'a-directory.yaml');
    mkdirSync(path);
    expect(errorOf(path)).toMatch(/is a directory/);
  });

  it('counts further problems without listing them', () => {
    expect(errorOf(write('many.yaml', 'name: a\nprobe: {timeoutMs: -1, retries: -1}\n'))).toMatch(
      /\(and 1 more problem\)/,
    );
  });

  it('accepts a complete stack file', () => {
    const path = write(
      'good.yaml',
      [
        'name: kim-lab',
        'region: ap-northeast-2',
        'aws: { profile: lab, expectAccount: "123456789012" }',
        's3: { bucket: lab-s3-web-hosting, websiteUrl: "http://lab-s3-web-hosting.s3-website.ap-northeast-2.amazonaws.com/mycar.html" }',
        'cloudfront: { url: "https://d111.cloudfront.net/mycar.html", distributionId: E123 }',
        'alb: { name: lab-vpc-alb-asg, url: "http://lab-vpc-alb-asg-1.ap-northeast-2.elb.amazonaws.com/" }',
        'efs: { fileSystemId: fs-1, path: /var/www/html/efs, urlPath: /efs/ }',
        'ec2: { bastion: "bastion.example:22" }',
        'exec: { via: ssh, user: ec2-user }',
        'rds: { instance: lab-vpc-rds, replica: lab-vpc-rds-rr, resolver: 10.1.0.2, sql: { user: admin, passwordEnv: LAB_DB_PASSWORD, database: labvpcrds } }',
        'asg: { name: lab-vpc-asg }',
        'dns: { customDomain: dev.example.shop }',
        'thresholds: { replicaLagP95Ms: 2000, failoverRtoS: 120, scaleOutTimeoutS: 900 }',
        'chaos: { allow: false }',
      ].join('\n'),
    );
    const stack = loadStackFile(path);
    expect(stack.name).toBe('kim-lab');
    expect(stack.exec).toEqual({ via: 'ssh', user: 'ec2-user' });
    expect(stack.ec2).toEqual({ bastion: 'bastion.example:22' });
  });
});
