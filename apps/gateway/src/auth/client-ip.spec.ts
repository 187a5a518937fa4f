import type { Request } from 'express';
import { clientIp } from './client-ip';

const req = (remoteAddress: string | undefined, xff?: string | string[]): Request =>
  ({
    socket: { remoteAddress },
    headers: xff === undefined ? {} : { 'x-forwarded-for': xff },
  }) as unknown as Request;

describe('clientIp', () => {
  it('is the peer without trusted proxies, whatever X-Forwarded-For says', () => {
    expect(clientIp(req('10.0.0.5', '1.2.3.4'), 0)).toBe('10.0.0.5');
    expect(clientIp(req('::ffff:127.0.0.1'), 0)).toBe('127.0.0.1');
    expect(clientIp(req('2001:db8::7'), 0)).toBe('2001:db8::7');
    expect(clientIp(req(undefined), 0)).toBeUndefined();
  });

  it('is the address the trusted proxy saw, not what the client wrote before it', () => {
    expect(clientIp(req('10.0.0.1', '203.0.113.9'), 1)).toBe('203.0.113.9');
    expect(clientIp(req('10.0.0.1', 'spoofed, 203.0.113.9'), 1)).toBe('203.0.113.9');
    expect(clientIp(req('10.0.0.1', '198.51.100.1, 203.0.113.9, 10.0.0.2'), 2)).toBe('203.0.113.9');
    expect(clientIp(req('10.0.0.1', ['198.51.100.1', '203.0.113.9']), 1)).toBe('203.0.113.9');
  });

  it('falls back to the peer when there is no usable forwarded address', () => {
    expect(clientIp(req('10.0.0.1'), 1)).toBe('10.0.0.1');
    expect(clientIp(req('10.0.0.1', 'not-an-ip'), 1)).toBe('10.0.0.1');
    expect(clientIp(req('10.0.0.1', '203.0.113.9'), 5)).toBe('203.0.113.9');
  });
});
