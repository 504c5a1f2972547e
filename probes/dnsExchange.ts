import { randomInt } from 'node:crypto';
import dgram from 'node:dgram';
import net, { isIP } from 'node:net';
import type { DecodedPacket, Packet } from 'dns-packet';
import dnsPacket from 'dns-packet';
import pRetry, { AbortError } from 'p-retry';
import { defaults } from '../config/defaults.ts';
import { DnsProbeError, type DnsProbeErrorKind } from './dnsProbeError.ts';

// One DNS question to one resolver, on the wire: over UDP, again over TCP when the answer comes back
// truncated, with retries on timeouts and network errors. Only an answer to exactly this question, with
// this id, from this resolver is taken; anything else is ignored (UDP) or malformed (TCP).

/** A DNS message over TCP is at most 65535 bytes after its 2-byte length. */
const MAX_TCP_MESSAGE_BYTES = 65_535;

export function sameName(a: string, b: string): boolean {
  return a.toLowerCase().replace(/\.$/, '') === b.toLowerCase().replace(/\.$/, '');
}

export type ResponsePacket = DecodedPacket & { rcode?: string };

export interface Exchange {
  name: string;
  type: 'A' | 'AAAA';
  host: string;
  port: number;
  timeoutMs: number;
  label: string;
  query: string;
}

/** Accepts a decoded message only if it answers exactly this question with this id. */
function answersQuestion(packet: ResponsePacket, id: number, exchange: Exchange): boolean {
  const question = packet.questions?.[0];
  return (
    packet.type === 'response' &&
    packet.id === id &&
    packet.questions?.length === 1 &&
    question !== undefined &&
    question.type === exchange.type &&
    sameName(question.name, exchange.name)
  );
}

function queryMessage(id: number, exchange: Exchange): Packet {
  return {
    type: 'query',
    id,
    flags: dnsPacket.RECURSION_DESIRED,
    questions: [{ type: exchange.type, name: exchange.name, class: 'IN' }],
  };
}

function probeError(kind: DnsProbeErrorKind, message: string, exchange: Exchange): DnsProbeError {
  return new DnsProbeError(kind, message, exchange.query, exchange.label);
}

/** One question over UDP. Messages from elsewhere, with another id or another question are ignored. */
function exchangeUdp(exchange: Exchange): Promise<ResponsePacket> {
  const id = randomInt(0, 65_536);
  const message = dnsPacket.encode(queryMessage(id, exchange));
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket(isIP(exchange.host) === 6 ? 'udp6' : 'udp4');
    let sawMalformed = false;
    let settled = false;
    const finish = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.removeAllListeners('message');
      socket.on('error', () => {}); // late errors after we are done are of no interest
      socket.close();
      outcome();
    };
    const timer = setTimeout(() => {
      const error = sawMalformed
        ? probeError(
            'malformed',
            `only malformed answers from ${exchange.label} for ${exchange.name}`,
            exchange,
          )
        : probeError(
            'timeout',
            `no answer from ${exchange.label} for ${exchange.name} ${exchange.type} within ${exchange.timeoutMs} ms`,
            exchange,
          );
      finish(() => reject(error));
    }, exchange.timeoutMs);
    socket.on('error', (error) => {
      finish(() => reject(probeError('network', `${exchange.label}: ${error.message}`, exchange)));
    });
    socket.on('message', (msg, from) => {
      if (from.address !== exchange.host || from.port !== exchange.port) return;
      if (msg.length < 12 || msg.readUInt16BE(0) !== id) return;
      let packet: ResponsePacket;
      try {
        packet = dnsPacket.decode(msg) as ResponsePacket;
      } catch {
        sawMalformed = true; // could be a forgery; keep waiting for a good answer until the timeout
        return;
      }
      if (!answersQuestion(packet, id, exchange)) return;
      finish(() => resolve(packet));
    });
    socket.send(message, exchange.port, exchange.host, (error) => {
      if (error) finish(() => reject(probeError('network', `${exchange.label}: ${error.message}`, exchange)));
    });
  });
}

/** One question over TCP (RFC 7766), used when the UDP answer came back truncated. */
function exchangeTcp(exchange: Exchange): Promise<ResponsePacket> {
  const id = randomInt(0, 65_536);
  const message = dnsPacket.streamEncode(queryMessage(id, exchange));
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: exchange.host, port: exchange.port });
    let buffered = Buffer.alloc(0);
    let settled = false;
    const finish = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      outcome();
    };
    const timer = setTimeout(() => {
      const error = probeError(
        'timeout',
        `no TCP answer from ${exchange.label} for ${exchange.name} ${exchange.type} within ${exchange.timeoutMs} ms`,
        exchange,
      );
      finish(() => reject(error));
    }, exchange.timeoutMs);
    socket.on('connect', () => socket.write(message));
    socket.on('error', (error) => {
      finish(() => reject(probeError('network', `${exchange.label} (TCP): ${error.message}`, exchange)));
    });
    socket.on('close', () => {
      const error = probeError('network', `${exchange.label} (TCP) closed before a full answer`, exchange);
      finish(() => reject(error));
    });
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      if (buffered.length < 2) return;
      const length = buffered.readUInt16BE(0);
      if (buffered.length > 2 + MAX_TCP_MESSAGE_BYTES || length < 12) {
        finish(() =>
          reject(probeError('malformed', `${exchange.label} (TCP) sent a malformed answer`, exchange)),
        );
        return;
      }
      if (buffered.length < 2 + length) return;
      let packet: ResponsePacket;
      try {
        packet = dnsPacket.decode(buffered.subarray(2, 2 + length)) as ResponsePacket;
      } catch (error) {
        const text = `${exchange.label} (TCP) sent a malformed answer: ${(error as Error).message}`;
        finish(() => reject(probeError('malformed', text, exchange)));
        return;
      }
      if (!answersQuestion(packet, id, exchange)) {
        const text = `${exchange.label} (TCP) answered another question or id`;
        finish(() => reject(probeError('malformed', text, exchange)));
        return;
      }
      finish(() => resolve(packet));
    });
  });
}

function isRetryable(error: unknown): boolean {
  return error instanceof DnsProbeError && (error.kind === 'timeout' || error.kind === 'network');
}

/** One question with retries (jittered backoff, probeRetry in config/defaults.ts) on timeouts and network errors. */
export async function ask(exchange: Exchange, retries: number, count: () => void): Promise<ResponsePacket> {
  const once = async (transport: (e: Exchange) => Promise<ResponsePacket>): Promise<ResponsePacket> => {
    try {
      count();
      return await transport(exchange);
    } catch (error) {
      throw isRetryable(error) ? error : new AbortError(error as Error);
    }
  };
  const { minDelayMs, maxDelayMs } = defaults.probeRetry;
  const retryOptions = {
    retries,
    minTimeout: minDelayMs,
    maxTimeout: maxDelayMs,
    factor: 2,
    randomize: true,
  };
  const udpAnswer = await pRetry(() => once(exchangeUdp), retryOptions);
  if (!udpAnswer.flag_tc) return udpAnswer;
  return pRetry(() => once(exchangeTcp), retryOptions);
}
