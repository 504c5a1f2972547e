// HOST[:PORT], the way the stack file writes a DNS resolver, an SSH bastion and the like: an IPv6 address
// takes brackets when it has a port ([fd00::2]:53) and may go bare without one. One reading for every
// caller; each judges the host itself (an IP for a resolver, a name or IP for SSH) and says what is wrong in
// its own words.

import { isIP } from 'node:net';

export interface HostPortParts {
  /** The host as written, brackets removed; '' when there is none. */
  host: string;
  /** The port given, or the default; null when the one given is not a whole number within 1–65535. */
  port: number | null;
  /** Whether the text gave a port. */
  portGiven: boolean;
  /** Whether the host was in brackets (an IPv6 address). */
  bracketed: boolean;
}

/** Splits HOST[:PORT], [IPv6][:PORT] or a bare IPv6 address into host and port; never throws. */
export function parseHostPort(text: string, defaultPort: number): HostPortParts {
  const inBrackets = /^\[([^\]]+)\](?::([^:]*))?$/.exec(text);
  let host: string;
  let portText: string | undefined;
  if (inBrackets) {
    host = inBrackets[1]!;
    portText = inBrackets[2];
  } else if (text.split(':').length === 2) {
    [host, portText] = text.split(':') as [string, string];
  } else {
    host = text; // a bare name, an IPv4 address, or an IPv6 address without a port
  }
  return {
    host,
    port: portText === undefined ? defaultPort : portNumber(portText),
    portGiven: portText !== undefined,
    bracketed: inBrackets !== null,
  };
}

/** HOST:PORT as the other end of a connection is written: an IPv6 address in brackets ([fd00::2]:53). */
export function formatHostPort(host: string, port: number): string {
  return isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`;
}

function portNumber(text: string): number | null {
  if (!/^\d{1,5}$/.test(text)) return null;
  const port = Number(text);
  return port >= 1 && port <= 65_535 ? port : null;
}
