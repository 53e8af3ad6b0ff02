import { createLatencyRecorder, type LatencySummary } from './latency';

export interface ClosedLoopOptions {
  /** Workers, each with one operation in flight at a time. */
  readonly concurrency: number;
  readonly durationMs: number;
  /** Runs one operation; a rejection counts as a failure named by its message. */
  readonly operation: (worker: number, iteration: number) => Promise<void>;
  /** Stops early: operations in flight finish, none start. */
  readonly signal?: AbortSignal;
  readonly now?: () => number;
  /** CPU ms the system under load has used so far, when it can be read (see ChildStack.cpuMs). */
  readonly serverCpuMs?: () => number | undefined;
}

export interface ClosedLoopResult {
  readonly completed: number;
  readonly failed: number;
  readonly elapsedMs: number;
  /** Completed operations per second. */
  readonly throughput: number;
  /** Of completed operations only. */
  readonly latency: LatencySummary;
  /** Failure messages (first 200 characters) and how often each came. */
  readonly failures: ReadonlyMap<string, number>;
  /** CPU this process used meanwhile, in cores (1 = one core busy all along): near 1 means the generator was the limit. */
  readonly generatorCores: number;
  /** CPU the system under load used meanwhile, in cores; undefined when it cannot be read. */
  readonly serverCores: number | undefined;
}

/**
 * A closed-loop load: `concurrency` workers each start their next operation as soon as the last one ended,
 * until `durationMs` passed. Throughput is what the system sustains at that concurrency.
 */
export async function runClosedLoop({
  concurrency,
  durationMs,
  operation,
  signal,
  now = () => performance.now(),
  serverCpuMs,
}: ClosedLoopOptions): Promise<ClosedLoopResult> {
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError(`concurrency must be a positive integer, got ${concurrency}`);
  const latency = createLatencyRecorder();
  const failures = new Map<string, number>();
  let failed = 0;
  const started = now();
  const deadline = started + durationMs;
  const cpuBefore = process.cpuUsage();
  const serverBefore = serverCpuMs?.();
  const wallBefore = performance.now();

  const worker = async (id: number) => {
    for (let iteration = 0; now() < deadline && !signal?.aborted; iteration++) {
      const begun = now();
      try {
        await operation(id, iteration);
        latency.record(now() - begun);
      } catch (error) {
        failed += 1;
        const message = (error instanceof Error ? error.message : String(error)).slice(0, 200);
        failures.set(message, (failures.get(message) ?? 0) + 1);
      }
    }
  };

  await Promise.all(Array.from({ length: concurrency }, (_, id) => worker(id)));
  const elapsedMs = now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const serverAfter = serverCpuMs?.();
  const wallMs = performance.now() - wallBefore;
  return {
    completed: latency.count,
    failed,
    elapsedMs,
    throughput: elapsedMs > 0 ? (latency.count * 1000) / elapsedMs : 0,
    latency: latency.summary(),
    failures,
    generatorCores: wallMs > 0 ? (cpu.user + cpu.system) / 1000 / wallMs : 0,
    serverCores: serverBefore !== undefined && serverAfter !== undefined && wallMs > 0 ? (serverAfter - serverBefore) / wallMs : undefined,
  };
}
