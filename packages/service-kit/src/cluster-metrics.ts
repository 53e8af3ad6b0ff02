import cluster, { type Worker } from 'node:cluster';
import { AggregatorRegistry } from 'prom-client';
import type { ServiceMetrics } from './metrics';

const scrapeRequest = 'rtc:metrics-scrape';
const scrapeAnswer = 'rtc:metrics-scraped';

interface ScrapeRequest {
  readonly type: typeof scrapeRequest;
  readonly id: number;
}

interface ScrapeAnswer {
  readonly type: typeof scrapeAnswer;
  readonly id: number;
  readonly body?: string;
  readonly error?: string;
}

const isMessage = <T extends { type: string }>(message: unknown, type: T['type']): message is T =>
  typeof message === 'object' && message !== null && (message as { type?: unknown }).type === type;

/**
 * In a cluster's primary: answers a worker's scrape with every worker's metrics, summed by prom-client's cluster
 * aggregation, so whichever worker Prometheus reaches through the shared port speaks for all of them.
 */
export function serveClusterMetrics(): () => void {
  const aggregator = new AggregatorRegistry();
  const onMessage = (worker: Worker, message: unknown) => {
    if (!isMessage<ScrapeRequest>(message, scrapeRequest)) return;
    const answer = (fields: Omit<ScrapeAnswer, 'type' | 'id'>) => {
      if (worker.isConnected()) worker.send({ type: scrapeAnswer, id: message.id, ...fields } satisfies ScrapeAnswer);
    };
    aggregator.clusterMetrics().then(
      (body) => answer({ body }),
      (error: unknown) => answer({ error: error instanceof Error ? error.message : String(error) }),
    );
  };
  cluster.on('message', onMessage);
  return () => void cluster.off('message', onMessage);
}

/** In a cluster's worker: `metrics` whose /metrics serves the whole cluster's, as summed by the primary. */
export function withClusterExposition(metrics: ServiceMetrics, timeoutMs = 5_000): ServiceMetrics {
  // prom-client answers the primary's requests for this worker's metrics once an AggregatorRegistry exists here.
  new AggregatorRegistry();
  AggregatorRegistry.setRegistries([metrics.registry]);
  let nextId = 0;
  const waiting = new Map<number, { resolve: (body: string) => void; reject: (error: Error) => void }>();
  process.on('message', (message: unknown) => {
    if (!isMessage<ScrapeAnswer>(message, scrapeAnswer)) return;
    const scrape = waiting.get(message.id);
    waiting.delete(message.id);
    if (message.body !== undefined) scrape?.resolve(message.body);
    else scrape?.reject(new Error(`cluster metrics failed: ${message.error ?? 'no answer'}`));
  });
  const exposition = () =>
    new Promise<string>((resolve, reject) => {
      const id = nextId++;
      const timer = setTimeout(() => {
        waiting.delete(id);
        reject(new Error(`cluster metrics did not answer within ${timeoutMs} ms`));
      }, timeoutMs);
      const settle =
        <T>(done: (value: T) => void) =>
        (value: T) => {
          clearTimeout(timer);
          done(value);
        };
      waiting.set(id, { resolve: settle(resolve), reject: settle(reject) });
      process.send!({ type: scrapeRequest, id } satisfies ScrapeRequest);
    });
  return { ...metrics, exposition };
}
