// The S3 static website endpoint of a bucket. Older regions spell it with a dash before the region
// (`s3-website-us-east-1`), newer ones with a dot (`s3-website.ap-northeast-2`): "Website endpoints" in the
// Amazon S3 User Guide, https://docs.aws.amazon.com/AmazonS3/latest/userguide/WebsiteEndpoints.html, and the
// table of website endpoints per region it links to.

/** Regions whose website endpoint uses the dash form; every other region uses the dot form. */
const dashRegions: ReadonlySet<string> = new Set([
  'us-east-1',
  'us-west-1',
  'us-west-2',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-northeast-1',
  'eu-west-1',
  'sa-east-1',
  'us-gov-west-1',
]);

export function websiteEndpointHost(bucket: string, region: string): string {
  const separator = dashRegions.has(region) ? '-' : '.';
  return `${bucket}.s3-website${separator}${region}.amazonaws.com`;
}

/** The website URL of the bucket's index document. */
export function websiteUrl(bucket: string, region: string): string {
  return `http://${websiteEndpointHost(bucket, region)}/`;
}

export interface BucketOrigin {
  bucket: string;
  /** `website`: the static website endpoint; `rest`: the bucket's REST endpoint (no index documents). */
  kind: 'website' | 'rest';
  /** The region the host names, when it names one. */
  region?: string;
}

/** The bucket an origin host name points at (either website form, or a REST endpoint); null otherwise. */
export function bucketOfOriginHost(host: string): BucketOrigin | null {
  const name = host.toLowerCase().replace(/\.$/, '');
  const website = /^([a-z0-9][a-z0-9.-]*[a-z0-9])\.s3-website[.-]([a-z0-9-]+)\.amazonaws\.com$/.exec(name);
  if (website) return { bucket: website[1]!, kind: 'website', region: website[2]! };
  const rest =
    /^([a-z0-9][a-z0-9.-]*[a-z0-9])\.s3(?:[.-]([a-z]{2}(?:-gov)?-[a-z]+-\d))?\.amazonaws\.com$/.exec(name);
  if (rest) return { bucket: rest[1]!, kind: 'rest', ...(rest[2] ? { region: rest[2] } : {}) };
  return null;
}
