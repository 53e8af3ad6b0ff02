import WebSocket from 'ws';
import { createChangeSignal } from './change-signal';

/** A graphql-ws socket driven frame by frame, to send what no well-behaved client would. */
export interface RawLiveSocket {
  readonly messages: unknown[];
  send(frame: string | Buffer | Record<string, unknown>): void;
  /** The next message the server sent, or null if none came within `timeoutMs`. */
  nextMessage(timeoutMs?: number): Promise<unknown>;
  /** The close code once the server closed the socket, or null if it is still open after `timeoutMs`. */
  closedWithin(timeoutMs: number): Promise<number | null>;
  /** Stops reading from the connection, as a client that hangs does: the server's sends pile up. */
  pauseReading(): void;
  resumeReading(): void;
  close(): void;
}

export interface RawLiveSocketOptions {
  /** Answer the server's WebSocket pings; false plays a peer that vanished without closing. Default true. */
  readonly autoPong?: boolean;
}

/** Opens a socket with the graphql-ws subprotocol and nothing else: no connection_init is sent. */
export function openRawLiveSocket(httpUrl: string, { autoPong = true }: RawLiveSocketOptions = {}): Promise<RawLiveSocket> {
  const socket = new WebSocket(httpUrl.replace(/^http/, 'ws'), 'graphql-transport-ws', { autoPong });
  const messages: unknown[] = [];
  let read = 0;
  let closeCode: number | null = null;
  const { notify, waitFor } = createChangeSignal();
  socket.on('message', (data: Buffer) => {
    try {
      messages.push(JSON.parse(data.toString('utf8')) as unknown);
    } catch {
      messages.push(data.toString('utf8'));
    }
    notify();
  });
  socket.on('close', (code: number) => {
    closeCode = code;
    notify();
  });
  socket.on('error', () => undefined);
  return new Promise((resolve, reject) => {
    socket.once('open', () =>
      resolve({
        messages,
        send(frame) {
          if (socket.readyState !== WebSocket.OPEN) return;
          socket.send(typeof frame === 'string' || Buffer.isBuffer(frame) ? frame : JSON.stringify(frame));
        },
        nextMessage: (timeoutMs = 5_000) => waitFor<unknown>(() => (messages.length > read ? messages[read++] : undefined), timeoutMs, null),
        closedWithin: (timeoutMs) => waitFor<number | null>(() => closeCode ?? undefined, timeoutMs, null),
        pauseReading: () => socket.pause(),
        resumeReading: () => socket.resume(),
        close: () => socket.terminate(),
      }),
    );
    socket.once('error', reject);
  });
}
