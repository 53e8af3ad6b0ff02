/**
 * Concurrent calls with the same key share one run and its result; the next call after it settles runs anew.
 * Within one process this turns a burst of retries of one checkout into one; across processes the database's
 * unique key decides.
 */
export function createSingleFlight<T>() {
  const running = new Map<string, Promise<T>>();
  return (key: string, run: () => Promise<T>): Promise<T> => {
    const current = running.get(key);
    if (current) return current;
    const started = run().finally(() => running.delete(key));
    running.set(key, started);
    return started;
  };
}
