// A worker thread of the single process that runs the five subgraphs, while the main thread runs the gateway.
import { parentPort, workerData } from 'node:worker_threads';
import { createEventBus, createLogger, shareBus } from '@rtc/service-kit';
import { subgraphNames, type SubgraphName } from '@rtc/gateway';
import { createStackTracing, startSubgraphs, type StackOptions } from './stack';
import type { SubgraphThreadMessage } from './threaded-stack';

const port = parentPort!;
const options = workerData as StackOptions;
const post = (message: SubgraphThreadMessage) => port.postMessage(message);

const logger = createLogger({ service: 'rtc', level: options.logLevel });
const bus = createEventBus({ redisUrl: options.redisUrl, logger, stream: options.eventChannel });
// With Redis each thread reads the log itself; in memory, this thread's bus is the log and the gateway reads a replica.
const stopSharing = options.redisUrl ? () => undefined : shareBus(bus, port);
const tracing = createStackTracing(options.otlpEndpoint);

try {
  const running = await startSubgraphs(options, { bus, logger, tracing });
  port.on('message', (message: SubgraphThreadMessage) => {
    if (message.kind !== 'subgraphs:stop') return;
    void (async () => {
      await running.stop();
      stopSharing();
      await bus.close();
      await tracing.shutdown();
      post({ kind: 'subgraphs:stopped' });
    })();
  });
  const urls = Object.fromEntries(subgraphNames.map((name) => [name, running.subgraphs[name].url])) as Record<SubgraphName, string>;
  post({ kind: 'subgraphs:ready', urls });
} catch (error) {
  stopSharing();
  await bus.close();
  await tracing.shutdown();
  post({ kind: 'subgraphs:failed', message: (error as Error).message });
}
