import { Gauge, type Registry } from 'prom-client';
import { ErrorCode, serviceUnavailable } from './errors';

export type BreakerState = 'closed' | 'open' | 'half-open';

/** The value of `rtc_circuit_breaker_state` per state. */
export const breakerStateValue: Record<BreakerState, number> = { closed: 0, 'half-open': 1, open: 2 };

export interface CircuitBreakerOptions {
  /** Consecutive unavailable failures, each within `windowMs` of the one before, that open the breaker. */
  readonly failures?: number;
  readonly windowMs?: number;
  /** How long an open breaker fails calls at once before letting one trial call through. */
  readonly coolOffMs?: number;
}

export interface CircuitBreaker {
  readonly state: BreakerState;
  /** Runs `call`, or fails at once with SERVICE_UNAVAILABLE while the target is known to be down. */
  execute<T>(call: () => Promise<T>): Promise<T>;
}

/** A failure that says the target itself is down or failing, not that the request was refused. */
export function isUnavailableFailure(error: unknown): boolean {
  return (error as { extensions?: { code?: unknown } } | null)?.extensions?.code === ErrorCode.ServiceUnavailable;
}

/**
 * Closed, it counts consecutive SERVICE_UNAVAILABLE failures; `failures` of them close together open it. Open, every
 * call fails at once for `coolOffMs`, so callers stop waiting out a dead target's deadline; then the next call is a
 * trial (half-open) while others still fail fast: its success closes the breaker, its failure opens it again.
 * Hand-written rather than opossum or cockatiel: these few states over the client's own error classification are all
 * the service calls need, with no per-call timer or event emitter and no new dependency.
 */
export function createCircuitBreaker(
  target: string,
  { failures = 5, windowMs = 10_000, coolOffMs = 1_500 }: CircuitBreakerOptions = {},
  gauge?: Gauge<'target'>,
): CircuitBreaker {
  let state: BreakerState = 'closed';
  let consecutive = 0;
  let lastFailureAt = 0;
  let openedAt = 0;
  let trialInFlight = false;
  const moveTo = (next: BreakerState) => {
    state = next;
    gauge?.set({ target }, breakerStateValue[next]);
  };
  moveTo('closed');

  const onSuccess = () => {
    consecutive = 0;
    if (state !== 'closed') moveTo('closed');
  };
  const onFailure = (error: unknown) => {
    if (!isUnavailableFailure(error)) {
      // The target answered: it is up.
      onSuccess();
      return;
    }
    const now = Date.now();
    consecutive = now - lastFailureAt <= windowMs ? consecutive + 1 : 1;
    lastFailureAt = now;
    if (state === 'half-open' || consecutive >= failures) {
      openedAt = now;
      moveTo('open');
    }
  };

  return {
    get state() {
      return state;
    },
    async execute(call) {
      let trial = false;
      if (state === 'open') {
        if (Date.now() - openedAt < coolOffMs) throw serviceUnavailable();
        moveTo('half-open');
      }
      if (state === 'half-open') {
        if (trialInFlight) throw serviceUnavailable();
        trialInFlight = trial = true;
      }
      try {
        const result = await call();
        onSuccess();
        return result;
      } catch (error) {
        onFailure(error);
        throw error;
      } finally {
        if (trial) trialInFlight = false;
      }
    },
  };
}

/** The state of every breaker of a service, one series per target: 0 closed, 1 half-open, 2 open. */
export function createBreakerStateGauge(registry: Registry): Gauge<'target'> {
  const name = 'rtc_circuit_breaker_state';
  return (
    (registry.getSingleMetric(name) as Gauge<'target'> | undefined) ??
    new Gauge({ name, help: 'Circuit breaker of calls to a service: 0 closed, 1 half-open, 2 open', labelNames: ['target'], registers: [registry] })
  );
}
