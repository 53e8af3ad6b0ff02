import { describe, expect, it } from 'vitest';
import { initialConnectionState, nextConnectionState, retryDelayMs, type ConnectionEvent, type ConnectionState } from './connection-state';

const run = (events: ConnectionEvent['type'][], from: ConnectionState = initialConnectionState()) =>
  events.reduce((state, type) => nextConnectionState(state, { type } as ConnectionEvent), from);

describe('connection state', () => {
  it('is connecting until the first acknowledgement, then live', () => {
    expect(run(['connecting']).phase).toBe('connecting');
    expect(run(['connecting', 'closed', 'connecting']).phase).toBe('connecting');
    expect(run(['connecting', 'connected']).phase).toBe('live');
  });

  it('shows reconnecting when a live socket drops and live again when it is back', () => {
    const dropped = run(['connecting', 'connected', 'closed', 'connecting']);
    expect(dropped.phase).toBe('reconnecting');
    expect(run(['connected'], dropped).phase).toBe('live');
  });

  it('turns offline after three failed attempts in a row and is live again on the next acknowledgement', () => {
    const failing = run(['connecting', 'connected', 'closed', 'connecting', 'closed', 'connecting', 'closed']);
    expect(failing.phase).toBe('reconnecting');
    const unreachable = run(['connecting', 'closed'], failing);
    expect(unreachable.phase).toBe('offline');
    expect(run(['connecting'], unreachable).phase).toBe('offline');
    expect(run(['connecting', 'connected'], unreachable).phase).toBe('live');
  });

  it('is offline while the browser is, and live again when the socket outlived the outage', () => {
    const offline = run(['connecting', 'connected', 'browser-offline']);
    expect(offline.phase).toBe('offline');
    expect(run(['browser-online'], offline).phase).toBe('live');
  });

  it('reconnects after an outage that closed the socket, forgetting attempts made without a network', () => {
    const cutOff = run(['connecting', 'connected', 'browser-offline', 'closed', 'connecting', 'closed', 'connecting', 'closed', 'connecting', 'closed']);
    expect(cutOff.phase).toBe('offline');
    const back = run(['browser-online'], cutOff);
    expect(back.phase).toBe('reconnecting');
    expect(back.failedAttempts).toBe(0);
  });

  it('never counts the close of a live socket as a failed attempt', () => {
    expect(run(['connecting', 'connected', 'closed']).failedAttempts).toBe(0);
  });
});

describe('retry delay', () => {
  it('doubles from half a second up to fifteen seconds, jittered within the upper half', () => {
    expect(retryDelayMs(0, 0)).toBe(250);
    expect(retryDelayMs(0, 0.999)).toBeLessThanOrEqual(500);
    expect(retryDelayMs(3, 0)).toBe(2000);
    expect(retryDelayMs(30, 0.5)).toBe(11_250);
    expect(retryDelayMs(30, 0.9999)).toBeLessThanOrEqual(15_000);
  });
});
