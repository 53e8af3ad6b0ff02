import { setTimeout as sleep } from 'node:timers/promises';
import type { ServiceServer } from './http-server';
import type { Logger } from './logger';

export interface ShutdownContext {
  readonly signal: NodeJS.Signals;
  /** Epoch ms by which everything must be closed; the process exits 1 past it. */
  readonly deadline: number;
}

export interface ShutdownOptions {
  readonly logger: Logger;
  readonly onShutdown: (context: ShutdownContext) => Promise<void>;
  /** Time from the signal to the hard stop; keep it under Kubernetes' terminationGracePeriodSeconds less the preStop pause. */
  readonly graceMs?: number;
}

/** Runs `onShutdown` once on SIGTERM or SIGINT, then exits 0; past the grace period, or when closing fails, exits 1. */
export function registerShutdown({ logger, onShutdown, graceMs = 20_000 }: ShutdownOptions): void {
  let closing = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    const started = Date.now();
    logger.info({ signal, graceMs }, 'shutting down');
    const timer = setTimeout(() => {
      logger.error({ graceMs }, 'shutdown timed out');
      process.exit(1);
    }, graceMs);
    timer.unref();
    onShutdown({ signal, deadline: started + graceMs }).then(
      () => {
        logger.info({ ms: Date.now() - started }, 'shut down');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

export interface DrainOptions extends ShutdownContext {
  readonly http: ServiceServer;
  readonly logger: Logger;
  /**
   * How long to stay up unready, still serving, before the listener closes, so that load balancers that poll
   * `/readyz` stop sending work first. Only on SIGTERM: a person pressing Ctrl-C waits for nothing.
   */
  readonly delayMs: number;
  /** Runs once the service is unready and the delay is over, beside the HTTP close (e.g. closing WebSockets, which it waits for). */
  readonly alongsideClose?: () => Promise<void>;
}

/** Time kept back from the deadline for what closes after the HTTP server: relay, pools, bus, traces. */
const closingReserveMs = (remainingMs: number) => Math.min(3_000, Math.round(remainingMs / 4));

/** The HTTP half of a graceful stop: unready first, stop taking connections, let requests in flight finish, cut the rest. */
export async function drainHttp({ http, logger, signal, deadline, delayMs, alongsideClose }: DrainOptions): Promise<void> {
  http.drain();
  if (signal === 'SIGTERM' && delayMs > 0) await sleep(Math.min(delayMs, Math.max(0, deadline - Date.now() - 1_000)));
  const closeBy = deadline - closingReserveMs(deadline - Date.now());
  const [cut] = await Promise.all([http.close(closeBy), alongsideClose?.()]);
  if (cut > 0) logger.warn({ cut }, 'cut requests still running at the shutdown deadline');
}
