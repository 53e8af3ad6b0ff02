import { createHash, randomBytes } from 'node:crypto';
import { request } from 'node:http';
import type { Socket } from 'node:net';

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
const handshakeGuid = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

const Opcode = { Continuation: 0x0, Text: 0x1, Binary: 0x2, Close: 0x8, Ping: 0x9, Pong: 0xa } as const;
type Opcode = (typeof Opcode)[keyof typeof Opcode];

/** A masked client frame (RFC 6455, section 5.3): a client must mask what it sends. */
function clientFrame(opcode: Opcode, payload: Buffer): Buffer {
  const lengthBytes = payload.length < 126 ? 0 : payload.length < 0x10000 ? 2 : 8;
  const frame = Buffer.allocUnsafe(2 + lengthBytes + 4 + payload.length);
  frame[0] = 0x80 | opcode;
  if (lengthBytes === 0) frame[1] = 0x80 | payload.length;
  else if (lengthBytes === 2) {
    frame[1] = 0x80 | 126;
    frame.writeUInt16BE(payload.length, 2);
  } else {
    frame[1] = 0x80 | 127;
    frame.writeBigUInt64BE(BigInt(payload.length), 2);
  }
  const maskAt = 2 + lengthBytes;
  randomBytes(4).copy(frame, maskAt);
  for (let index = 0; index < payload.length; index += 1) frame[maskAt + 4 + index] = payload[index]! ^ frame[maskAt + (index & 3)]!;
  return frame;
}

/**
 * Reads the server's frames off a stream of chunks: whole messages (fragments joined) and control frames. A
 * server's frames are never masked.
 */
function createFrameReader(onFrame: (opcode: Opcode, payload: Buffer) => void) {
  let buffered: Buffer | undefined;
  let fragments: Buffer[] = [];
  let fragmentedOpcode: Opcode = Opcode.Text;
  return (chunk: Buffer) => {
    const data = buffered ? Buffer.concat([buffered, chunk]) : chunk;
    buffered = undefined;
    let offset = 0;
    while (data.length - offset >= 2) {
      const fin = (data[offset]! & 0x80) !== 0;
      const opcode = (data[offset]! & 0x0f) as Opcode;
      let length = data[offset + 1]! & 0x7f;
      let headerLength = 2;
      if (length === 126) {
        if (data.length - offset < 4) break;
        length = data.readUInt16BE(offset + 2);
        headerLength = 4;
      } else if (length === 127) {
        if (data.length - offset < 10) break;
        length = Number(data.readBigUInt64BE(offset + 2));
        headerLength = 10;
      }
      if (data.length - offset < headerLength + length) break;
      const payload = data.subarray(offset + headerLength, offset + headerLength + length);
      offset += headerLength + length;
      if (opcode >= Opcode.Close) onFrame(opcode, payload);
      else if (fin && fragments.length === 0) onFrame(opcode, payload);
      else {
        if (opcode !== Opcode.Continuation) fragmentedOpcode = opcode;
        fragments.push(payload);
        if (fin) {
          const whole = Buffer.concat(fragments);
          fragments = [];
          onFrame(fragmentedOpcode, whole);
        }
      }
    }
    // What is left is the start of a frame: kept apart from the chunk it came in, which may be large.
    if (offset < data.length) buffered = Buffer.from(data.subarray(offset));
  };
}

/**
 * A bare graphql-transport-ws subscriber straight on its socket: `ws`' client runs each message through a stream
 * and emitters, which cost the load generator more CPU per message than the gateway spends sending it, with
 * thousands of subscribers on the same two cores as the gateway they measure.
 */
export function openSubscriber({ url, token, query, onNext, onNextBytes, onClose }: SubscriberOptions): Subscriber {
  let socket: Socket | undefined;
  let closing = false;
  let closed = false;
  let closeCode = 1006;
  const onClosed: (() => void)[] = [];
  const send = (text: string) => socket?.write(clientFrame(Opcode.Text, Buffer.from(text)));

  const ready = new Promise<void>((resolve, reject) => {
    const key = randomBytes(16).toString('base64');
    const upgrade = request(url.replace(/^ws/, 'http'), {
      headers: {
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        'Sec-WebSocket-Key': key,
        'Sec-WebSocket-Version': '13',
        'Sec-WebSocket-Protocol': 'graphql-transport-ws',
      },
    });
    upgrade.once('error', reject);
    upgrade.once('response', (response) => {
      response.resume();
      reject(new Error(`Unexpected server response: ${response.statusCode}`));
    });
    upgrade.once('upgrade', (response, upgraded, head) => {
      const accept = createHash('sha1').update(`${key}${handshakeGuid}`).digest('base64');
      if (response.headers['sec-websocket-accept'] !== accept) {
        upgraded.destroy();
        reject(new Error('the server answered the WebSocket handshake wrongly'));
        return;
      }
      socket = upgraded;
      socket.setNoDelay(true);
      let started = false;
      const read = createFrameReader((opcode, payload) => {
        if (opcode === Opcode.Text || opcode === Opcode.Binary) {
          if (payload.subarray(0, nextPrefix.length).equals(nextPrefix)) {
            if (onNextBytes) onNextBytes(payload);
            else onNext(payload.toString());
            return;
          }
          const message = payload.toString();
          if (message.includes('"connection_ack"')) {
            send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query } }));
            started = true;
            resolve();
          } else if (message.includes('"ping"')) send('{"type":"pong"}');
        } else if (opcode === Opcode.Ping) socket!.write(clientFrame(Opcode.Pong, payload));
        else if (opcode === Opcode.Close) {
          closeCode = payload.length >= 2 ? payload.readUInt16BE(0) : 1005;
          // Echo the close (RFC 6455, section 5.5.1), then the server ends the connection.
          if (!closing) socket!.end(clientFrame(Opcode.Close, payload.subarray(0, 2)));
        }
      });
      socket.on('data', read);
      socket.on('error', () => undefined);
      socket.once('close', () => {
        closed = true;
        if (!started) reject(new Error(`closed with ${closeCode} before the subscription started`));
        else if (!closing) onClose?.(closeCode);
        for (const done of onClosed.splice(0)) done();
      });
      if (head.length > 0) read(head);
      send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } }));
    });
    upgrade.end();
  });
  return {
    ready,
    close: () =>
      new Promise((resolve) => {
        closing = true;
        if (!socket || closed) return resolve();
        onClosed.push(resolve);
        const code = Buffer.alloc(2);
        code.writeUInt16BE(1000);
        socket.write(clientFrame(Opcode.Close, code));
        // A server that never answers the close is cut off.
        setTimeout(() => socket?.destroy(), 5_000).unref();
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
