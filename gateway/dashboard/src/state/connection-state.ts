/** What the operator sees of the live socket. */
export type ConnectionPhase = 'connecting' | 'live' | 'reconnecting' | 'offline';

export interface ConnectionState {
  readonly phase: ConnectionPhase;
  /** True once the socket was acknowledged at least once: later connects are reconnects. */
  readonly everLive: boolean;
  /** Attempts in a row that ended before the server acknowledged. */
  readonly failedAttempts: number;
  readonly browserOnline: boolean;
}

export type ConnectionEvent =
  | { readonly type: 'connecting' }
  | { readonly type: 'connected' }
  | { readonly type: 'closed' }
  | { readonly type: 'browser-offline' }
  | { readonly type: 'browser-online' };

/** After this many failed attempts in a row the server counts as unreachable, though retries go on. */
export const OFFLINE_AFTER_FAILED_ATTEMPTS = 3;

export const initialConnectionState = (browserOnline = true): ConnectionState => ({
  phase: browserOnline ? 'connecting' : 'offline',
  everLive: false,
  failedAttempts: 0,
  browserOnline,
});

function waitingPhase(state: Omit<ConnectionState, 'phase'>): ConnectionPhase {
  if (!state.browserOnline || state.failedAttempts >= OFFLINE_AFTER_FAILED_ATTEMPTS) return 'offline';
  return state.everLive ? 'reconnecting' : 'connecting';
}

export function nextConnectionState(state: ConnectionState, event: ConnectionEvent): ConnectionState {
  switch (event.type) {
    case 'connected':
      return { phase: 'live', everLive: true, failedAttempts: 0, browserOnline: true };
    case 'connecting':
      return state.phase === 'live' ? state : { ...state, phase: waitingPhase(state) };
    case 'closed': {
      const failedAttempts = state.phase === 'live' ? 0 : state.failedAttempts + 1;
      const next = { ...state, failedAttempts };
      return { ...next, phase: waitingPhase(next) };
    }
    case 'browser-offline': {
      const next = { ...state, browserOnline: false };
      return { ...next, phase: 'offline' };
    }
    case 'browser-online': {
      const next = { ...state, browserOnline: true };
      return state.phase === 'live' ? next : { ...next, phase: waitingPhase(next) };
    }
  }
}

/** Exponential backoff with full jitter: 0.5 s, 1 s, 2 s … capped at 15 s; `random` in [0, 1). */
export function retryDelayMs(retries: number, random: number): number {
  const ceiling = Math.min(15_000, 500 * 2 ** Math.min(retries, 10));
  return Math.round(ceiling / 2 + (ceiling / 2) * random);
}
