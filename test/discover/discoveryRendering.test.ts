import { describe, expect, it } from 'vitest';
import { type DiscoveryNote, openNotes } from '../../discover/discoveryNotes.ts';
import { mergeStacks } from '../../discover/mergeStack.ts';
import { renderStackYaml } from '../../discover/renderStackYaml.ts';
import { parseStackText } from '../../config/loadStack.ts';
import type { Stack } from '../../config/schema.ts';

// The written stack file: YAML that loads, with each note as comment lines right above its section
// (also where the section is missing), and --merge keeping the user's fields.

const discovered: Stack = {
  name: 'lab-vpc',
  region: 'ap-northeast-2',
  vpc: { id: 'vpc-0123456789abcdef0', name: 'lab-vpc' },
  alb: {
    name: 'lab-vpc-alb-asg',
    url: 'http://lab-vpc-alb-asg-1.ap-northeast-2.elb.amazonaws.com/',
    expectedTargets: 2,
  },
  rds: { instance: 'lab-vpc-rds', replica: 'lab-vpc-rds-rr' },
  exec: { via: 'ssm' },
};

const notes: DiscoveryNote[] = [
  {
    section: 's3',
    field: 's3.bucket',
    text: 's3: no bucket found with a website configuration — set s3.bucket and s3.websiteUrl',
  },
  { section: 'rds', field: 'rds.sql', text: 'rds: set rds.sql, e.g.\n  sql: { user: admin }' },
  { section: 'alb', text: 'alb: a note that always stays' },
];

describe('renderStackYaml', () => {
  const text = renderStackYaml(discovered, notes, ['first header line', 'second']);

  it('writes a header, sections in the usual order, and notes above their section', () => {
    expect(text).toBe(
      [
        '# first header line',
        '# second',
        '',
        'name: lab-vpc',
        'region: ap-northeast-2',
        'vpc:',
        '  id: vpc-0123456789abcdef0',
        '  name: lab-vpc',
        '# s3: no bucket found with a website configuration — set s3.bucket and s3.websiteUrl',
        '# alb: a note that always stays',
        'alb:',
        '  name: lab-vpc-alb-asg',
        '  url: http://lab-vpc-alb-asg-1.ap-northeast-2.elb.amazonaws.com/',
        '  expectedTargets: 2',
        'exec:',
        '  via: ssm',
        '# rds: set rds.sql, e.g.',
        '#   sql: { user: admin }',
        'rds:',
        '  instance: lab-vpc-rds',
        '  replica: lab-vpc-rds-rr',
        '',
      ].join('\n'),
    );
  });

  it('loads back as the same stack', () => {
    expect(parseStackText(text, 'x.yaml', 'yaml')).toEqual(discovered);
  });

  it('quotes what YAML would otherwise misread', () => {
    const tricky: Stack = {
      name: 'yes',
      aws: { expectAccount: '012345678901' },
      asg: { name: '# not a comment' },
    };
    const again = parseStackText(renderStackYaml(tricky, [], []), 'x.yaml', 'yaml');
    expect(again).toEqual(tricky);
  });
});

describe('mergeStacks', () => {
  const own: Stack = {
    name: 'kim-lab',
    alb: { url: 'http://127.0.0.1:8080/', samples: 400 },
    rds: {
      instance: 'lab-vpc-rds',
      sql: { user: 'admin', passwordEnv: 'LAB_DB_PASSWORD', database: 'labvpcrds' },
    },
    exec: { via: 'ssh', user: 'ec2-user', key: '~/.ssh/lab.pem' },
    chaos: { allow: true },
  };

  it("keeps the user's fields, fills in the rest, and notes where they differ", () => {
    const { stack, notes: differences } = mergeStacks(discovered, own, 'mine.yaml');
    expect(stack).toEqual({
      name: 'kim-lab',
      region: 'ap-northeast-2',
      vpc: discovered.vpc,
      alb: { name: 'lab-vpc-alb-asg', url: 'http://127.0.0.1:8080/', expectedTargets: 2, samples: 400 },
      rds: { instance: 'lab-vpc-rds', replica: 'lab-vpc-rds-rr', sql: own.rds!.sql },
      // exec is taken whole: an ssh section never gets mixed with the discovered ssm one.
      exec: own.exec,
      chaos: { allow: true },
    });
    expect(differences.map((n) => n.text)).toEqual([
      'alb.url: kept http://127.0.0.1:8080/ from mine.yaml; discovery found http://lab-vpc-alb-asg-1.ap-northeast-2.elb.amazonaws.com/',
      'exec: kept {"via":"ssh","user":"ec2-user","key":"~/.ssh/lab.pem"} from mine.yaml; discovery found {"via":"ssm"}',
    ]);
    expect(differences.map((n) => n.section)).toEqual(['alb', 'exec']);
  });

  it('drops the notes asking for fields the merged file sets', () => {
    const { stack } = mergeStacks(discovered, own, 'mine.yaml');
    expect(openNotes(notes, stack).map((n) => n.section)).toEqual(['s3', 'alb']);
    expect(openNotes(notes, discovered).map((n) => n.section)).toEqual(['s3', 'rds', 'alb']);
  });
});
