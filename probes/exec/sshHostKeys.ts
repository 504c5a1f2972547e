import { createHash } from 'node:crypto';

// Which SSH host keys a run trusts, as OpenSSH decides it: keys pinned by fingerprint or in a known_hosts
// file (allowlist), those plus keys never seen before, recorded for next time (accept-new), or the first key
// each host presents in this run (accept-on-first-use). A refused key is named with its fingerprint.

/**
 * Which host keys are trusted. accept-on-first-use: the first key a host presents during this run is
 * remembered and any other key from it later is refused. allowlist: only keys whose SHA256 fingerprint
 * (as `ssh-keygen -lf` prints it, `SHA256:…`) is listed; see fingerprintsFromKnownHosts. accept-new: the
 * allowlist, plus keys never seen before, recorded for next time. A stack file's exec gets allowlist or
 * accept-new (probes/exec/execForStack.ts).
 */
export type HostKeyPolicy =
  | { mode: 'accept-on-first-use' }
  | { mode: 'allowlist'; fingerprints: readonly string[] }
  /**
   * OpenSSH's accept-new: pinned keys as in allowlist; a host whose key is not pinned is accepted once and
   * `record` is told its known_hosts line (so the next run pins it).
   */
  | { mode: 'accept-new'; fingerprints: readonly string[]; record: (knownHostsLine: string) => void };

/** The SHA256 fingerprint of an SSH public key blob, in OpenSSH's `SHA256:base64` form. */
export function hostKeyFingerprint(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

/** The host as known_hosts names it: `host` on port 22, else `[host]:port`. */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

/** A known_hosts line for a host key blob (`host keytype base64`), as OpenSSH writes one. */
export function knownHostsLine(host: string, keyBlob: Buffer): string {
  // The blob starts with its key type as an SSH string: a 4-byte length, then the name.
  const typeLength = keyBlob.length >= 4 ? keyBlob.readUInt32BE(0) : 0;
  const type =
    typeLength > 0 && typeLength < 64
      ? keyBlob.subarray(4, 4 + typeLength).toString('latin1')
      : 'ssh-unknown';
  return `${host} ${type} ${keyBlob.toString('base64')}`;
}

/**
 * Fingerprints of the keys in known_hosts-style text (`hosts keytype base64 [comment]` per line, as
 * `ssh-keyscan` prints). Lines that are already fingerprints (`SHA256:…`) are taken as they are. Host
 * names are not matched: every listed key is trusted for every host of the run.
 */
export function fingerprintsFromKnownHosts(text: string): string[] {
  const fingerprints: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (/^SHA256:[A-Za-z0-9+/]{43}$/.test(line)) {
      fingerprints.push(line);
      continue;
    }
    const fields = line.split(/\s+/);
    if (fields[0]?.startsWith('@')) continue; // @cert-authority / @revoked markers are not plain host keys
    const blob = fields[2];
    if (fields.length < 3 || blob === undefined || !/^[A-Za-z0-9+/]+={0,2}$/.test(blob)) continue;
    fingerprints.push(hostKeyFingerprint(Buffer.from(blob, 'base64')));
  }
  return fingerprints;
}

export interface HostKeyCheck {
  /** ssh2's hostVerifier: true when the key is trusted. */
  verify(key: Buffer): boolean;
  /** Why the last key was refused, or null. */
  rejected(): string | null;
}

/** The run's trust in host keys: one check per connection, sharing what the run has seen and recorded. */
export function hostKeyTrust(policy: HostKeyPolicy): {
  forHost(hostKeyId: string, knownHost: string, label: string): HostKeyCheck;
} {
  const allowed = policy.mode === 'accept-on-first-use' ? null : new Set(policy.fingerprints);
  const seenHostKeys = new Map<string, string>();
  return {
    forHost(hostKeyId, knownHost, label) {
      let rejectedKey: string | null = null;
      return {
        rejected: () => rejectedKey,
        verify(key) {
          const fingerprint = hostKeyFingerprint(key);
          if (allowed !== null) {
            if (allowed.has(fingerprint)) return true;
            if (policy.mode === 'accept-new') {
              allowed.add(fingerprint);
              policy.record(`${knownHostsLine(knownHost, key)} ${label.replace(/\s+/g, '_')}`);
              return true;
            }
            rejectedKey = `${fingerprint}, which is not pinned: add it to exec.hostKeys (or its known_hosts line to exec.knownHosts), or run once with --accept-new-host-key`;
            return false;
          }
          const known = seenHostKeys.get(hostKeyId);
          if (known === undefined) {
            seenHostKeys.set(hostKeyId, fingerprint);
            return true;
          }
          if (known === fingerprint) return true;
          rejectedKey = `${fingerprint} differs from ${known}, which it presented earlier in this run`;
          return false;
        },
      };
    },
  };
}
