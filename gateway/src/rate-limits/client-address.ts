import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';

/**
 * The end user's address. Behind a load balancer (`trustProxy`) it is the first `X-Forwarded-For` hop, which the
 * balancer writes; otherwise the header is the client's own word and the socket's peer is used.
 */
export function clientAddressOf(req: IncomingMessage, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = req.headers['x-forwarded-for'];
    const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',', 1)[0]?.trim();
    if (first && isIP(first)) return first;
  }
  return normalized(req.socket.remoteAddress ?? 'unknown');
}

// An IPv4 peer on a dual-stack socket reads "::ffff:1.2.3.4"; one address, one key.
function normalized(address: string): string {
  return address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}
