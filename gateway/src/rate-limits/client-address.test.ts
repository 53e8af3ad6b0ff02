import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { clientAddressOf } from './client-address';

const requestFrom = (remoteAddress: string, forwardedFor?: string) =>
  ({ socket: { remoteAddress }, headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor } }) as unknown as IncomingMessage;

describe('client address', () => {
  it('is the socket peer when no proxy is trusted, whatever X-Forwarded-For claims', () => {
    expect(clientAddressOf(requestFrom('203.0.113.9', '198.51.100.1'), 0)).toBe('203.0.113.9');
  });

  it('is the hop the load balancer appended, not one the client wrote before it', () => {
    expect(clientAddressOf(requestFrom('10.0.0.5', '198.51.100.1'), 1)).toBe('198.51.100.1');
    expect(clientAddressOf(requestFrom('10.0.0.5', '1.2.3.4, 198.51.100.1'), 1)).toBe('198.51.100.1');
    expect(clientAddressOf(requestFrom('10.0.0.5', '1.2.3.4, 198.51.100.1, 10.0.0.7'), 2)).toBe('198.51.100.1');
  });

  it('falls back to the peer when the trusted hop is missing or not an address', () => {
    expect(clientAddressOf(requestFrom('10.0.0.5', 'not-an-address'), 1)).toBe('10.0.0.5');
    expect(clientAddressOf(requestFrom('10.0.0.5'), 1)).toBe('10.0.0.5');
  });

  it('reads an IPv4 peer on a dual-stack socket as the IPv4 address', () => {
    expect(clientAddressOf(requestFrom('::ffff:127.0.0.1'), 0)).toBe('127.0.0.1');
  });
});
