import type { DistributionSummary } from '@aws-sdk/client-cloudfront';
import { describe, expect, it } from 'vitest';
import { chooseCandidate, listNames } from '../../discover/chooseCandidate.ts';
import { loadBalancerUrl } from '../../discover/findLoadBalancer.ts';
import { bucketOrigins } from '../../discover/findWebsite.ts';
import { bucketOfOriginHost, websiteEndpointHost, websiteUrl } from '../../discover/s3WebsiteEndpoint.ts';
import {
  namePrefixSelector,
  SelectorError,
  seedName,
  selectorMatches,
  tagSelector,
  tagsOf,
} from '../../config/discoverySelector.ts';

// The pure parts of `labdrill discover`: choosing among candidates, selectors, and the S3 website
// endpoint's spelling per region.

interface Lb {
  name: string;
  scheme: 'internet-facing' | 'internal';
}
const lbs: Lb[] = [
  { name: 'lab-vpc-alb-asg', scheme: 'internet-facing' },
  { name: 'lab-vpc-alb-asg-old', scheme: 'internet-facing' },
  { name: 'lab-vpc-internal', scheme: 'internal' },
];

describe('chooseCandidate', () => {
  it('narrows by each preference in turn and says why the choice won', () => {
    const choice = chooseCandidate(lbs, [
      { label: 'internet-facing', test: (lb) => lb.scheme === 'internet-facing' },
      { label: 'named lab-vpc-alb-asg', test: (lb) => lb.name === 'lab-vpc-alb-asg' },
    ]);
    expect(choice).toEqual({
      kind: 'chosen',
      item: lbs[0],
      reasons: ['internet-facing', 'named lab-vpc-alb-asg'],
    });
  });

  it('ignores a preference that no candidate meets', () => {
    const choice = chooseCandidate(lbs, [
      { label: 'named other', test: (lb) => lb.name === 'other' },
      { label: 'internal', test: (lb) => lb.scheme === 'internal' },
    ]);
    expect(choice).toMatchObject({ kind: 'chosen', item: lbs[2], reasons: ['internal'] });
  });

  it('takes a single candidate whatever the preferences say', () => {
    expect(
      chooseCandidate(
        [lbs[2]!],
        [{ label: 'internet-facing', test: (lb) => lb.scheme === 'internet-facing' }],
      ),
    ).toEqual({ kind: 'chosen', item: lbs[2], reasons: [] });
  });

  it('reports ambiguity with the candidates left, and none for an empty list', () => {
    const choice = chooseCandidate(lbs, [
      { label: 'internet-facing', test: (lb) => lb.scheme === 'internet-facing' },
    ]);
    expect(choice).toEqual({ kind: 'ambiguous', items: [lbs[0], lbs[1]] });
    expect(chooseCandidate([], [])).toEqual({ kind: 'none' });
  });

  it('lists names, cut after a few', () => {
    expect(listNames(['a', 'b'])).toBe('a, b');
    expect(listNames(['a', 'b', 'c', 'd', 'e', 'f', 'g'])).toBe('a, b, c, d, e and 2 more');
  });
});

describe('selectors', () => {
  it('match by name prefix or by tag', () => {
    const byName = namePrefixSelector('lab-vpc');
    expect(selectorMatches(byName, { name: 'lab-vpc-asg' })).toBe(true);
    expect(selectorMatches(byName, { name: 'my-lab-vpc' })).toBe(false);
    expect(selectorMatches(byName, { tags: { Name: 'lab-vpc' } })).toBe(false);
    const byTag = tagSelector('Project=lab=1');
    expect(byTag).toEqual({ kind: 'tag', key: 'Project', value: 'lab=1' });
    expect(selectorMatches(byTag, { name: 'x', tags: tagsOf([{ Key: 'Project', Value: 'lab=1' }]) })).toBe(
      true,
    );
    expect(selectorMatches(byTag, { name: 'x', tags: { Project: 'lab' } })).toBe(false);
    expect(tagSelector('Empty=')).toEqual({ kind: 'tag', key: 'Empty', value: '' });
  });

  it("give the seeds' names only when selecting by name", () => {
    expect(seedName(namePrefixSelector('kim-vpc'), '-rds')).toBe('kim-vpc-rds');
    expect(seedName(tagSelector('a=b'), '-rds')).toBeUndefined();
  });

  it('refuse wildcards and malformed tags', () => {
    for (const bad of ['=value', 'novalue', 'Name=lab*', 'Na?me=x']) {
      expect(() => tagSelector(bad), bad).toThrow(SelectorError);
    }
    for (const bad of ['', 'lab*', 'lab?', 'x'.repeat(129)]) {
      expect(() => namePrefixSelector(bad), bad).toThrow(SelectorError);
    }
  });
});

