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

/** A group's subscribers, sent the same updates: each update is logged once for all of them, not once per subscriber. */
export interface CoalescingFeed {
  /** From now on, `target` gets this feed's updates. */
  join(target: CoalescingTarget): void;
  /** `target` gets nothing more: it left. */
  leave(target: CoalescingTarget): void;
  /** Adds `update` to what every target of the feed has pending: a few tens of nanoseconds, whatever their number. */
  enqueueAll(update: PendingUpdate): void;
}

export interface CoalescingWriter {
  /** Adds `update` to what one target has pending (after what its feed gave it so far). */
  enqueue(target: CoalescingTarget, update: PendingUpdate): void;
  createFeed(): CoalescingFeed;
  /** Subscribers with updates pending. */
  readonly backlog: number;
  stop(): void;
}

/**
 * What the writer keeps on each target object, read and written once per message: with 10,000 subscribers, a lookup
 * in a Map or Set per subscriber and pass adds up.
 */
const writerState = Symbol('coalescing writer state');

interface FeedState {
  /** The feed's updates from `base` on (absolute positions in the feed), kept while some target has not taken them. */
  log: PendingUpdate[];
  base: number;
  readonly targets: Set<Tracked>;
  /** Has updates that targets already written in the pass under way (or not in one) have not taken. */
  dirty: boolean;
  /** The updates from a position to the end, built once per pass for all targets that are as far. */
  readonly tails: Map<number, { readonly end: number; readonly updates: PendingUpdate[] }>;
}

interface TargetState {
  /** Updates given to this target alone, all older than its feed's from `from` on. */
  pending: PendingUpdate[];
  /** In `dirty`, or in the pass under way and not yet reached: its pending updates will be looked at. */
  queued: boolean;
  feed: FeedState | undefined;
  /** The first position of its feed's log it has not taken. */
  from: number;
  left: boolean;
}

type Tracked = CoalescingTarget & { [writerState]?: TargetState };

const stateOf = (target: Tracked): TargetState => (target[writerState] ??= { pending: [], queued: false, feed: undefined, from: 0, left: false });
const endOf = (feed: FeedState) => feed.base + feed.log.length;
const pendingCount = (state: TargetState) => state.pending.length + (state.feed ? endOf(state.feed) - state.from : 0);

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
  /** Feeds whose targets the next pass looks at, each of them. */
  let dirtyFeeds: FeedState[] = [];
  const feeds = new Set<FeedState>();
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

  /** What `state`'s target has pending, in order: what it was given alone, then its feed's updates it has not taken. */
  const pendingOf = (state: TargetState): PendingUpdate[] => {
    const feed = state.feed;
    if (!feed || state.from === endOf(feed)) return state.pending;
    const end = endOf(feed);
    let tail = feed.tails.get(state.from);
    if (tail?.end !== end) {
      tail = { end, updates: feed.log.slice(state.from - feed.base) };
      feed.tails.set(state.from, tail);
    }
    return state.pending.length === 0 ? tail.updates : [...state.pending, ...tail.updates];
  };
  const taken = (state: TargetState) => {
    state.pending = [];
    if (state.feed) state.from = endOf(state.feed);
  };
  const giveUp = (target: Tracked, state: TargetState) => {
    taken(state);
    target.flow.giveUp();
  };

  const inPass = () => next < pass.length;
  const schedule = () => {
    if (scheduled || timer) return;
    if (!inPass()) {
      if (dirty.length === 0 && dirtyFeeds.length === 0) return;
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
    for (const feed of dirtyFeeds) {
      feed.dirty = false;
      for (const target of feed.targets) {
        const state = stateOf(target);
        if (state.queued) continue;
        state.queued = true;
        pass.push(target);
      }
    }
    dirtyFeeds = [];
    next = 0;
    passStartedAt = now();
    passWrote = false;
    passFoundBehind = false;
    merged.clear();
  };

  /** Drops from each feed's log what all its targets have taken. */
  const trimFeeds = () => {
    for (const feed of feeds) {
      feed.tails.clear();
      if (feed.log.length === 0) continue;
      let oldest = endOf(feed);
      for (const target of feed.targets) oldest = Math.min(oldest, stateOf(target).from);
      if (oldest > feed.base) {
        feed.log = feed.log.slice(oldest - feed.base);
        feed.base = oldest;
      }
    }
  };

  const endPass = () => {
    const duration = now() - passStartedAt;
    const rest = Math.min(duration * (1 / passDuty - 1), maxRestMs);
    // A pass that found every subscriber behind wrote nothing: look again after retryMs, not at once.
    nextPassAt = passStartedAt + (!passWrote && passFoundBehind ? Math.max(retryMs, duration + rest) : duration + rest);
    pass = [];
    next = 0;
    trimFeeds();
    if (dirty.length === 0 && dirtyFeeds.length === 0) merged.clear();
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
      if (state.left) continue;
      const count = pendingCount(state);
      if (count === 0) continue;
      if (target.flow.behind()) {
        if (count > maxPending) {
          giveUp(target, state);
          continue;
        }
        state.queued = true;
        dirty.push(target);
        passFoundBehind = true;
        continue;
      }
      const updates = pendingOf(state);
      taken(state);
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

  return {
    enqueue(target: Tracked, update) {
      const state = stateOf(target);
      if (state.left) return;
      // What its feed gave it so far comes first: it becomes its own.
      if (state.feed && state.from < endOf(state.feed)) {
        state.pending.push(...state.feed.log.slice(state.from - state.feed.base));
        state.from = endOf(state.feed);
      }
      if (state.pending.push(update) > maxPending) {
        giveUp(target, state);
        return;
      }
      // One already in the pass under way and not yet reached gets this update with the rest.
      if (!state.queued) {
        state.queued = true;
        dirty.push(target);
      }
      schedule();
    },
    createFeed() {
      const feed: FeedState = { log: [], base: 0, targets: new Set(), dirty: false, tails: new Map() };
      feeds.add(feed);
      return {
        join(target: Tracked) {
          const state = stateOf(target);
          state.feed = feed;
          state.from = endOf(feed);
          state.left = false;
          feed.targets.add(target);
        },
        leave(target: Tracked) {
          const state = stateOf(target);
          state.left = true;
          state.pending = [];
          feed.targets.delete(target);
          if (feed.targets.size === 0) feeds.delete(feed);
        },
        enqueueAll(update) {
          if (feed.targets.size === 0) return;
          feeds.add(feed);
          feed.log.push(update);
          if (!feed.dirty) {
            feed.dirty = true;
            dirtyFeeds.push(feed);
          }
          schedule();
        },
      };
    },
    get backlog() {
      const waiting = new Set<Tracked>();
      for (const target of dirty) waiting.add(target);
      for (let index = next; index < pass.length; index += 1) waiting.add(pass[index]!);
      for (const feed of feeds) for (const target of feed.targets) waiting.add(target);
      let count = 0;
      for (const target of waiting) {
        const state = stateOf(target);
        if (!state.left && pendingCount(state) > 0) count += 1;
      }
      return count;
    },
    stop() {
      if (scheduled) clearImmediate(scheduled);
      if (timer) clearTimeout(timer);
      scheduled = undefined;
      timer = undefined;
      for (const target of [...dirty, ...pass]) stateOf(target).pending = [];
      for (const feed of feeds) {
        feed.log = [];
        feed.targets.clear();
      }
      feeds.clear();
      dirty = [];
      dirtyFeeds = [];
      pass = [];
      next = 0;
      merged.clear();
    },
  };
}
