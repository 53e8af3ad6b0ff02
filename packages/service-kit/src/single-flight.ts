import { deadlineCode } from './pooled-http';

export interface SingleFlightOptions {
  /** Called when this call joins a run already in flight instead of starting one. */
  readonly onJoin?: () => void;
  /** How long a joining call waits for the run; when it gives up, only it fails and the run goes on for the others. */
  readonly waitMs?: number | undefined;
}

export type SingleFlight<T> = (key: string, run: () => Promise<T>, options?: SingleFlightOptions) => Promise<T>;

function waitAtMost<T>(shared: Promise<T>, waitMs: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(Object.assign(new Error(`no answer within ${waitMs} ms`), { code: deadlineCode })), waitMs);
    shared.then(
      (value) => (clearTimeout(timer), resolve(value)),
      (error: unknown) => (clearTimeout(timer), reject(error)),
    );
  });
}

/**
 * Concurrent calls with the same key share one run and its outcome, a failure included; the next call after it
 * settles runs anew, so nothing is cached beyond the moment.
 */
export function createSingleFlight<T>(): SingleFlight<T> {
  const running = new Map<string, Promise<T>>();
  return (key, run, options) => {
    const current = running.get(key);
    if (current) {
      options?.onJoin?.();
      return options?.waitMs === undefined ? current : waitAtMost(current, options.waitMs);
    }
    const started = run().finally(() => running.delete(key));
    running.set(key, started);
    return started;
  };
}
