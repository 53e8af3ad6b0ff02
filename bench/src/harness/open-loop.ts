/** Resolves after `ms`, or at once when `signal` aborts. */
export const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

/**
 * Fires `fire` `rate` times a second on a fixed schedule until `until` (or an interrupt): a slow answer does not
 * slow the schedule. An arrival while `maxInFlight` are pending is skipped and reported, so a slow system is not
 * buried. Resolves once the last fired operation settled.
 */
export async function openLoop(
  rate: number,
  until: number,
  signal: AbortSignal,
  maxInFlight: number,
  fire: (n: number) => Promise<void>,
  onSkip: () => void,
): Promise<void> {
  if (rate <= 0) return;
  const started = Date.now();
  const pending = new Set<Promise<void>>();
  for (let n = 0; ; n++) {
    const due = started + (n * 1000) / rate;
    if (due >= until || signal.aborted) break;
    const wait = due - Date.now();
    if (wait > 0) await sleep(wait, signal);
    if (signal.aborted) break;
    if (pending.size >= maxInFlight) {
      onSkip();
      continue;
    }
    const promise = fire(n).finally(() => pending.delete(promise));
    pending.add(promise);
  }
  await Promise.all(pending);
}
