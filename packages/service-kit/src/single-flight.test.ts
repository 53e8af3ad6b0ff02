import { describe, expect, it } from 'vitest';
import { upstreamFailureOf } from './pooled-http';
import { createSingleFlight } from './single-flight';

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

describe('single flight', () => {
  it('runs concurrent calls with one key once, gives all of them its result and counts those that joined', async () => {
    const flight = createSingleFlight<number>();
    let runs = 0;
    let joined = 0;
    const answer = deferred<number>();
    const run = () => ((runs += 1), answer.promise);
    const calls = [1, 2, 3].map(() => flight('k', run, { onJoin: () => (joined += 1) }));
    answer.resolve(42);
    expect(await Promise.all(calls)).toEqual([42, 42, 42]);
    expect(runs).toBe(1);
    expect(joined).toBe(2);
  });

  it('gives every waiter the failure, keeps different keys apart and runs again once the first run settled', async () => {
    const flight = createSingleFlight<string>();
    expect(await Promise.all([flight('a', async () => 'a'), flight('b', async () => 'b')])).toEqual(['a', 'b']);
    const failure = deferred<string>();
    const failing = [flight('a', () => failure.promise), flight('a', async () => 'never run')];
    failure.reject(new Error('boom'));
    for (const call of failing) await expect(call).rejects.toThrow('boom');
    expect(await flight('a', async () => 'again')).toBe('again');
  });

  it('lets a joining call give up after its own wait while the run still answers the others', async () => {
    const flight = createSingleFlight<string>();
    const answer = deferred<string>();
    const first = flight('k', () => answer.promise);
    const impatient = flight('k', async () => 'never run', { waitMs: 20 });
    const patient = flight('k', async () => 'never run', { waitMs: 5_000 });
    const gaveUp = await impatient.catch((error: unknown) => error);
    expect(upstreamFailureOf(gaveUp)).toBe('timeout');
    answer.resolve('shared');
    expect(await Promise.all([first, patient])).toEqual(['shared', 'shared']);
  });
});
