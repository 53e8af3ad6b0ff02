import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';

/**
 * The end user's address. Behind `trustedProxies` proxies (1 behind the ALB), it is the `X-Forwarded-For` entry the
 * outermost trusted proxy wrote: each proxy appends its peer, so entries left of it are the client's own word and
 * could name any address. Without trusted proxies the header is ignored and the socket's peer is used.
 */
export function clientAddressOf(req: IncomingMessage, trustedProxies: number): string {
  if (trustedProxies > 0) {
    const header = req.headers['x-forwarded-for'];
    const hops = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',').map((hop) => hop.trim());
    const client = hops.length >= trustedProxies ? hops[hops.length - trustedProxies] : undefined;
    if (client && isIP(client)) return normalized(client);
  }
  return normalized(req.socket.remoteAddress ?? 'unknown');
}

// An IPv4 peer on a dual-stack socket reads "::ffff:1.2.3.4"; one address, one key.
function normalized(address: string): string {
  return address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}
