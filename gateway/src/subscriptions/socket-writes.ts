import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocket, WebSocketServer } from 'ws';

export interface SocketWrites {
  /**
   * Sends `data` as one text message on `socket`, held with whatever else `socket` is sent in this turn of the event
   * loop and written together when the turn ends: in order, in one system call.
   */
  send(socket: WebSocket, data: string | Buffer): void;
  /** Writes out everything held now (the next flush would anyway). */
  flush(): void;
}

/**
 * Batches the gateway's writes per socket and turn of the event loop. Fanning one update out costs a write system
 * call per subscriber, and that call, not building the message, is most of what a subscriber costs; when updates
 * come faster than one write per socket and update can keep up with, several of them now leave a socket in one write
 * instead of queueing behind each other. A socket sent one message per turn gets it with no added delay.
 */
export function batchSocketWrites(wss: WebSocketServer): SocketWrites {
  // ws writes frames into the connection it was upgraded from; corking that stream holds them until it is uncorked.
  const streams = new WeakMap<WebSocket, Duplex>();
  wss.on('connection', (socket: WebSocket, req: IncomingMessage) => streams.set(socket, req.socket));
  let corked: Duplex[] = [];
  const held = new WeakSet<Duplex>();

  const flush = () => {
    const streamsToWrite = corked;
    corked = [];
    for (const stream of streamsToWrite) {
      held.delete(stream);
      stream.uncork();
    }
  };

  return {
    send(socket, data) {
      const stream = streams.get(socket);
      if (stream && !held.has(stream) && !stream.destroyed) {
        stream.cork();
        held.add(stream);
        if (corked.push(stream) === 1) setImmediate(flush);
      }
      socket.send(data, { binary: false });
    },
    flush,
  };
}

/** How many recent payloads keep their bytes: a fan-out interleaves a few groups' updates, never many. */
const recentPayloads = 32;

/**
 * Builds graphql-ws `next` messages as bytes, encoding each payload once however many subscriptions it goes to: a
 * subscriber then costs a copy of the bytes instead of joining, measuring and encoding the text again. The same
 * payload string sent to many subscriptions in a row (one group's update, one merged message) is encoded once.
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
    /** The message for subscription `id`: `{"id":…,"type":"next","payload":<payload>}`. */
    forSubscription(id: string): (payload: string) => Buffer {
      const prefix = Buffer.from(`{"id":${JSON.stringify(id)},"type":"next","payload":`);
      return (payload) => Buffer.concat([prefix, bytesOf(payload), closing]);
    },
  };
}
