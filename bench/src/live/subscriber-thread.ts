// A worker thread of the live benchmark's load generator: holds its share of the subscribers, counts the ticks
// they receive and times the sampled ones, so that receiving never queues behind the thread that places orders.
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { inBatches, openSubscriber, type Subscriber } from './ws-subscriber';
import { countTicks, refusalPrefix, tickTimesOf, type SubscriberThreadData, type ThreadReport, type ThreadRequest } from './subscriber-protocol';

const { url, token, operations, first, count, sampleEvery, nice } = workerData as SubscriberThreadData;
// On Linux a priority set without a pid is this thread's alone: the thread that places orders keeps its own.
if (nice > 0) setPriority(nice);
let received = 0;
let messages = 0;
let bytes = 0;
let duplicates = 0;
let latencies: number[] = [];
let closedEarly = 0;
let refused = 0;
let lastReceivedAt = 0;
const refusal = Buffer.from(refusalPrefix);
const isRefusal = (message: Buffer) => message.subarray(0, refusal.length).equals(refusal);

const subscribers: Subscriber[] = await inBatches(count, 50, async (offset) => {
  const index = first + offset;
  // Every operation's subscribers in the sample alike: with `index % sampleEvery`, two operations and an even
  // sampleEvery, only the first operation's subscribers would be timed.
  const sampled = Math.floor(index / operations.length) % sampleEvery === 0;
  const seen = sampled ? new Set<string>() : undefined;
  const subscriber = openSubscriber({
    url,
    token,
    query: operations[index % operations.length]!,
    // Most subscribers only count their ticks, off the message's bytes; the sampled ones parse and time them.
    ...(seen
      ? {}
      : {
          onNextBytes: (message: Buffer) => {
            if (isRefusal(message)) refused += 1;
            else {
              received += countTicks(message);
              lastReceivedAt = Date.now();
              messages += 1;
              bytes += message.length;
            }
          },
        }),
    onNext: (message) => {
      if (message.startsWith(refusalPrefix)) {
        refused += 1;
        return;
      }
      messages += 1;
      bytes += Buffer.byteLength(message);
      const now = Date.now();
      lastReceivedAt = now;
      for (const { orderId, at } of tickTimesOf(message)) {
        received += 1;
        if (seen!.has(orderId)) duplicates += 1;
        seen!.add(orderId);
        latencies.push(now - Date.parse(at));
      }
    },
    onClose: () => void (closedEarly += 1),
  });
  await subscriber.ready;
  return subscriber;
});

parentPort!.on('message', (request: ThreadRequest) => {
  if (request === 'report') {
    const report: ThreadReport = { received, messages, bytes, duplicates, closedEarly, refused, latencies, lastReceivedAt };
    latencies = [];
    parentPort!.postMessage(report);
  } else if (request === 'close') {
    void inBatches(subscribers.length, 200, (index) => subscribers[index]!.close()).then(() => parentPort!.postMessage('closed'));
  }
});
parentPort!.postMessage('ready');
