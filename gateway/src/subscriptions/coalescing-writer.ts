import { performance } from 'node:perf_hooks';
import type { GraphQLError } from 'graphql';

/** A resolved update waiting to be sent to a subscriber that asked for coalescing. */
export interface PendingUpdate {
  readonly eventId: string;
  readonly position: string;
  /** The update serialized on its own: sent as it is when nothing else is pending. */
  readonly payload: string;
  /** The update's item of the payload's list field (e.g. one tick), which a merged message lists. */
  readonly item: Record<string, unknown>;
  /** Errors of its federated resolution, kept in a merged message. */
  readonly errors: readonly GraphQLError[];
}

/** How a subscriber's connection is keeping up. */
export interface SinkFlow {
  /** True while the connection holds more unsent bytes than it should: updates wait and leave together later. */
  behind(): boolean;
  /** Closes a subscriber whose backlog passed the bound; it reconnects and resumes with resumeAfter. */
  giveUp(): void;
}

/** Where a coalescing subscriber's updates go, and how several of its group's updates become one message. */
export interface CoalescingTarget {
  readonly send: (payloadJson: string) => void;
  readonly flow: SinkFlow;
  /** One message for `updates` (two or more, in event order); the same function for every subscriber of a group. */
  readonly merge: (updates: readonly PendingUpdate[]) => string;
  /** Called with how many updates a message just sent carried. */
  readonly onSent: (updates: number) => void;
}

export interface CoalescingWriterOptions {
  /** How long one turn of the event loop writes before it yields to I/O and new events. */
  readonly sliceMs?: number;
  /** How soon subscribers that were all behind are looked at again when no new update comes. */
  readonly retryMs?: number;
  /** A subscriber with more updates pending than this is given up on: it has stopped reading. */
  readonly maxPending?: number;
}

export interface CoalescingWriter {
  enqueue(target: CoalescingTarget, update: PendingUpdate): void;
  /** Drops a subscriber's pending updates (it left). */
  forget(target: CoalescingTarget): void;
  /** Subscribers with updates pending. */
  readonly backlog: number;
  stop(): void;
}

/** Merged messages kept per group while a backlog lasts: a few runs of different lengths at once. */
const maxMergedPerGroup = 64;

/**
 * Writes coalescing subscribers' updates in time slices, round robin. Each subscriber gets everything pending for it
 * in one message, so when fan-out takes longer than the gap between events (many subscribers, or a connection
 * that is behind), the same CPU carries several updates per write instead of falling further behind. A subscriber
 * that keeps up still gets one message per update, one turn of the event loop after it was resolved.
 */
export function createCoalescingWriter({ sliceMs = 8, retryMs = 20, maxPending = 10_000 }: CoalescingWriterOptions = {}): CoalescingWriter {
  const pending = new Map<CoalescingTarget, PendingUpdate[]>();
  const dirty = new Set<CoalescingTarget>();
  let scheduled: NodeJS.Immediate | undefined;
  let retry: NodeJS.Timeout | undefined;
  // Subscribers of one group equally far behind share one merged message, across slices, until the backlog clears.
  const merged = new Map<CoalescingTarget['merge'], Map<string, string>>();
  const mergeOnce = (target: CoalescingTarget, updates: readonly PendingUpdate[]) => {
    let byRun = merged.get(target.merge);
    if (!byRun) merged.set(target.merge, (byRun = new Map()));
    const key = `${updates[0]!.eventId} ${updates.at(-1)!.eventId} ${updates.length}`;
    let payload = byRun.get(key);
    if (payload === undefined) {
      if (byRun.size >= maxMergedPerGroup) byRun.clear();
      byRun.set(key, (payload = target.merge(updates)));
    }
    return payload;
  };

  const schedule = () => {
    if (scheduled) return;
    if (retry) {
      clearTimeout(retry);
      retry = undefined;
    }
    scheduled = setImmediate(write);
  };

  const write = () => {
    scheduled = undefined;
    const until = performance.now() + sliceMs;
    const behind: CoalescingTarget[] = [];
    let sliceOver = false;
    for (const target of dirty) {
      dirty.delete(target);
      const updates = pending.get(target);
      if (!updates || updates.length === 0) continue;
      if (target.flow.behind()) {
        behind.push(target);
        continue;
      }
      pending.set(target, []);
      target.send(updates.length === 1 ? updates[0]!.payload : mergeOnce(target, updates));
      target.onSent(updates.length);
      if (performance.now() >= until) {
        sliceOver = true;
        break;
      }
    }
    for (const target of behind) dirty.add(target);
    if (dirty.size === 0) merged.clear();
    if (sliceOver) schedule();
    else if (dirty.size > 0) {
      retry = setTimeout(schedule, retryMs);
      retry.unref();
    }
  };

  return {
    enqueue(target, update) {
      let updates = pending.get(target);
      if (!updates) pending.set(target, (updates = []));
      updates.push(update);
      if (updates.length > maxPending) {
        this.forget(target);
        target.flow.giveUp();
        return;
      }
      dirty.add(target);
      schedule();
    },
    forget(target) {
      pending.delete(target);
      dirty.delete(target);
    },
    get backlog() {
      return dirty.size;
    },
    stop() {
      if (scheduled) clearImmediate(scheduled);
      if (retry) clearTimeout(retry);
      pending.clear();
      dirty.clear();
      merged.clear();
    },
  };
}
