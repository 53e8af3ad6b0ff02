import { Redis } from 'ioredis';
import type { DomainEvent } from './events';
import type { Logger } from './logger';

export type EventHandler = (event: DomainEvent) => void;

/** Where outbox relays publish and live consumers listen. Delivery is at least once; consumers drop duplicates by id. */
export interface EventBus {
  publish(event: DomainEvent): Promise<void>;
  subscribe(handler: EventHandler): () => void;
  close(): Promise<void>;
}

/** For a stack whose services all run in one process. */
export function createInProcessBus(): EventBus {
  const handlers = new Set<EventHandler>();
  return {
    async publish(event) {
      for (const handler of handlers) handler(event);
    },
    subscribe(handler) {
      handlers.add(handler);
      return () => handlers.delete(handler);
    },
    async close() {
      handlers.clear();
    },
  };
}

export const eventChannel = 'rtc:events';

/** Redis pub/sub: one channel, JSON events; a subscriber connection is opened on first subscribe. */
export function createRedisBus(url: string, logger: Logger, channel = eventChannel): EventBus {
  const publisher = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 3 });
  let subscriber: Redis | undefined;
  const handlers = new Set<EventHandler>();

  const ensureSubscriber = () => {
    if (subscriber) return;
    subscriber = new Redis(url);
    subscriber.on('message', (_channel: string, message: string) => {
      let event: DomainEvent;
      try {
        event = JSON.parse(message) as DomainEvent;
      } catch {
        logger.warn({ channel }, 'dropped a malformed event');
        return;
      }
      for (const handler of handlers) handler(event);
    });
    subscriber.subscribe(channel).catch((error: unknown) => logger.error({ err: error }, 'redis subscribe failed'));
  };

  return {
    async publish(event) {
      await publisher.publish(channel, JSON.stringify(event));
    },
    subscribe(handler) {
      ensureSubscriber();
      handlers.add(handler);
      return () => handlers.delete(handler);
    },
    async close() {
      handlers.clear();
      await Promise.all([publisher.quit(), subscriber?.quit()]);
    },
  };
}

export function createEventBus(options: { redisUrl?: string | undefined; logger: Logger; channel?: string }): EventBus {
  return options.redisUrl ? createRedisBus(options.redisUrl, options.logger, options.channel) : createInProcessBus();
}
