/** What the operator sees of the live socket. */
export type ConnectionPhase = 'connecting' | 'live' | 'reconnecting' | 'offline';

export interface ConnectionState {
  readonly phase: ConnectionPhase;
  /** The gateway acknowledged the current socket and it has not closed. */
  readonly acknowledged: boolean;
  /** True once a socket was acknowledged: later connects are reconnects. */
  readonly everLive: boolean;
  /** Attempts in a row that ended before the gateway acknowledged. */
  readonly failedAttempts: number;
  readonly browserOnline: boolean;
}

export type ConnectionEvent =
  | { readonly type: 'connecting' }
  | { readonly type: 'connected' }
  | { readonly type: 'closed' }
  | { readonly type: 'browser-offline' }
  | { readonly type: 'browser-online' };

/** After this many failed attempts in a row the gateway counts as unreachable, though retries go on. */
export const OFFLINE_AFTER_FAILED_ATTEMPTS = 3;

function phaseOf(state: Omit<ConnectionState, 'phase'>): ConnectionPhase {
  if (!state.browserOnline) return 'offline';
  if (state.acknowledged) return 'live';
  if (state.failedAttempts >= OFFLINE_AFTER_FAILED_ATTEMPTS) return 'offline';
  return state.everLive ? 'reconnecting' : 'connecting';
}

const withPhase = (state: Omit<ConnectionState, 'phase'>): ConnectionState => ({ ...state, phase: phaseOf(state) });

export const initialConnectionState = (browserOnline = true): ConnectionState =>
  withPhase({ acknowledged: false, everLive: false, failedAttempts: 0, browserOnline });

export function nextConnectionState(state: ConnectionState, event: ConnectionEvent): ConnectionState {
  switch (event.type) {
    case 'connected':
      // A socket only opens with a network, whatever the browser last said.
      return withPhase({ acknowledged: true, everLive: true, failedAttempts: 0, browserOnline: true });
    case 'connecting':
      return state;
    case 'closed':
      return withPhase({ ...state, acknowledged: false, failedAttempts: state.acknowledged ? 0 : state.failedAttempts + 1 });
    case 'browser-offline':
      return withPhase({ ...state, browserOnline: false });
    case 'browser-online':
      // Attempts made without a network say nothing about the gateway.
      return withPhase({ ...state, browserOnline: true, failedAttempts: 0 });
  }
}

/** Exponential backoff with jitter in the upper half: 0.5 s, 1 s, 2 s … capped at 15 s; `random` in [0, 1). */
export function retryDelayMs(retries: number, random: number): number {
  const ceiling = Math.min(15_000, 500 * 2 ** Math.min(retries, 10));
  return Math.round(ceiling / 2 + (ceiling / 2) * random);
}
