import type { TypedDocumentString } from '../__generated__/graphql';
import { createClient, type Client } from 'graphql-ws';
import { initialConnectionState, nextConnectionState, retryDelayMs, type ConnectionEvent, type ConnectionState } from '../state/connection-state';
import { createResumablePayload } from '../state/resume-position';

// graphql-ws's own close codes: 4401 a token that expired, 4403 one the gateway refused or revoked, 4408 our own "no pong in time".
const TOKEN_EXPIRED = 4401;
const FORBIDDEN = 4403;
const PONG_TIMEOUT = 4408;
const PING_INTERVAL_MS = 10_000;
const PONG_WAIT_MS = 5_000;

export interface LiveConnectionOptions {
  readonly url: string;
  readonly token: () => string | null;
  readonly onState: (state: ConnectionState) => void;
  /** The socket is back after a drop: events may have been missed, so snapshots should be read again. */
  readonly onReconnected: () => void;
  /** The gateway refused the token (expired or revoked). */
  readonly onAuthRejected: () => void;
}

export interface LiveConnection {
  subscribe<TResult>(
    document: TypedDocumentString<TResult, Record<string, never>>,
    onData: (data: TResult) => void,
    onError?: (message: string) => void,
  ): () => void;
  readonly state: ConnectionState;
  /** Reconnects with the current token (after a session renewal); subscriptions carry on over the new socket. */
  reconnect(): void;
  dispose(): void;
}

const codeOf = (event: unknown) => (typeof event === 'object' && event !== null && 'code' in event ? Number((event as { code: unknown }).code) : undefined);

/**
 * One graphql-ws socket for every subscription of the page: it connects at once, retries for ever with backoff
 * (after a 1001 from a gateway shutting down as after a dropped network), pings to find half-open sockets, resumes
 * each subscription after the last event it received, and reports the phase the operator sees.
 */
export function createLiveConnection({ url, token, onState, onReconnected, onAuthRejected }: LiveConnectionOptions): LiveConnection {
  let state = initialConnectionState(navigator.onLine);
  const dispatch = (event: ConnectionEvent) => {
    const next = nextConnectionState(state, event);
    if (next.phase !== state.phase) onState(next);
    state = next;
  };
  let pongTimer: ReturnType<typeof setTimeout> | undefined;
  let disposed = false;
  // Set while graphql-ws waits out a backoff: the network coming back ends the wait early.
  let wakeRetry: (() => void) | undefined;
  let activeSocket: WebSocket | undefined;

  const client: Client = createClient({
    url,
    lazy: false,
    keepAlive: PING_INTERVAL_MS,
    retryAttempts: Infinity,
    retryWait: (retries) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(retryNow, retryDelayMs(retries, Math.random()));
        wakeRetry = retryNow;
        function retryNow() {
          clearTimeout(timer);
          wakeRetry = undefined;
          resolve();
        }
      }),
    shouldRetry: (event) => codeOf(event) !== FORBIDDEN,
    connectionParams: () => {
      const current = token();
      return current ? { authorization: `Bearer ${current}` } : {};
    },
    onNonLazyError: () => undefined,
    on: {
      connecting: () => dispatch({ type: 'connecting' }),
      connected: () => {
        const wasLive = state.everLive;
        dispatch({ type: 'connected' });
        if (wasLive) onReconnected();
      },
      ping: (received) => {
        if (received) return;
        clearTimeout(pongTimer);
        pongTimer = setTimeout(() => {
          // Closing makes graphql-ws retry; a socket that stopped answering would otherwise look live.
          const socket = activeSocket;
          if (socket?.readyState === WebSocket.OPEN) socket.close(PONG_TIMEOUT, 'no pong in time');
        }, PONG_WAIT_MS);
      },
      pong: (received) => {
        if (received) clearTimeout(pongTimer);
      },
      closed: (event) => {
        clearTimeout(pongTimer);
        if (disposed) return;
        dispatch({ type: 'closed' });
        const code = codeOf(event);
        if (code === FORBIDDEN || code === TOKEN_EXPIRED) onAuthRejected();
      },
      opened: (socket) => {
        activeSocket = socket as WebSocket;
      },
    },
  });

  const goOffline = () => dispatch({ type: 'browser-offline' });
  const goOnline = () => {
    dispatch({ type: 'browser-online' });
    wakeRetry?.();
  };
  window.addEventListener('offline', goOffline);
  window.addEventListener('online', goOnline);
  onState(state);

  return {
    subscribe<TResult>(document: TypedDocumentString<TResult, Record<string, never>>, onData: (data: TResult) => void, onError?: (message: string) => void) {
      const resumable = createResumablePayload(document.toString());
      return client.subscribe<TResult>(resumable.payload, {
        next: (result) => {
          resumable.seen(result.extensions);
          if (result.data) onData(result.data as TResult);
          const [first] = result.errors ?? [];
          if (first) onError?.(first.message);
        },
        error: (error) => {
          if (Array.isArray(error)) onError?.(String((error[0] as { message?: unknown } | undefined)?.message ?? 'subscription refused'));
        },
        complete: () => undefined,
      });
    },
    get state() {
      return state;
    },
    reconnect() {
      client.terminate();
    },
    dispose() {
      disposed = true;
      clearTimeout(pongTimer);
      window.removeEventListener('offline', goOffline);
      window.removeEventListener('online', goOnline);
      void client.dispose();
    },
  };
}
