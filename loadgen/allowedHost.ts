// The one gate between a load plan and the network: a URL is a load target only when its host is
// one the caller configured (the lab's ALB). Anything else is refused before a socket is opened.

export class TargetRefused extends Error {
  override readonly name = 'TargetRefused';
}

/** Lower-case host name without a trailing dot; IPv6 keeps its brackets, as WHATWG URL spells it. */
function canonicalHost(hostname: string): string {
  return hostname.toLowerCase().replace(/\.$/, '');
}

interface AllowedEntry {
  hostname: string;
  /** Set when the entry names a port ('host:8080'); then the port must match too. */
  port: string | null;
}

function parseAllowedEntry(entry: string): AllowedEntry {
  const trimmed = entry.trim();
  if (trimmed === '' || /[\s/@?#]/.test(trimmed)) {
    throw new TargetRefused(`allowed host ${JSON.stringify(entry)} is not a plain host name`);
  }
  let parsed: URL;
  try {
    parsed = new URL(`http://${trimmed}`);
  } catch {
    throw new TargetRefused(`allowed host ${JSON.stringify(entry)} is not a valid host`);
  }
  const hasPort = /:\d+$/.test(trimmed) && !/^\[[^\]]*\]$/.test(trimmed);
  return { hostname: canonicalHost(parsed.hostname), port: hasPort ? parsed.port || '80' : null };
}

function effectivePort(url: URL): string {
  if (url.port) return url.port;
  return url.protocol === 'https:' ? '443' : '80';
}

/**
 * Parses `rawUrl` and checks it against `allowedHosts`; returns the parsed URL or throws a
 * one-line TargetRefused. Credentials in the URL are refused outright: `http://127.0.0.1@evil/`
 * targets `evil`, and a load generator has no use for user info.
 */
export function checkLoadTarget(rawUrl: string, allowedHosts: readonly string[]): URL {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    throw new TargetRefused(`load target ${JSON.stringify(rawUrl)} is not a valid URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TargetRefused(`load target must be http or https, not ${url.protocol.replace(/:$/, '')}`);
  }
  if (url.username !== '' || url.password !== '') {
    throw new TargetRefused(`load target URL must not carry credentials (it would target ${url.host})`);
  }
  if (allowedHosts.length === 0) {
    throw new TargetRefused('no allowed hosts configured: refusing to send load anywhere');
  }
  const hostname = canonicalHost(url.hostname);
  const port = effectivePort(url);
  const allowed = allowedHosts
    .map(parseAllowedEntry)
    .some((entry) => entry.hostname === hostname && (entry.port === null || entry.port === port));
  if (!allowed) {
    throw new TargetRefused(
      `load target host ${url.host} is not in the allowed hosts (${allowedHosts.join(', ')})`,
    );
  }
  return url;
}
