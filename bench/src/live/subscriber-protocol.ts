/** What a subscriber thread is started with: its slice [first, first + count) of the subscribers. */
export interface SubscriberThreadData {
  readonly url: string;
  readonly token: string;
  readonly operations: readonly string[];
  readonly first: number;
  readonly count: number;
  readonly sampleEvery: number;
  /** The thread's scheduling priority (nice, 0 to 19): above 0 it yields the cores to RTC when both want them. */
  readonly nice: number;
}

export type ThreadRequest = 'report' | 'close';

/** Counts since the thread started, and the sampled latencies since its previous report. */
export interface ThreadReport {
  readonly received: number;
  /** Messages those ticks came in, and their bytes: several ticks share one when the gateway coalesces them. */
  readonly messages: number;
  readonly bytes: number;
  /** Ticks a sampled subscriber got for an order it had already been sent. */
  readonly duplicates: number;
  /** Subscribers whose socket the server closed. */
  readonly closedEarly: number;
  /** Subscriptions the server refused with an error message. */
  readonly refused: number;
  readonly latencies: readonly number[];
  /** When the last tick arrived (ms since the epoch), 0 before any. */
  readonly lastReceivedAt: number;
}

const tickMarker = '"at":"'; // its bytes are spelled out in countMarkerBytes
/** The refusal of subscription "1" (the only one a benchmark subscriber starts). */
export const refusalPrefix = '{"id":"1","type":"error"';

/**
 * Ticks in a `next` message without parsing it: each selects `at` once, whether the message carries one tick or
 * (coalesced) several under `ticks`. The benchmark's operations select `at` nowhere else.
 */
export function countTicks(message: string | Buffer): number {
  if (typeof message !== 'string') return countMarkerBytes(message);
  let ticks = 0;
  for (let index = message.indexOf(tickMarker); index !== -1; index = message.indexOf(tickMarker, index + tickMarker.length)) ticks += 1;
  return ticks;
}

/**
 * `"at":"` in a message's bytes, by one loop over them: a coalesced message carries 20 to 30 ticks, and a search
 * call per tick cost the load generator about twice the CPU (a tenth of a core at 10,000 subscribers).
 */
function countMarkerBytes(message: Buffer): number {
  const quote = 0x22;
  let ticks = 0;
  for (let index = 0, last = message.length - 6; index <= last; index += 1) {
    if (message[index] !== quote || message[index + 1] !== 0x61 || message[index + 2] !== 0x74) continue;
    if (message[index + 3] === quote && message[index + 4] === 0x3a && message[index + 5] === quote) ticks += 1;
  }
  return ticks;
}

interface TickData {
  readonly at?: string;
  readonly order?: { readonly id?: string } | null;
  readonly ticks?: readonly TickData[] | null;
}

/** Each tick's order id and commit time, from a `next` message of one tick or of several coalesced. */
export function tickTimesOf(message: string): { orderId: string; at: string }[] {
  const tick = (JSON.parse(message) as { payload?: { data?: { salesTicks?: TickData } } }).payload?.data?.salesTicks;
  const ticks = tick?.ticks ?? (tick ? [tick] : []);
  return ticks.flatMap((item) => (item.at && item.order?.id ? [{ orderId: item.order.id, at: item.at }] : []));
}
