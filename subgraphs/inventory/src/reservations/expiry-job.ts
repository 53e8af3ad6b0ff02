import type { Logger } from '@rtc/service-kit';
import type { Reservations } from './reservations';

export interface ExpiryJob {
  start(): void;
  /** Waits for a run in progress, then runs no more. */
  stop(): Promise<void>;
}

export interface ExpiryJobOptions {
  readonly reservations: Reservations;
  readonly intervalMs: number;
  readonly logger: Logger;
}

/** Every interval, returns the units of reservations nobody committed or released in time; runs never overlap. */
export function createExpiryJob({ reservations, intervalMs, logger }: ExpiryJobOptions): ExpiryJob {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;

  const tick = () => {
    if (running) return;
    running = reservations
      .expireDue()
      .then((expired) => {
        if (expired > 0) logger.info({ expired }, 'reservations expired');
      })
      .catch((error: unknown) => logger.error({ err: error }, 'reservation expiry failed; will retry'))
      .finally(() => {
        running = undefined;
      });
  };

  return {
    start() {
      timer ??= setInterval(tick, intervalMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await running;
    },
  };
}
