import { createCountedLogBus, type EventBus, type LoggedEvent } from './bus';
import type { DomainEvent } from './events';

/** The end of a MessageChannel (or a worker's parentPort, or the Worker itself) that carries the bus's messages. */
export interface BusPort {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  off(event: 'message', listener: (message: unknown) => void): unknown;
}

/** The messages a bus and its replica exchange; other messages on the same port are left to their own listeners. */
export type BusMessage =
  { readonly kind: 'bus:events'; readonly events: readonly LoggedEvent[] } | { readonly kind: 'bus:publish'; readonly events: readonly DomainEvent[] };

function isBusMessage(message: unknown): message is BusMessage {
  const kind = (message as { kind?: unknown } | null)?.kind;
  return kind === 'bus:events' || kind === 'bus:publish';
}

/**
 * Serves an in-process bus to a replica in another thread: every event it logs is posted across `port` (the events of
 * one turn of this thread's loop in one message), and what the replica publishes is appended here. Returns a stop.
 */
export function shareBus(bus: EventBus, port: BusPort): () => void {
  let pending: LoggedEvent[] = [];
  const post = () => {
    const events = pending;
    pending = [];
    port.postMessage({ kind: 'bus:events', events } satisfies BusMessage);
  };
  const unsubscribe = bus.subscribe((event) => {
    if (pending.length === 0) queueMicrotask(post);
    pending.push(event);
  });
  const onMessage = (message: unknown) => {
    if (isBusMessage(message) && message.kind === 'bus:publish') void bus.publishAll(message.events);
  };
  port.on('message', onMessage);
  return () => {
    unsubscribe();
    port.off('message', onMessage);
  };
}

/**
 * The replica of an in-process bus shared from another thread by `shareBus`: it keeps the last `maxLength` events at
 * the positions the source gave them, so a subscriber resumes here as on the source; what is published here goes to
 * the source, and comes back once logged there.
 */
export function createBusReplica(port: BusPort, { maxLength = 10_000 }: { maxLength?: number } = {}): EventBus {
  const onMessage = (message: unknown) => {
    if (!isBusMessage(message) || message.kind !== 'bus:events') return;
    for (const event of message.events) log.deliver(event);
  };
  const log = createCountedLogBus({
    maxLength,
    publishAll: (events) => port.postMessage({ kind: 'bus:publish', events } satisfies BusMessage),
    onClose: () => port.off('message', onMessage),
  });
  port.on('message', onMessage);
  return log.bus;
}
