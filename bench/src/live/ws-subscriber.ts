import WebSocket from 'ws';

export interface SubscriberOptions {
  readonly url: string;
  readonly token: string;
  readonly query: string;
  /** Called with the raw `next` message; only sampled subscribers pay for parsing it. */
  readonly onNext: (message: string) => void;
  /** Called instead of onNext with the message's bytes, which spares decoding them for one that only counts. */
  readonly onNextBytes?: (message: Buffer) => void;
  /** Called when the socket closes after the subscription started, with the close code; not after close(). */
  readonly onClose?: (code: number) => void;
}

export interface Subscriber {
  /** Resolves once the server acknowledged the connection and the subscription was sent. */
  readonly ready: Promise<void>;
  close(): Promise<void>;
}

/** How the gateway's `next` and `error` messages begin. */
const nextPrefix = Buffer.from('{"id"');

/**
 * A bare graphql-transport-ws subscriber on `ws`: a full client per connection would cost the load generator
 * more CPU than the server spends, with 2,000 of them on two cores.
 */
export function openSubscriber({ url, token, query, onNext, onNextBytes, onClose }: SubscriberOptions): Subscriber {
  // The gateway's frames are its own JSON: checking that they are UTF-8 would only cost the load generator CPU.
  const socket = new WebSocket(url.replace(/^http/, 'ws'), 'graphql-transport-ws', { skipUTF8Validation: true });
  let closing = false;
  socket.on('close', (code) => {
    if (!closing) onClose?.(code);
  });
  const ready = new Promise<void>((resolve, reject) => {
    socket.once('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } })));
    socket.once('error', reject);
    socket.once('close', (code) => reject(new Error(`closed with ${code} before the subscription started`)));
    socket.on('message', (data: Buffer) => {
      if (data.subarray(0, nextPrefix.length).equals(nextPrefix)) {
        if (onNextBytes) onNextBytes(data);
        else onNext(data.toString());
        return;
      }
      const message = data.toString();
      if (message.includes('"connection_ack"')) {
        socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query } }));
        resolve();
      } else if (message.includes('"ping"')) socket.send('{"type":"pong"}');
    });
  });
  return {
    ready,
    close: () =>
      new Promise((resolve) => {
        closing = true;
        if (socket.readyState === WebSocket.CLOSED) return resolve();
        socket.once('close', () => resolve());
        socket.close(1000);
      }),
  };
}

/** Runs `tasks` with at most `parallel` at once. */
export async function inBatches<T>(count: number, parallel: number, task: (index: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < count; index = next++) results[index] = await task(index);
  };
  await Promise.all(Array.from({ length: Math.min(parallel, count) }, worker));
  return results;
}
