import { createServer, connect, type Server, type Socket } from 'node:net';

export type FaultMode = 'pass' | 'down' | 'frozen';

export interface FaultProxy {
  /** The target URL with this proxy's origin in place of the target's. */
  readonly url: string;
  /** HTTP requests that reached the target so far. */
  readonly requests: number;
  /**
   * `pass` forwards; `down` stops listening and cuts every connection, as a killed process (ECONNREFUSED);
   * `frozen` accepts and reads but never answers, as a process stopped with SIGSTOP.
   */
  set(mode: FaultMode): Promise<void>;
  /** The next `count` requests reach the target, but the connection breaks before its answer comes back. */
  breakNextAnswers(count: number): void;
  /** From now on every answer reaches the caller `ms` later (0: at once), as from a busy subgraph. */
  delayAnswers(ms: number): void;
  close(): Promise<void>;
}

// Each request of an HTTP/1.1 client starts a chunk with its request line; RTC's callers send POST or GET.
const requestLine = /^(POST|GET) \//;

/** A TCP proxy in front of one HTTP or WebSocket service that a test can take down, freeze or make break connections. */
export async function startFaultProxy(targetUrl: string): Promise<FaultProxy> {
  const target = new URL(targetUrl);
  const sockets = new Set<Socket>();
  let mode: FaultMode = 'pass';
  let requests = 0;
  let answersToBreak = 0;
  let answerDelayMs = 0;

  const handle = (client: Socket) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => undefined);
    if (mode === 'frozen') return;
    const upstream = connect(Number(target.port), target.hostname);
    sockets.add(upstream);
    upstream.on('close', () => {
      sockets.delete(upstream);
      client.destroy();
    });
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    client.on('data', (chunk: Buffer) => {
      if (mode === 'frozen') return;
      if (requestLine.test(chunk.toString('latin1', 0, 8))) requests += 1;
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (answersToBreak > 0) {
        answersToBreak -= 1;
        client.destroy();
        upstream.destroy();
        return;
      }
      if (answerDelayMs === 0) {
        if (mode !== 'frozen') client.write(chunk);
        return;
      }
      setTimeout(() => {
        if (mode !== 'frozen' && !client.destroyed) client.write(chunk);
      }, answerDelayMs);
    });
  };

  let server: Server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const url = new URL(targetUrl);
  url.hostname = '127.0.0.1';
  url.port = String(port);

  const stopListening = () => new Promise<void>((resolve) => server.close(() => resolve()));
  const cutAll = () => {
    for (const socket of sockets) socket.destroy();
    sockets.clear();
  };

  return {
    url: url.toString(),
    get requests() {
      return requests;
    },
    async set(next) {
      if (next === mode) return;
      if (mode === 'down') {
        server = createServer(handle);
        await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
      }
      mode = next;
      if (next === 'down') {
        const closed = stopListening();
        cutAll();
        await closed;
      }
      if (next === 'pass') cutAll();
    },
    breakNextAnswers(count) {
      answersToBreak = count;
    },
    delayAnswers(ms) {
      answerDelayMs = ms;
    },
    async close() {
      const closed = mode === 'down' ? Promise.resolve() : stopListening();
      cutAll();
      await closed;
    },
  };
}
