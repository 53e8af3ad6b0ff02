import type { Logger } from '@rtc/service-kit';
import type { OrderLifecycle } from './order-lifecycle';

export interface ExpirySweeper {
  start(): void;
  /** One pass: expire unpaid orders, retry unconfirmed stock releases. */
  sweep(now?: Date): Promise<{ expired: number; released: number }>;
  stop(): Promise<void>;
}

/** Runs the lifecycle's periodic duties every `intervalSeconds`; replicas may overlap, each change is guarded by a row lock. */
export function createExpirySweeper({
  lifecycle,
  intervalSeconds,
  logger,
}: {
  lifecycle: OrderLifecycle;
  intervalSeconds: number;
  logger: Logger;
}): ExpirySweeper {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;

  const sweep = async (now = new Date()) => {
    const expired = await lifecycle.expireUnpaid(now);
    const released = await lifecycle.retryStockReleases(now);
    if (expired + released > 0) logger.info({ expired, released }, 'order sweep');
    return { expired, released };
  };

  return {
    start() {
      if (intervalSeconds <= 0 || timer) return;
      timer = setInterval(() => {
        running ??= sweep()
          .catch((error: unknown) => logger.error({ err: error }, 'order sweep failed'))
          .finally(() => (running = undefined));
      }, intervalSeconds * 1000);
      timer.unref();
    },
    sweep,
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await running;
    },
  };
}
