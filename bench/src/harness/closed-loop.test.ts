import { describe, expect, it } from 'vitest';
import { runClosedLoop, type ClosedLoopResult } from './closed-loop';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** CPU time this process has used, in milliseconds. */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

describe('closed loop', () => {
  it('never has more operations in flight than its concurrency', async () => {
    let inFlight = 0;
    let most = 0;
    const result = await runClosedLoop({
      concurrency: 4,
      durationMs: 150,
      operation: async () => {
        inFlight += 1;
        most = Math.max(most, inFlight);
        await sleep(5);
        inFlight -= 1;
      },
    });
    expect(most).toBe(4);
    expect(inFlight).toBe(0);
    expect(result.completed).toBeGreaterThan(20);
  });

  it('measures throughput and latency on a simulated clock', async () => {
    let clock = 0;
    const result = await runClosedLoop({
      concurrency: 1,
      durationMs: 1000,
      now: () => clock,
      operation: async (_worker, iteration) => {
        await Promise.resolve();
        // Every tenth operation is slow.
        clock += iteration % 10 === 9 ? 55 : 5;
      },
    });
    expect(result.completed).toBe(100);
    expect(result.elapsedMs).toBe(1000);
    expect(result.throughput).toBe(100);
    expect(result.latency.p50).toBe(5);
    expect(result.latency.p99).toBe(55);
  });

  it('counts failures by message and keeps them out of the latencies', async () => {
    let calls = 0;
    const result = await runClosedLoop({
      concurrency: 1,
      durationMs: 60,
      operation: async (_worker, iteration) => {
        calls += 1;
        await sleep(1);
        if (iteration % 2 === 1) throw new Error('OUT_OF_STOCK');
      },
    });
    expect(result.completed + result.failed).toBe(calls);
    expect(result.failed).toBeGreaterThan(0);
    expect(result.failures.get('OUT_OF_STOCK')).toBe(result.failed);
    expect(result.latency.count).toBe(result.completed);
  });

  it('stops starting operations once aborted', async () => {
    const controller = new AbortController();
    let calls = 0;
    const result = await runClosedLoop({
      concurrency: 3,
      durationMs: 60_000,
      signal: controller.signal,
      operation: async () => {
        calls += 1;
        if (calls === 10) controller.abort();
        await sleep(1);
      },
    });
    expect(result.completed).toBeLessThanOrEqual(12);
    expect(result.elapsedMs).toBeLessThan(5_000);
  });

  it('refuses a concurrency below one', async () => {
    await expect(runClosedLoop({ concurrency: 0, durationMs: 10, operation: async () => undefined })).rejects.toThrow(RangeError);
  });

  it('reports how much of a core this process spent generating the load', async () => {
    let burntMs = 0;
    const busy = await runClosedLoop({
      concurrency: 1,
      durationMs: 200,
      operation: async () => {
        // 5 ms of CPU, however long a loaded machine takes to grant them.
        const from = cpuMs();
        while (cpuMs() - from < 5);
        burntMs += cpuMs() - from;
        await Promise.resolve();
      },
    });
    const idle = await runClosedLoop({ concurrency: 1, durationMs: 200, operation: () => sleep(20) });
    // Checked against the CPU the operations burnt, not against a whole core, which a loaded machine does not give.
    const spentMs = (result: ClosedLoopResult) => result.generatorCores * result.elapsedMs;
    expect(spentMs(busy)).toBeGreaterThanOrEqual(burntMs * 0.9);
    expect(spentMs(busy)).toBeLessThan(burntMs * 1.5 + 20);
    expect(spentMs(idle)).toBeLessThan(spentMs(busy) / 2);
  });

  it('reads the CPU the system under load used, when it can', async () => {
    let serverMs = 1_000;
    const started = performance.now();
    const result = await runClosedLoop({
      concurrency: 1,
      durationMs: 100,
      serverCpuMs: () => (serverMs += 50),
      operation: () => sleep(10),
    });
    const outerMs = performance.now() - started;
    // 50 ms of server CPU over the load's wall time: about its 100 ms at least, at most what this test waited.
    expect(result.serverCores).toBeGreaterThanOrEqual(50 / outerMs);
    expect(result.serverCores).toBeLessThan(0.55);
    expect((await runClosedLoop({ concurrency: 1, durationMs: 10, operation: () => sleep(1) })).serverCores).toBeUndefined();
  });
});