describe('S3 website endpoints', () => {
  it('use a dash in the older regions and a dot in the newer ones', () => {
    expect(websiteEndpointHost('b', 'us-east-1')).toBe('b.s3-website-us-east-1.amazonaws.com');
    expect(websiteEndpointHost('b', 'ap-northeast-1')).toBe('b.s3-website-ap-northeast-1.amazonaws.com');
    expect(websiteEndpointHost('b', 'eu-west-1')).toBe('b.s3-website-eu-west-1.amazonaws.com');
    expect(websiteEndpointHost('b', 'ap-northeast-2')).toBe('b.s3-website.ap-northeast-2.amazonaws.com');
    expect(websiteEndpointHost('b', 'us-east-2')).toBe('b.s3-website.us-east-2.amazonaws.com');
    expect(websiteEndpointHost('b', 'eu-central-1')).toBe('b.s3-website.eu-central-1.amazonaws.com');
    expect(websiteUrl('lab-s3-web-hosting', 'ap-northeast-2')).toBe(
      'http://lab-s3-web-hosting.s3-website.ap-northeast-2.amazonaws.com/',
    );
  });

  it('name their bucket when read back from an origin host', () => {
    expect(bucketOfOriginHost('my.bucket.s3-website.ap-northeast-2.amazonaws.com')).toEqual({
      bucket: 'my.bucket',
      kind: 'website',
      region: 'ap-northeast-2',
    });
    // Host names are case-insensitive and may end in a dot.
    expect(bucketOfOriginHost('Lab-Web.s3-website-us-east-1.amazonaws.com.')).toEqual({
      bucket: 'lab-web',
      kind: 'website',
      region: 'us-east-1',
    });
    expect(bucketOfOriginHost('lab-web.s3.amazonaws.com')).toEqual({ bucket: 'lab-web', kind: 'rest' });
    expect(bucketOfOriginHost('lab-web.s3.ap-northeast-2.amazonaws.com')).toEqual({
      bucket: 'lab-web',
      kind: 'rest',
      region: 'ap-northeast-2',
    });
    expect(bucketOfOriginHost('lab-vpc-alb-asg-1.ap-northeast-2.elb.amazonaws.com')).toBeNull();
    expect(bucketOfOriginHost('example.com')).toBeNull();
  });

  it("are matched to the distributions that use them, other regions' origins left out", () => {
    const distribution = (id: string, ...domains: string[]): DistributionSummary =>
      ({
        Id: id,
        Origins: { Quantity: domains.length, Items: domains.map((d) => ({ Id: d, DomainName: d })) },
      }) as DistributionSummary;
    const found = bucketOrigins(
      [
        distribution('E1', 'lab.s3-website.ap-northeast-2.amazonaws.com', 'api.example.com'),
        distribution('E2', 'other.s3-website-us-east-1.amazonaws.com'),
        distribution('E3', 'rest.s3.amazonaws.com'),
      ],
      'ap-northeast-2',
    );
    expect(found.map((f) => [f.distribution.Id, f.origin.bucket, f.origin.kind])).toEqual([
      ['E1', 'lab', 'website'],
      ['E3', 'rest', 'rest'],
    ]);
  });
});

describe('the ALB URL', () => {
  const dns = 'lab-vpc-alb-asg-1.ap-northeast-2.elb.amazonaws.com';
  it('is http://DNS/ for the lab HTTP:80 listener, with the port or https otherwise', () => {
    expect(loadBalancerUrl(dns, [{ Protocol: 'HTTP', Port: 80 }])).toBe(`http://${dns}/`);
    expect(loadBalancerUrl(dns, [{ Protocol: 'HTTP', Port: 8080 }])).toBe(`http://${dns}:8080/`);
    expect(loadBalancerUrl(dns, [{ Protocol: 'HTTPS', Port: 443 }])).toBe(`https://${dns}/`);
    expect(
      loadBalancerUrl(dns, [
        { Protocol: 'HTTPS', Port: 443 },
        { Protocol: 'HTTP', Port: 80 },
      ]),
    ).toBe(`http://${dns}/`);
    expect(loadBalancerUrl(dns, [])).toBe(`http://${dns}/`);
  });
});
