import type { Logger } from './logger';

export interface ShutdownOptions {
  readonly logger: Logger;
  readonly onShutdown: () => Promise<void>;
  /** Hard stop when closing hangs. */
  readonly timeoutMs?: number;
}

/** Closes servers and pools once on SIGTERM or SIGINT, then exits. */
export function registerShutdown({ logger, onShutdown, timeoutMs = 10_000 }: ShutdownOptions): void {
  let closing = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      logger.error('shutdown timed out');
      process.exit(1);
    }, timeoutMs);
    timer.unref();
    onShutdown().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}
