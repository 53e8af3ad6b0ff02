import { WebSocket, type WebSocketServer } from 'ws';
import { Counter, type Logger, type ServiceMetrics } from '@rtc/service-kit';

export interface SocketKeepAliveOptions {
  readonly wss: WebSocketServer;
  /** Every socket is pinged this often; one that has not answered the previous ping by then is dropped. */
  readonly pingIntervalMs: number;
  /** A socket holding more unsent bytes than this is closed: its client stopped reading or cannot keep up. */
  readonly maxBufferedBytes: number;
  /** How long a closing socket gets to finish the close handshake before it is cut. */
  readonly closeTimeoutMs?: number;
  readonly metrics: ServiceMetrics;
  readonly logger: Logger;
}

/**
 * Close codes the gateway sends on its own account. 1001: the gateway is shutting down, reconnect (elsewhere).
 * 1013 (Try Again Later): the client did not read what it was sent; graphql-ws clients retry it, and resubscribing
 * with `resumeAfter` brings back what was not delivered. (1008 would say the same, but graphql-ws treats it as fatal.)
 */
/** Steps of a ping round: each pings its share of the sockets, the round taking pingIntervalMs. */
const sweepStepsPerRound = 10;

export const KeepAliveCloseCode = { GoingAway: 1001, TooSlow: 1013 } as const;

export interface SocketKeepAlive {
  /** False (and the socket is being closed) when `socket` holds more unsent bytes than the bound: send nothing more. */
  admit(socket: WebSocket): boolean;
  /** Closes `socket` with `code`, then cuts it if the close handshake has not finished within the close timeout. */
  close(socket: WebSocket, code: number, reason: string): void;
  stop(): void;
}

/**
 * Keeps the gateway's sockets honest: pings each one every `pingIntervalMs` and cuts those that stopped answering
 * (a peer that vanished without a FIN would otherwise hold its subscriptions for ever), and closes those whose
 * unsent buffer passed `maxBufferedBytes`, so a client that stops reading costs a bounded amount of memory.
 */
export function keepSocketsAlive({ wss, pingIntervalMs, maxBufferedBytes, closeTimeoutMs = 2_000, metrics, logger }: SocketKeepAliveOptions): SocketKeepAlive {
  const drops = new Counter({
    name: 'rtc_gateway_socket_drops_total',
    help: 'graphql-ws connections the gateway dropped: no pong to its ping (no_pong), or unsent bytes past the bound (slow_reader)',
    labelNames: ['reason'],
    registers: [metrics.registry],
  });
  const awaitingPong = new WeakSet<WebSocket>();
  const closing = new WeakSet<WebSocket>();

  const close = (socket: WebSocket, code: number, reason: string) => {
    if (closing.has(socket) || socket.readyState === WebSocket.CLOSED) return;
    closing.add(socket);
    socket.close(code, reason);
    const cut = setTimeout(() => socket.terminate(), closeTimeoutMs);
    cut.unref();
    socket.once('close', () => clearTimeout(cut));
  };

  const admit = (socket: WebSocket): boolean => {
    if (socket.readyState !== WebSocket.OPEN || closing.has(socket)) return false;
    if (socket.bufferedAmount <= maxBufferedBytes) return true;
    drops.inc({ reason: 'slow_reader' });
    logger.info({ bufferedBytes: socket.bufferedAmount, maxBufferedBytes }, 'dropping a socket whose client stopped reading');
    // The close frame queues behind the unread bytes, so the handshake rarely completes: the cut follows.
    close(socket, KeepAliveCloseCode.TooSlow, 'Client too slow: updates were not read');
    return false;
  };

  wss.on('connection', (socket: WebSocket) => {
    socket.on('pong', () => awaitingPong.delete(socket));
    // graphql-ws answers a client's ping message with a pong that echoes its payload: a client that sends and never reads grows the buffer too.
    socket.on('message', () => admit(socket));
  });

  const visit = (socket: WebSocket) => {
    if (socket.readyState !== WebSocket.OPEN || closing.has(socket)) return;
    if (!admit(socket)) return;
    if (awaitingPong.has(socket)) {
      drops.inc({ reason: 'no_pong' });
      logger.info('dropping a socket that did not answer its ping');
      socket.terminate();
      return;
    }
    awaitingPong.add(socket);
    socket.ping();
  };

  // A round visits every socket once, a share of them at each step: pinging 10,000 sockets at once held the event
  // loop for a few hundred ms of writes (and brought their pongs back together), delaying every live update.
  let round: WebSocket[] = [];
  let next = 0;
  const sweep = setInterval(() => {
    if (next >= round.length) {
      round = [...wss.clients];
      next = 0;
    }
    const end = Math.min(round.length, next + Math.ceil(round.length / sweepStepsPerRound));
    while (next < end) visit(round[next++]!);
  }, pingIntervalMs / sweepStepsPerRound);
  sweep.unref();

  return { admit, close, stop: () => clearInterval(sweep) };
}
