import { connect, type Socket } from 'node:net';
import { createChangeSignal } from './change-signal';

/** An HTTP answer as the wire carried it; `json` is the parsed body when it was JSON. */
export interface RawResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly text: string;
  readonly json?: unknown;
}

export interface RawRequest {
  readonly method?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string | Buffer;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Sends one request with fetch, whatever its body or content type, and never waits longer than `timeoutMs`. */
export async function sendHttp(url: string, { method = 'POST', headers = {}, body }: RawRequest = {}, timeoutMs = 10_000): Promise<RawResponse> {
  const response = await fetch(url, {
    method,
    headers,
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : new Uint8Array(body) }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await response.text();
  const json = parseJson(text);
  return { status: response.status, headers: Object.fromEntries(response.headers), text, ...(json === undefined ? {} : { json }) };
}

/** What a keep-alive connection gave back for one request: an answer, the server closing it, or silence. */
export type ConnectionOutcome = RawResponse | 'closed' | 'timeout';

export interface KeepAliveConnection {
  /** Writes a request (headers and body as given) and waits for its answer. */
  send(head: string, body?: Buffer | string, timeoutMs?: number): Promise<ConnectionOutcome>;
  /** Writes more of the request `send` began, e.g. the rest of a body sent in parts to keep a request in flight. */
  write(bytes: Buffer | string): void;
  /** Resolves true once the server closed the connection, false if it is still open after `timeoutMs`. */
  closedWithin(timeoutMs: number): Promise<boolean>;
  close(): void;
}

interface ParsedHead {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly bodyStart: number;
}

function parseHead(buffer: Buffer): ParsedHead | null {
  const end = buffer.indexOf('\r\n\r\n');
  if (end < 0) return null;
  const [statusLine = '', ...lines] = buffer.subarray(0, end).toString('latin1').split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { status: Number(statusLine.split(' ')[1]), headers, bodyStart: end + 4 };
}

/** The body once complete, and how many bytes the message took; null while more bytes are needed. */
function completeBody(buffer: Buffer, head: ParsedHead): { body: Buffer; length: number } | null {
  if (head.headers['transfer-encoding']?.includes('chunked')) {
    const parts: Buffer[] = [];
    let offset = head.bodyStart;
    for (;;) {
      const lineEnd = buffer.indexOf('\r\n', offset);
      if (lineEnd < 0) return null;
      const size = parseInt(buffer.subarray(offset, lineEnd).toString('latin1'), 16);
      if (buffer.length < lineEnd + 2 + size + 2) return null;
      if (size === 0) return { body: Buffer.concat(parts), length: lineEnd + 4 };
      parts.push(buffer.subarray(lineEnd + 2, lineEnd + 2 + size));
      offset = lineEnd + 2 + size + 2;
    }
  }
  const length = Number(head.headers['content-length'] ?? 0);
  if (buffer.length < head.bodyStart + length) return null;
  return { body: buffer.subarray(head.bodyStart, head.bodyStart + length), length: head.bodyStart + length };
}

/**
 * One TCP connection to an HTTP server, reused for request after request as a keep-alive client would:
 * shows whether a refused request leaves the connection usable, closed, or dead.
 */
export function openKeepAlive(url: string): Promise<KeepAliveConnection> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket: Socket = connect({ host: hostname, port: Number(port) });
    let received = Buffer.alloc(0);
    let closed = false;
    const { notify, waitFor } = createChangeSignal();
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      notify();
    });
    // A reset while we still write a refused body is the server closing on us: the outcome under test.
    socket.on('error', () => undefined);
    socket.on('close', () => {
      closed = true;
      notify();
    });
    socket.once('connect', () => {
      resolve({
        async send(head, body, timeoutMs = 5_000) {
          if (closed) return 'closed';
          received = Buffer.alloc(0);
          socket.write(head);
          if (body !== undefined && body.length > 0) socket.write(body);
          return waitFor<ConnectionOutcome>(
            () => {
              const parsed = parseHead(received);
              const complete = parsed ? completeBody(received, parsed) : null;
              if (parsed && complete) {
                const text = complete.body.toString('utf8');
                const json = parseJson(text);
                received = received.subarray(complete.length);
                return { status: parsed.status, headers: parsed.headers, text, ...(json === undefined ? {} : { json }) };
              }
              return closed ? 'closed' : undefined;
            },
            timeoutMs,
            'timeout',
          );
        },
        write: (bytes) => void socket.write(bytes),
        closedWithin: (timeoutMs) => waitFor(() => (closed ? true : undefined), timeoutMs, false),
        close: () => socket.destroy(),
      });
    });
    socket.once('error', reject);
  });
}

/** The head of an HTTP/1.1 request to `url`, keep-alive; pass the body separately. */
export function requestHead(url: string, { method = 'POST', headers = {} }: Omit<RawRequest, 'body'> = {}): string {
  const { host, pathname, search } = new URL(url);
  const lines = [
    `${method} ${pathname}${search} HTTP/1.1`,
    `Host: ${host}`,
    'Connection: keep-alive',
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ];
  return `${lines.join('\r\n')}\r\n\r\n`;
}
