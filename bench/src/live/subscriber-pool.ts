import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import type { SubscriberThreadData, ThreadReport } from './subscriber-protocol';

export interface SubscriberPoolOptions {
  readonly url: string;
  readonly token: string;
  readonly operations: readonly string[];
  readonly subscribers: number;
  /** Worker threads the subscribers are spread over. */
  readonly threads: number;
  /** Every sampleEvery-th subscriber parses its messages: latency, order ids. */
  readonly sampleEvery: number;
  /** Each thread's nice value (0 to 19). */
  readonly nice: number;
}

export interface SubscriberPool {
  /** Ticks received so far, duplicates among sampled subscribers, sockets closed by the server; latencies since the last report. */
  report(): Promise<ThreadReport>;
  close(): Promise<void>;
}

/**
 * The benchmark's subscribers, in worker threads of their own: thousands of sockets receiving tens of thousands of
 * messages a second would otherwise delay the thread that places orders on schedule and reads the clock.
 */
export async function startSubscriberPool({ url, token, operations, subscribers, threads, sampleEvery, nice }: SubscriberPoolOptions): Promise<SubscriberPool> {
  const perThread = Math.ceil(subscribers / threads);
  const workers = Array.from({ length: threads }, (_, index) => {
    const first = index * perThread;
    const data: SubscriberThreadData = { url, token, operations, first, count: Math.max(0, Math.min(perThread, subscribers - first)), sampleEvery, nice };
    return new Worker(new URL('./subscriber-thread.ts', import.meta.url), { workerData: data });
  });
  const reply = async <T>(worker: Worker): Promise<T> => {
    const [message] = (await Promise.race([once(worker, 'message'), once(worker, 'error').then(([error]) => Promise.reject(error as Error))])) as [T];
    return message;
  };
  await Promise.all(workers.map((worker) => reply<'ready'>(worker)));
  return {
    async report() {
      const reports = await Promise.all(
        workers.map((worker) => {
          const answer = reply<ThreadReport>(worker);
          worker.postMessage('report');
          return answer;
        }),
      );
      return {
        received: reports.reduce((sum, report) => sum + report.received, 0),
        messages: reports.reduce((sum, report) => sum + report.messages, 0),
        bytes: reports.reduce((sum, report) => sum + report.bytes, 0),
        duplicates: reports.reduce((sum, report) => sum + report.duplicates, 0),
        closedEarly: reports.reduce((sum, report) => sum + report.closedEarly, 0),
        refused: reports.reduce((sum, report) => sum + report.refused, 0),
        latencies: reports.flatMap((report) => report.latencies),
        lastReceivedAt: Math.max(...reports.map((report) => report.lastReceivedAt)),
      };
    },
    async close() {
      await Promise.all(
        workers.map(async (worker) => {
          const closed = reply<'closed'>(worker);
          worker.postMessage('close');
          await closed;
          await worker.terminate();
        }),
      );
    },
  };
}
