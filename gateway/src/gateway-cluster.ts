import cluster from 'node:cluster';
import { registerShutdown, serveClusterMetrics, type Logger } from '@rtc/service-kit';

export interface GatewayClusterOptions {
  readonly workers: number;
  readonly logger: Logger;
  /** How long the workers get to drain after a signal; the primary waits a little longer. */
  readonly graceMs: number;
}

/** A worker that dies is replaced after this pause, so a worker that cannot start does not spin the primary. */
const restartDelayMs = 1_000;

/**
 * The primary of a gateway cluster: forks `workers` gateway processes that listen on one shared port (the primary
 * hands each new connection to the next worker in turn), replaces a worker that dies, and on SIGTERM or SIGINT passes
 * the signal on and exits once every worker has drained. Each worker reads the event log itself, so a subscriber gets
 * every update from whichever worker holds its socket and, with resumeAfter, resumes on any of them.
 */
export function runGatewayCluster({ workers, logger, graceMs }: GatewayClusterOptions): void {
  const stopServingMetrics = serveClusterMetrics();
  let stopping = false;
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    logger.error({ pid: worker.process.pid, code, signal }, 'gateway worker exited; starting another');
    setTimeout(() => !stopping && cluster.fork(), restartDelayMs);
  });
  for (let index = 0; index < workers; index++) cluster.fork();
  logger.info({ workers }, 'gateway cluster started');

  registerShutdown({
    logger,
    graceMs: graceMs + 5_000,
    onShutdown: async ({ signal }) => {
      stopping = true;
      const running = Object.values(cluster.workers ?? {}).filter((worker) => worker !== undefined && !worker.isDead());
      await Promise.all(
        running.map(
          (worker) =>
            new Promise<void>((resolve) => {
              worker!.once('exit', () => resolve());
              worker!.process.kill(signal);
            }),
        ),
      );
      stopServingMetrics();
    },
  });
}
