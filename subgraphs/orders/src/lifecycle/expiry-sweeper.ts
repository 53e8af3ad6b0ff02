import { createLeasedJob, type Logger, type Pool } from '@rtc/service-kit';
import type { OrderLifecycle } from './order-lifecycle';

export interface ExpirySweeper {
  start(): void;
  /** One pass now, in this process: expire every unpaid order past its time, retry unconfirmed stock releases. */
  sweep(now?: Date): Promise<{ expired: number; released: number }>;
  stop(): Promise<void>;
}

/**
 * Runs the lifecycle's periodic duties every `intervalSeconds` under a database lease, so one replica sweeps at a
 * time; a pass keeps going until no expired order is left, and logs its rate.
 */
export function createExpirySweeper({
  lifecycle,
  pool,
  intervalSeconds,
  logger,
}: {
  lifecycle: OrderLifecycle;
  pool: Pool;
  intervalSeconds: number;
  logger: Logger;
}): ExpirySweeper {
  const sweep = async (now = new Date()) => {
    const started = performance.now();
    const expired = await lifecycle.expireUnpaid(now);
    const released = await lifecycle.retryStockReleases(now);
    if (expired + released > 0) {
      const seconds = (performance.now() - started) / 1000;
      logger.info({ expired, released, seconds: Number(seconds.toFixed(3)), expiredPerSecond: Math.round(expired / seconds) }, 'order sweep');
    }
    return { expired, released };
  };
  const job = createLeasedJob({ name: 'orders.expiry-sweep', pool, intervalMs: intervalSeconds * 1000, logger, run: () => sweep() });
  return { start: job.start, sweep, stop: job.stop };
}
