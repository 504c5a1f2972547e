// A small authoritative-and-recursive-looking DNS server for tests: dns-packet over UDP and TCP on loopback.
import net from 'node:net';
import type { Answer, DecodedPacket, Question } from 'dns-packet';
import dnsPacket from 'dns-packet';
import { listenOnOnePort } from '../../fixtures/twin/dnsServer.ts';

export interface ZoneRecord {
  name: string;
  type: 'A' | 'AAAA' | 'CNAME';
  data: string;
  ttl: number;
}

export interface ZoneBehaviour {
  /** Names whose answers carry only the first CNAME, so the client must follow the chain itself. */
  oneHopOnly?: Set<string>;
  /** Names answered over UDP with the TC bit and no records; the full answer comes over TCP. */
  truncateOverUdp?: Set<string>;
  /** Names for which forged packets (wrong id, wrong question, garbage) come before the real answer. */
  forgeFirst?: Set<string>;
}

export interface DnsTestServer {
  host: string;
  port: number;
  /** Messages received, per transport. */
  received: { udp: number; tcp: number };
  close(): Promise<void>;
}

const NXDOMAIN = 3;

function answerFor(question: Question, zone: ZoneRecord[], behaviour: ZoneBehaviour, overUdp: boolean) {
  const name = question.name.toLowerCase();
  if (overUdp && behaviour.truncateOverUdp?.has(name)) return { answers: [], rcode: 0, truncated: true };
  const answers: Answer[] = [];
  let current = name;
  for (let hop = 0; hop < 20; hop++) {
    const own = zone.filter((r) => r.name === current);
    if (own.length === 0) return { answers, rcode: NXDOMAIN, truncated: false };
    const matching = own.filter((r) => r.type === question.type);
    if (matching.length > 0) {
      answers.push(
        ...matching.map((r) => ({
          name: r.name,
          type: r.type,
          ttl: r.ttl,
          class: 'IN' as const,
          data: r.data,
        })),
      );
      break;
    }
    const alias = own.find((r) => r.type === 'CNAME');
    if (!alias) break;
    answers.push({ name: alias.name, type: 'CNAME', ttl: alias.ttl, class: 'IN', data: alias.data });
    if (behaviour.oneHopOnly?.has(name)) break;
    current = alias.data;
  }
  return { answers, rcode: 0, truncated: false };
}

function response(
  query: DecodedPacket,
  zone: ZoneRecord[],
  behaviour: ZoneBehaviour,
  overUdp: boolean,
): Buffer {
  const question = query.questions![0]!;
  const { answers, rcode, truncated } = answerFor(question, zone, behaviour, overUdp);
  const flags =
    dnsPacket.RECURSION_DESIRED |
    dnsPacket.RECURSION_AVAILABLE |
    (truncated ? dnsPacket.TRUNCATED_RESPONSE : 0) |
    rcode;
  return dnsPacket.encode({ type: 'response', id: query.id, flags, questions: [question], answers });
}

export async function startDnsTestServer(
  zone: ZoneRecord[],
  behaviour: ZoneBehaviour = {},
  options: { silent?: boolean; host?: string } = {},
): Promise<DnsTestServer> {
  const host = options.host ?? '127.0.0.1';
  const received = { udp: 0, tcp: 0 };
  // UDP and TCP on one port, as the twin's DNS server binds them (retrying a port TCP cannot have).
  const { udp, tcp, port } = await listenOnOnePort(host, () => net.createServer(serveTcp));
  udp.on('message', (msg, from) => {
    received.udp++;
    if (options.silent) return;
    let query: DecodedPacket;
    try {
      query = dnsPacket.decode(msg);
    } catch {
      return;
    }
    const question = query.questions![0]!;
    const send = (buf: Buffer) => udp.send(buf, from.port, from.address);
    if (behaviour.forgeFirst?.has(question.name.toLowerCase())) {
      const wrongAnswer = [
        { name: question.name, type: 'A' as const, ttl: 1, class: 'IN' as const, data: '6.6.6.6' },
      ];
      send(
        dnsPacket.encode({
          type: 'response',
          id: (query.id! + 1) % 65536,
          questions: [question],
          answers: wrongAnswer,
        }),
      );
      send(
        dnsPacket.encode({
          type: 'response',
          id: query.id,
          questions: [{ ...question, name: 'other.example' }],
          answers: [{ ...wrongAnswer[0]!, name: 'other.example' }],
        }),
      );
      const garbage = Buffer.from([0, 0, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0, 0xc0, 0xff]);
      garbage.writeUInt16BE(query.id!, 0);
      send(garbage);
      setTimeout(() => send(response(query, zone, behaviour, true)), 20);
      return;
    }
    send(response(query, zone, behaviour, true));
  });
  function serveTcp(socket: net.Socket): void {
    let buffered = Buffer.alloc(0);
    socket.on('error', () => {});
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      if (buffered.length < 2 || buffered.length < 2 + buffered.readUInt16BE(0)) return;
      received.tcp++;
      if (options.silent) return;
      const query = dnsPacket.decode(buffered.subarray(2, 2 + buffered.readUInt16BE(0)));
      const body = response(query, zone, behaviour, false);
      const framed = Buffer.alloc(2 + body.length);
      framed.writeUInt16BE(body.length, 0);
      body.copy(framed, 2);
      socket.end(framed);
    });
  }

  return {
    host,
    port,
    received,
    close: async () => {
      await new Promise<void>((resolve) => udp.close(() => resolve()));
      await new Promise<void>((resolve) => tcp.close(() => resolve()));
    },
  };
}
