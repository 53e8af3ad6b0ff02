import { Worker } from 'node:worker_threads';
import { createBusReplica, createEventBus, createLogger, type Logger } from '@rtc/service-kit';
import type { SubgraphName } from '@rtc/gateway';
import { createStackTracing, startStackGateway, stopStackGateway, type StackOptions } from './stack';

/** What the subgraph thread and the main thread tell each other, beside the bus's own messages. */
export type SubgraphThreadMessage =
  | { readonly kind: 'subgraphs:ready'; readonly urls: Record<SubgraphName, string> }
  | { readonly kind: 'subgraphs:failed'; readonly message: string }
  | { readonly kind: 'subgraphs:stop' }
  | { readonly kind: 'subgraphs:stopped' };

export interface ThreadedStack {
  readonly gatewayUrl: string;
  readonly graphqlUrl: string;
  /** Each subgraph's base URL. */
  readonly urls: Record<SubgraphName, string>;
  /** Rejects if the subgraph thread dies while the stack runs: the process cannot serve without it. */
  readonly failed: Promise<never>;
  stop(): Promise<void>;
}

const stopGraceMs = 15_000;

function nextMessage(worker: Worker, kinds: readonly SubgraphThreadMessage['kind'][]): Promise<SubgraphThreadMessage> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: SubgraphThreadMessage) => {
      if (!kinds.includes(message.kind)) return;
      done();
      resolve(message);
    };
    const onError = (error: Error) => {
      done();
      reject(error);
    };
    const onExit = (code: number) => {
      done();
      reject(new Error(`the subgraph thread exited with code ${code}`));
    };
    const done = () => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
  });
}

/**
 * RTC in one process on two threads: the five subgraphs in a worker thread, the gateway (with its live fan-out) on
 * the main thread, so neither waits behind the other's work and the process uses two cores. They talk HTTP on
 * loopback as before, and share the event log: in memory through a replica of the subgraph thread's bus, or Redis.
 */
export async function startThreadedStack(
  options: StackOptions,
  logger: Logger = createLogger({ service: 'rtc', level: options.logLevel }),
): Promise<ThreadedStack> {
  // The thread loads TypeScript as the process does; V8's flags are process-wide, so it inherits them and adds only tsx where missing.
  const execArgv = process.execArgv.includes('tsx') ? undefined : ['--import', 'tsx'];
  const worker = new Worker(new URL('./subgraph-thread.ts', import.meta.url), { workerData: options, ...(execArgv ? { execArgv } : {}) });
  const bus = options.redisUrl ? createEventBus({ redisUrl: options.redisUrl, logger, stream: options.eventChannel }) : createBusReplica(worker);
  const tracing = createStackTracing(options.otlpEndpoint);
  const stopWorker = async () => {
    worker.postMessage({ kind: 'subgraphs:stop' } satisfies SubgraphThreadMessage);
    await Promise.race([nextMessage(worker, ['subgraphs:stopped']).catch(() => undefined), new Promise((resolve) => setTimeout(resolve, stopGraceMs).unref())]);
    await worker.terminate();
  };
  try {
    const started = await nextMessage(worker, ['subgraphs:ready', 'subgraphs:failed']);
    if (started.kind === 'subgraphs:failed') throw new Error(started.message);
    const { urls } = started as Extract<SubgraphThreadMessage, { kind: 'subgraphs:ready' }>;
    const { gateway, gatewayUrl } = await startStackGateway(options, urls, { bus, logger, tracing });
    let stopping = false;
    const failed = new Promise<never>((_, reject) => {
      worker.once('error', (error) => !stopping && reject(error));
      worker.once('exit', (code) => !stopping && reject(new Error(`the subgraph thread exited with code ${code}`)));
    });
    failed.catch(() => undefined);
    return {
      gatewayUrl,
      graphqlUrl: `${gatewayUrl}/graphql`,
      urls,
      failed,
      async stop() {
        stopping = true;
        await stopStackGateway(gateway);
        await stopWorker();
        await bus.close();
        await tracing.shutdown();
      },
    };
  } catch (error) {
    await worker.terminate();
    await bus.close();
    await tracing.shutdown();
    throw error;
  }
}
