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
  /**
   * Writes out at once what was sent to this connection and others and is still held, if sends are held: the writer
   * calls it after each slice, so the sockets it fills are written as fast as it fills them and no held write waits
   * behind its next slice.
   */
  flush?(): void;
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
  /**
   * The share of the time passes may take: a pass that took D ms (from its first write to its last, I/O and
   * other work between its slices included) is followed by the next no sooner than D / passDuty ms after it began.
   */
  readonly passDuty?: number;
  /**
   * The longest the writer rests between passes. Resting only gathers ticks into fewer messages; once passes are
   * long (messages already carry many ticks) a longer rest would cap throughput and let the backlog grow.
   */
  readonly maxRestMs?: number;
  /** The clock, in ms; tests pass their own. */
  readonly now?: () => number;
}

export interface CoalescingWriter {
  enqueue(target: CoalescingTarget, update: PendingUpdate): void;
  /** `enqueue` for each of `targets`: one group's update, at a few tens of nanoseconds a subscriber. */
  enqueueAll(targets: Iterable<CoalescingTarget>, update: PendingUpdate): void;
  /** Drops a subscriber's pending updates (it left). */
  forget(target: CoalescingTarget): void;
  /** Subscribers with updates pending. */
  readonly backlog: number;
  stop(): void;
}

/**
 * What the writer keeps on each target object, read and written once per update and subscriber: with 10,000
 * subscribers at 50 updates a second, a lookup in a Map or Set per update and subscriber is a tenth of a core.
 */
const writerState = Symbol('coalescing writer state');

interface TargetState {
  pending: PendingUpdate[];
  /** In `dirty`, or in the pass under way and not yet reached: its pending updates will be looked at. */
  queued: boolean;
}

type Tracked = CoalescingTarget & { [writerState]?: TargetState };

const stateOf = (target: Tracked): TargetState => (target[writerState] ??= { pending: [], queued: false });

/** Merged messages kept per group while a pass lasts: a few runs of different lengths at once. */
const maxMergedPerGroup = 64;

/**
 * Writes coalescing subscribers' updates in passes: a pass writes every subscriber with updates pending once, round
 * robin in time slices (between which the event loop reads sockets and events), each getting everything pending
 * for it in one message. The next pass waits until the last one's duration, divided by `passDuty`, has gone by since
 * it began (resting at most `maxRestMs` after it), so fan-out takes about that share of the time: when there are more subscribers than one pass per
 * event can write, passes grow apart and each write carries the ticks gathered meanwhile, instead of the same CPU
 * falling further behind one message per tick. Subscribers of a group written in the same pass with the same updates
 * pending share one merged message. A subscriber that keeps up while passes are short still gets one message per
 * update, one turn of the event loop after it was resolved.
 */
export function createCoalescingWriter({
  sliceMs = 8,
  retryMs = 20,
  maxPending = 10_000,
  passDuty = 0.5,
  maxRestMs = 100,
  now = () => performance.now(),
}: CoalescingWriterOptions = {}): CoalescingWriter {
  /** Subscribers with updates pending that the pass under way will not reach: the next pass writes them. */
  let dirty: Tracked[] = [];
  let pass: Tracked[] = [];
  let next = 0;
  let passStartedAt = 0;
  let passWrote = false;
  let passFoundBehind = false;
  /** When the next pass may begin. */
  let nextPassAt = 0;
  let scheduled: NodeJS.Immediate | undefined;
  let timer: NodeJS.Timeout | undefined;
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

  const inPass = () => next < pass.length;
  const schedule = () => {
    if (scheduled || timer) return;
    if (!inPass()) {
      if (dirty.length === 0) return;
      const waitMs = nextPassAt - now();
      if (waitMs > 0) {
        timer = setTimeout(() => {
          timer = undefined;
          schedule();
        }, waitMs);
        timer.unref();
        return;
      }
    }
    scheduled = setImmediate(write);
  };

  const beginPass = () => {
    pass = dirty;
    dirty = [];
    next = 0;
    passStartedAt = now();
    passWrote = false;
    passFoundBehind = false;
    merged.clear();
  };

  const endPass = () => {
    const duration = now() - passStartedAt;
    const rest = Math.min(duration * (1 / passDuty - 1), maxRestMs);
    // A pass that found every subscriber behind wrote nothing: look again after retryMs, not at once.
    nextPassAt = passStartedAt + (!passWrote && passFoundBehind ? Math.max(retryMs, duration + rest) : duration + rest);
    pass = [];
    next = 0;
    if (dirty.length === 0) merged.clear();
  };

  const write = () => {
    scheduled = undefined;
    if (!inPass()) beginPass();
    const until = now() + sliceMs;
    let flushing: SinkFlow | undefined;
    while (inPass()) {
      const target = pass[next++]!;
      const state = stateOf(target);
      state.queued = false;
      const updates = state.pending;
      if (updates.length === 0) continue;
      if (target.flow.behind()) {
        state.queued = true;
        dirty.push(target);
        passFoundBehind = true;
        continue;
      }
      state.pending = [];
      target.send(updates.length === 1 ? updates[0]!.payload : mergeOnce(target, updates));
      target.onSent(updates.length);
      if (target.flow.flush) flushing ??= target.flow;
      passWrote = true;
      if (now() >= until) break;
    }
    flushing?.flush?.();
    if (!inPass()) endPass();
    schedule();
  };

  /** Adds `update` to what `target` has pending; false when that passed the bound and the target was given up. */
  const add = (target: Tracked, update: PendingUpdate): boolean => {
    const state = stateOf(target);
    if (state.pending.push(update) > maxPending) {
      state.pending = [];
      target.flow.giveUp();
      return false;
    }
    // One already in the pass under way and not yet reached gets this update with the rest.
    if (!state.queued) {
      state.queued = true;
      dirty.push(target);
    }
    return true;
  };

  return {
    enqueue(target, update) {
      if (add(target, update)) schedule();
    },
    enqueueAll(targets, update) {
      for (const target of targets) add(target, update);
      schedule();
    },
    forget(target) {
      stateOf(target).pending = [];
    },
    get backlog() {
      let waiting = 0;
      for (const target of dirty) if (stateOf(target).pending.length > 0) waiting += 1;
      for (let index = next; index < pass.length; index += 1) if (stateOf(pass[index]!).pending.length > 0) waiting += 1;
      return waiting;
    },
    stop() {
      if (scheduled) clearImmediate(scheduled);
      if (timer) clearTimeout(timer);
      scheduled = undefined;
      timer = undefined;
      for (const target of [...dirty, ...pass]) stateOf(target).pending = [];
      dirty = [];
      pass = [];
      next = 0;
      merged.clear();
    },
  };
}
