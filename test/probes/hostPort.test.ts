import { describe, expect, it } from 'vitest';
import { formatHostPort, parseHostPort } from '../../probes/hostPort.ts';

describe('parseHostPort', () => {
  it('reads a host with and without a port', () => {
    expect(parseHostPort('bastion.example:2222', 22)).toEqual({
      host: 'bastion.example',
      port: 2222,
      portGiven: true,
      bracketed: false,
    });
    expect(parseHostPort('10.1.0.2', 53)).toEqual({
      host: '10.1.0.2',
      port: 53,
      portGiven: false,
      bracketed: false,
    });
  });

  it('reads IPv6 in brackets, with or without a port, and bare without one', () => {
    expect(parseHostPort('[::1]:5353', 53)).toEqual({
      host: '::1',
      port: 5353,
      portGiven: true,
      bracketed: true,
    });
    expect(parseHostPort('[fd00::2]', 53)).toEqual({
      host: 'fd00::2',
      port: 53,
      portGiven: false,
      bracketed: true,
    });
    expect(parseHostPort('fd00::2', 53)).toEqual({
      host: 'fd00::2',
      port: 53,
      portGiven: false,
      bracketed: false,
    });
  });

  it('gives a null port for one that is not a whole number within 1–65535', () => {
    for (const text of [
      'h:0',
      'h:65536',
      'h:70000',
      'h:',
      'h:x',
      'h: 22',
      'h:0x16',
      'h:1e1',
      '[::1]:x',
      '[::1]:',
    ]) {
      expect(parseHostPort(text, 22).port, text).toBeNull();
    }
    expect(parseHostPort('h:65535', 22).port).toBe(65_535);
    expect(parseHostPort('h:1', 22).port).toBe(1);
  });

  it('leaves judging the host to the caller', () => {
    expect(parseHostPort('', 22).host).toBe('');
    expect(parseHostPort(':22', 22)).toEqual({ host: '', port: 22, portGiven: true, bracketed: false });
    expect(parseHostPort('lab: bastion', 22)).toEqual({
      host: 'lab',
      port: null,
      portGiven: true,
      bracketed: false,
    });
    expect(parseHostPort('a:b:c', 22)).toEqual({
      host: 'a:b:c',
      port: 22,
      portGiven: false,
      bracketed: false,
    });
  });
});

describe('formatHostPort', () => {
  it('brackets an IPv6 address and leaves the rest as written', () => {
    expect(formatHostPort('fd00::2', 53)).toBe('[fd00::2]:53');
    expect(formatHostPort('127.0.1.2', 3306)).toBe('127.0.1.2:3306');
    expect(formatHostPort('bastion.example', 22)).toBe('bastion.example:22');
  });
});
