import { type DnsResolution, resolveName, resolveWithSystem } from '../probes/dns.ts';
import { check, failed, passed, skipped } from './check.ts';
import { suiteChecks } from './suiteChecks.ts';

const trimDot = (name: string) => name.replace(/\.$/, '').toLowerCase();

export const stateChecks = suiteChecks(() => {
  check('dns.custom-domain', async ({ stack, settings, evidence }) => {
    const domain = stack.dns?.customDomain;
    if (!domain) return skipped('dns.customDomain is not set in the stack file');
    const albName = stack.alb?.dnsName ?? (stack.alb?.url ? new URL(stack.alb.url).hostname : undefined);
    if (!albName) return skipped('needs alb.dnsName (or alb.url) to know what the domain should point at');
    const resolver = stack.dns?.resolver;
    const resolve = (name: string): Promise<DnsResolution> =>
      resolver
        ? resolveName(name, {
            resolver,
            timeoutMs: settings.probe.timeoutMs,
            retries: settings.probe.retries,
          })
        : resolveWithSystem(name, settings.probe.timeoutMs);
    const answer = await resolve(domain);
    evidence.set('resolution', {
      query: answer.query,
      resolver: answer.resolver,
      rcode: answer.rcode,
      chain: answer.chain.map((r) => ({ name: r.name, type: r.type, data: r.data, ttl: r.ttl })),
    });
    evidence.measure('lookup', answer.elapsedMs, 'ms');
    for (const record of answer.chain)
      evidence.event(`${record.type} ${record.name}`, `→ ${record.data} (TTL ${record.ttl} s)`);
    const fix = `create a CNAME record ${domain} → ${albName} (TTL 300), or a Route 53 alias A record to the load balancer`;
    if (answer.rcode !== 'NOERROR' || answer.addresses.length === 0) {
      return failed(
        `${domain} does not resolve (${answer.rcode === 'NOERROR' ? 'no address' : answer.rcode}) at ${answer.resolver}`,
        fix,
      );
    }
    if (answer.cnames.map(trimDot).includes(trimDot(albName))) {
      const cname = answer.chain.find((r) => r.type === 'CNAME');
      return passed(
        `${domain} is a CNAME for ${albName} (TTL ${cname?.ttl ?? '?'} s) → ${answer.addresses.join(', ')}`,
      );
    }
    // An alias record answers with the load balancer's addresses directly.
    const albAnswer = /^[\d.]+$|:/.test(albName) ? null : await resolve(albName);
    const albAddresses = new Set(albAnswer ? albAnswer.addresses : [albName]);
    if (answer.addresses.every((address) => albAddresses.has(address))) {
      return passed(
        `${domain} resolves to the load balancer's addresses ${answer.addresses.join(', ')} (alias)`,
      );
    }
    return failed(
      `${domain} resolves to ${answer.addresses.join(', ')}, not to the load balancer ${albName}`,
      fix,
    );
  });
});
