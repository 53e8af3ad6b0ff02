import { WebSocket } from 'ws';
import { Counter, type Logger, type ServiceMetrics } from '@rtc/service-kit';
import type { Authenticator, TokenIdentity } from '../authenticate';

export interface SocketGuardOptions {
  readonly authenticator: Authenticator;
  readonly recheckMs: number;
  readonly metrics: ServiceMetrics;
  readonly logger: Logger;
}

/** graphql-ws close codes: the token expired (refresh the session, reconnect), or its grounds are gone. */
export const SocketCloseCode = { TokenExpired: 4401, TokenRevoked: 4403 } as const;

/**
 * Keeps a socket's authority no longer than its token's: closes it with 4401 when the token expires, and with 4403
 * once a periodic re-check (through the same brief cache as HTTP) finds the token revoked, the account disabled,
 * deleted or given another role. A client refreshes its session and reconnects with the new token.
 */
export function guardSockets({ authenticator, recheckMs, metrics, logger }: SocketGuardOptions) {
  const watched = new Map<WebSocket, TokenIdentity>();
  const closes = new Counter({
    name: 'rtc_gateway_socket_token_closes_total',
    help: 'graphql-ws connections closed because their token expired (4401) or was revoked (4403)',
    labelNames: ['reason'],
    registers: [metrics.registry],
  });
  const close = (socket: WebSocket, reason: 'expired' | 'revoked', message: string) => {
    if (socket.readyState !== WebSocket.OPEN) return;
    closes.inc({ reason });
    socket.close(reason === 'expired' ? SocketCloseCode.TokenExpired : SocketCloseCode.TokenRevoked, message);
  };

  const revocationOf = (identity: TokenIdentity): Promise<string | null> =>
    authenticator.revocationOf(identity).catch((error: unknown) => {
      // The users service is unreachable: keep sockets open rather than drop every dashboard at once.
      logger.warn({ err: error }, 'could not re-check a socket token');
      return null;
    });

  // Sockets whose tokens stand or fall together (same account, role and token version) are checked once a round: a
  // fleet of dashboards on one account costs one check, and one warning when users cannot answer, not one per socket.
  const recheck = setInterval(() => {
    const alike = new Map<string, { identity: TokenIdentity; sockets: WebSocket[] }>();
    for (const [socket, identity] of watched) {
      const key = `${identity.caller.userId}\n${identity.caller.role}\n${identity.tokenVersion}`;
      const group = alike.get(key);
      if (group) group.sockets.push(socket);
      else alike.set(key, { identity, sockets: [socket] });
    }
    for (const { identity, sockets } of alike.values()) {
      void revocationOf(identity).then((reason) => {
        if (reason) for (const socket of sockets) close(socket, 'revoked', reason);
      });
    }
  }, recheckMs);
  recheck.unref();

  return {
    revocationOf,
    watch(socket: WebSocket, identity: TokenIdentity): void {
      watched.set(socket, identity);
      const expiry = setTimeout(() => close(socket, 'expired', 'Token expired'), Math.max(0, identity.expiresAt - Date.now()));
      expiry.unref();
      socket.once('close', () => {
        clearTimeout(expiry);
        watched.delete(socket);
      });
    },
    stop(): void {
      clearInterval(recheck);
      watched.clear();
    },
  };
}
