import type { IncomingMessage } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Duplex } from 'node:stream';
import { WebSocket, type WebSocketServer } from 'ws';

export interface SocketWrites {
  /**
   * Sends a whole text frame (`textFrame`) straight into `socket`'s connection, held with whatever else `socket` is
   * sent in this turn of the event loop (ws's own frames included) and written together after it: in order, in one
   * system call. The gateway's sockets never compress, so ws would send the same bytes after framing them again.
   */
  sendFrame(socket: WebSocket, frame: Frame): void;
  /** Writes out everything held now (the next flush would anyway). */
  flush(): void;
}

/** A whole WebSocket frame: its bytes, or its parts in order (written one after the other, in one system call). */
export type Frame = Buffer | readonly Buffer[];

export interface SocketWritesOptions {
  /**
   * How long one turn of the event loop writes held sockets out before it yields to I/O: the federated resolutions
   * of the next updates wait on that I/O, and would otherwise wait behind every write of a fan-out to thousands.
   */
  readonly sliceMs?: number;
  /** The clock, in ms; tests pass their own. */
  readonly now?: () => number;
}

/**
 * Batches the gateway's writes per socket and turn of the event loop. Fanning one update out costs a write system
 * call per subscriber, and that call, not building the message, is most of what a subscriber costs; when updates
 * come faster than one write per socket and update can keep up with, several of them now leave a socket in one write
 * instead of queueing behind each other. A socket sent one message per turn gets it with no added delay. The held
 * sockets are written out in slices of `sliceMs`, in the order they were first sent to, with I/O between slices.
 */
export function batchSocketWrites(wss: WebSocketServer, { sliceMs = 2, now = () => performance.now() }: SocketWritesOptions = {}): SocketWrites {
  // ws writes frames into the connection it was upgraded from; corking that stream holds them until it is uncorked.
  const streams = new WeakMap<WebSocket, Duplex>();
  wss.on('connection', (socket: WebSocket, req: IncomingMessage) => streams.set(socket, req.socket));
  let corked: Duplex[] = [];
  let next = 0;
  let scheduled: NodeJS.Immediate | undefined;
  const held = new WeakSet<Duplex>();

  const writeOut = (until: number) => {
    while (next < corked.length) {
      const stream = corked[next++]!;
      held.delete(stream);
      stream.uncork();
      if (now() >= until) break;
    }
    if (next < corked.length) return false;
    corked = [];
    next = 0;
    return true;
  };
  const writeSlice = () => {
    scheduled = undefined;
    if (!writeOut(now() + sliceMs)) scheduled = setImmediate(writeSlice);
  };

  const hold = (stream: Duplex) => {
    if (!held.has(stream)) {
      stream.cork();
      held.add(stream);
      corked.push(stream);
      scheduled ??= setImmediate(writeSlice);
    }
  };

  return {
    sendFrame(socket, frame) {
      const stream = streams.get(socket);
      if (!stream || stream.destroyed || socket.readyState !== WebSocket.OPEN) return;
      hold(stream);
      if (Buffer.isBuffer(frame)) stream.write(frame);
      else for (const part of frame) stream.write(part);
    },
    flush() {
      if (scheduled) clearImmediate(scheduled);
      scheduled = undefined;
      writeOut(Infinity);
    },
  };
}

/** How many recent payloads keep their bytes: a fan-out interleaves a few groups' updates, never many. */
const recentPayloads = 32;

/**
 * Frames up to this size are copied into one buffer, cut from Node's shared pool; a larger one (a merged message of
 * many ticks) is written as its parts: a buffer of its own per message would be memory outside V8's heap, allocated
 * and freed thousands of times a second, and its copy is the part that grows with the message.
 */
const copiedFrameBytes = 2_048;

const headerLengthOf = (length: number) => (length < 126 ? 2 : length < 0x10000 ? 4 : 10);

function writeHeader(frame: Buffer, length: number): void {
  frame[0] = 0x81;
  if (length < 126) frame[1] = length;
  else if (length < 0x10000) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeUInt32BE(Math.floor(length / 0x1_0000_0000), 2);
    frame.writeUInt32BE(length >>> 0, 6);
  }
}

/** One unmasked, final text frame (RFC 6455, section 5.2) carrying `parts` one after the other. */
export function textFrame(...parts: readonly Buffer[]): Buffer {
  let length = 0;
  for (const part of parts) length += part.length;
  const headerLength = headerLengthOf(length);
  const frame = Buffer.allocUnsafe(headerLength + length);
  writeHeader(frame, length);
  let offset = headerLength;
  for (const part of parts) offset += part.copy(frame, offset);
  return frame;
}

/** `textFrame(...parts)`, or for a large one its header followed by `parts` themselves, uncopied. */
export function textFrameOf(...parts: readonly Buffer[]): Frame {
  let length = 0;
  for (const part of parts) length += part.length;
  if (length <= copiedFrameBytes) return textFrame(...parts);
  const header = Buffer.allocUnsafe(headerLengthOf(length));
  writeHeader(header, length);
  return [header, ...parts];
}

/**
 * Builds graphql-ws `next` messages as whole WebSocket text frames, encoding each payload once however many
 * subscriptions it goes to: a subscriber then costs one copy of the bytes into its frame instead of joining,
 * measuring and encoding the text again and framing it apart. The same payload string sent to many subscriptions in
 * a row (one group's update, one merged message) is encoded once.
 */
export function createNextMessages() {
  const encoded = new Map<string, Buffer>();
  const closing = Buffer.from('}');
  const bytesOf = (payload: string): Buffer => {
    let bytes = encoded.get(payload);
    if (!bytes) {
      if (encoded.size >= recentPayloads) encoded.clear();
      encoded.set(payload, (bytes = Buffer.from(payload)));
    }
    return bytes;
  };
  return {
    /** The frame of the message for subscription `id`: `{"id":…,"type":"next","payload":<payload>}`. */
    forSubscription(id: string): (payload: string) => Frame {
      const prefix = Buffer.from(`{"id":${JSON.stringify(id)},"type":"next","payload":`);
      return (payload) => textFrameOf(prefix, bytesOf(payload), closing);
    },
  };
}
