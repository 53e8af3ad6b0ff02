import { connect, type Socket } from 'node:net';

/** A complete HTTP/1.1 response as read off the wire. */
export interface RawResponse {
  readonly statusCode: number;
  readonly body: Buffer;
}

const headerEnd = Buffer.from('\r\n\r\n');
const crlf = Buffer.from('\r\n');

/** Where the headers of `head` (lowercase text, without the final blank line) say the body ends, and how. */
function framingOf(head: string): { chunked: boolean; length: number; close: boolean } {
  let chunked = false;
  let length = -1;
  let close = false;
  for (const line of head.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (name === 'content-length') length = Number(value);
    else if (name === 'transfer-encoding') chunked = value.includes('chunked');
    else if (name === 'connection') close = value === 'close';
  }
  return { chunked, length, close };
}

/**
 * The body of a chunked message starting at `from` in `data`, and where the message ends; undefined while incomplete.
 * Trailers are not expected (no server here sends them) and are skipped up to the final blank line.
 */
function readChunked(data: Buffer, from: number): { body: Buffer; end: number } | undefined {
  const parts: Buffer[] = [];
  let at = from;
  for (;;) {
    const lineEnd = data.indexOf(crlf, at);
    if (lineEnd < 0) return undefined;
    const size = parseInt(data.toString('latin1', at, lineEnd).split(';', 1)[0]!, 16);
    if (!Number.isFinite(size)) throw new Error('a chunk size that is not a number');
    at = lineEnd + 2;
    if (size === 0) {
      const end = data.indexOf(headerEnd, at - 2);
      return end < 0 ? undefined : { body: Buffer.concat(parts), end: end + 4 };
    }
    if (data.length < at + size + 2) return undefined;
    parts.push(data.subarray(at, at + size));
    at += size + 2;
  }
}

/**
 * One keep-alive HTTP/1.1 connection that sends prepared requests one at a time and reads each response whole:
 * the cheapest client Node can be (no parser objects, headers or streams per request), for load generators that share
 * their cores with what they measure. Responses framed by Content-Length or chunked; a `Connection: close` answer
 * or any failure ends the connection, and the owner opens another.
 */
export class Http1Connection {
  private readonly socket: Socket;
  private buffered: Buffer = Buffer.alloc(0);
  private waiting: { resolve: (response: RawResponse) => void; reject: (error: Error) => void } | undefined;
  private ended = false;

  constructor(host: string, port: number, timeoutMs = 30_000) {
    this.socket = connect({ host, port, noDelay: true });
    this.socket.setTimeout(timeoutMs, () => this.fail(new Error(`no answer within ${timeoutMs} ms`)));
    this.socket.on('data', (chunk: Buffer) => this.onData(chunk));
    this.socket.on('error', (error) => this.fail(error));
    this.socket.on('close', () => this.fail(new Error('the server closed the connection')));
  }

  /** False once the connection failed or the server asked to close it: open another. */
  get usable(): boolean {
    return !this.ended;
  }

  /** Sends `request` (a whole HTTP/1.1 request, head and body) and resolves with its response. */
  send(request: Buffer): Promise<RawResponse> {
    if (this.ended) return Promise.reject(new Error('the connection has ended'));
    if (this.waiting) return Promise.reject(new Error('one request at a time per connection'));
    return new Promise<RawResponse>((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.socket.write(request);
    });
  }

  close(): void {
    this.ended = true;
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    const data = this.buffered;
    const headEnd = data.indexOf(headerEnd);
    if (headEnd < 0) return;
    const head = data.toString('latin1', 0, headEnd).toLowerCase();
    const statusCode = Number(head.slice(9, 12));
    const framing = framingOf(head);
    let message: { body: Buffer; end: number } | undefined;
    try {
      if (framing.chunked) message = readChunked(data, headEnd + 4);
      else if (framing.length >= 0)
        message =
          data.length < headEnd + 4 + framing.length
            ? undefined
            : { body: data.subarray(headEnd + 4, headEnd + 4 + framing.length), end: headEnd + 4 + framing.length };
      else throw new Error('a response without Content-Length or chunked encoding');
    } catch (error) {
      this.fail(error as Error);
      return;
    }
    if (!message) return;
    this.buffered = data.subarray(message.end);
    if (framing.close) this.close();
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.resolve({ statusCode, body: message.body });
  }

  private fail(error: Error): void {
    this.ended = true;
    this.socket.destroy();
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.reject(error);
  }
}
