import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { clientAddressOf } from './client-address';

const requestFrom = (remoteAddress: string, forwardedFor?: string) =>
  ({ socket: { remoteAddress }, headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor } }) as unknown as IncomingMessage;

describe('client address', () => {
  it('is the socket peer when no proxy is trusted, whatever X-Forwarded-For claims', () => {
    expect(clientAddressOf(requestFrom('203.0.113.9', '198.51.100.1'), false)).toBe('203.0.113.9');
  });

  it('is the first X-Forwarded-For hop behind a trusted load balancer', () => {
    expect(clientAddressOf(requestFrom('10.0.0.5', '198.51.100.1, 10.0.0.7'), true)).toBe('198.51.100.1');
  });

  it('falls back to the peer when the forwarded hop is not an address', () => {
    expect(clientAddressOf(requestFrom('10.0.0.5', 'evil, 198.51.100.1'), true)).toBe('10.0.0.5');
  });

  it('reads an IPv4 peer on a dual-stack socket as the IPv4 address', () => {
    expect(clientAddressOf(requestFrom('::ffff:127.0.0.1'), false)).toBe('127.0.0.1');
  });
});
