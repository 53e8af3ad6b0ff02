import { createHash, randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';

export interface SubscriberOptions {
  readonly url: string;
  readonly token: string;
  readonly query: string;
  /** Called with the raw `next` message; only sampled subscribers pay for parsing it. */
  readonly onNext: (message: string) => void;
  /**
   * Called instead of onNext with the message's bytes, which spares decoding them for one that only counts. The bytes
   * may be the thread's read buffer: they are the message's only during the call.
   */
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
 * server's frames are never masked. A chunk may be a read buffer that the next read overwrites: what outlives the
 * call (a frame's start, a fragment) is copied.
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
        fragments.push(Buffer.from(payload));
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
 * Where every socket of this thread reads into (`net.Socket`'s `onread`): each read is handled before the next one
 * starts, so one buffer serves them all, and a message costs no buffer of its own nor a trip through a stream.
 */
const readBuffer = Buffer.allocUnsafe(256 * 1024);
const headerEnd = Buffer.from('\r\n\r\n');
/** The longest handshake answer read: a server sending more without ending its headers is not a WebSocket server. */
const maxHandshakeBytes = 16 * 1024;

/** The status and headers (names in lower case) of an HTTP/1.1 response head. */
function parseResponseHead(head: string): { status: number; headers: Map<string, string> } {
  const [statusLine = '', ...lines] = head.split('\r\n');
  const headers = new Map<string, string>();
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return { status: Number(statusLine.split(' ')[1]), headers };
}

/**
 * A bare graphql-transport-ws subscriber straight on its socket: `ws`' client runs each message through a stream
 * and emitters, which cost the load generator more CPU per message than the gateway spends sending it, with
 * thousands of subscribers on the same two cores as the gateway they measure. It writes the upgrade request itself
 * and reads with `onread` into the thread's one read buffer.
 */
export function openSubscriber({ url, token, query, onNext, onNextBytes, onClose }: SubscriberOptions): Subscriber {
  let socket: Socket | undefined;
  let closing = false;
  let closed = false;
  let closeCode = 1006;
  const onClosed: (() => void)[] = [];
  const send = (text: string) => socket?.write(clientFrame(Opcode.Text, Buffer.from(text)));

  const ready = new Promise<void>((resolve, reject) => {
    const target = new URL(url.replace(/^ws/, 'http'));
    const key = randomBytes(16).toString('base64');
    let started = false;
    let handshake: Buffer | undefined = Buffer.alloc(0);
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
    /** Reads the handshake's answer until its head ends; what follows it is the first frames. */
    const readHandshake = (chunk: Buffer) => {
      const data = Buffer.concat([handshake!, chunk]);
      const end = data.indexOf(headerEnd);
      if (end < 0) {
        if (data.length > maxHandshakeBytes) fail(new Error('the server answered the WebSocket handshake wrongly'));
        else handshake = data;
        return;
      }
      handshake = undefined;
      const { status, headers } = parseResponseHead(data.subarray(0, end).toString('latin1'));
      if (status !== 101) return fail(new Error(`Unexpected server response: ${status}`));
      const accept = createHash('sha1').update(`${key}${handshakeGuid}`).digest('base64');
      if (headers.get('sec-websocket-accept') !== accept) return fail(new Error('the server answered the WebSocket handshake wrongly'));
      send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } }));
      if (end + headerEnd.length < data.length) read(data.subarray(end + headerEnd.length));
    };
    const fail = (error: Error) => {
      socket!.destroy();
      reject(error);
    };
    socket = connect({
      host: target.hostname,
      port: Number(target.port || 80),
      noDelay: true,
      onread: {
        buffer: readBuffer,
        callback: (length) => {
          const chunk = readBuffer.subarray(0, length);
          if (handshake) readHandshake(chunk);
          else read(chunk);
          return true;
        },
      },
    });
    socket.once('connect', () =>
      socket!.write(
        [
          `GET ${target.pathname}${target.search} HTTP/1.1`,
          `Host: ${target.host}`,
          'Connection: Upgrade',
          'Upgrade: websocket',
          `Sec-WebSocket-Key: ${key}`,
          'Sec-WebSocket-Version: 13',
          'Sec-WebSocket-Protocol: graphql-transport-ws',
          '',
          '',
        ].join('\r\n'),
      ),
    );
    socket.on('error', (error) => {
      if (!started) reject(error);
    });
    socket.once('close', () => {
      closed = true;
      if (!started) reject(new Error(`closed with ${closeCode} before the subscription started`));
      else if (!closing) onClose?.(closeCode);
      for (const done of onClosed.splice(0)) done();
    });
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
