// The DNS probe's one error: what went wrong (no answer, a malformed one, the network, a CNAME loop or too
// long a chain), for which query and through which resolver. A negative answer is a result, not an error.

export type DnsProbeErrorKind = 'timeout' | 'malformed' | 'network' | 'cname-loop' | 'too-many-hops';

export class DnsProbeError extends Error {
  override readonly name = 'DnsProbeError';
  constructor(
    readonly kind: DnsProbeErrorKind,
    message: string,
    readonly query: string,
    readonly resolver: string,
  ) {
    super(message);
  }
}
