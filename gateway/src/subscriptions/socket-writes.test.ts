import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { batchSocketWrites, createNextMessages, textFrame, type SocketWritesOptions } from './socket-writes';

const open: { server: Server; wss: WebSocketServer; client?: WebSocket }[] = [];

afterEach(async () => {
  for (const { server, wss, client } of open.splice(0)) {
    client?.terminate();
    for (const socket of wss.clients) socket.terminate();
    wss.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** A ws server as the gateway builds it (upgrades handed over by the HTTP server) and one client connected to it. */
async function connected(options?: SocketWritesOptions) {
  const server = createServer();
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  server.on('upgrade', (req, socket, head) => wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req)));
  const writes = batchSocketWrites(wss, options);
  const accepted = once(wss, 'connection') as Promise<[WebSocket, IncomingMessage]>;
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`);
  open.push({ server, wss, client });
  const [socket, req] = await accepted;
  const received: string[] = [];
  client.on('message', (data) => received.push(data.toString()));
  await once(client, 'open');
  return { wss, writes, socket, stream: req.socket, client, received };
}

const text = (data: string) => textFrame(Buffer.from(data));

async function until(condition: () => boolean, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('batchSocketWrites', () => {
  it('holds what one turn sends a socket and writes it when the turn ends, every message in order', async () => {
    const { writes, socket, stream, received } = await connected();
    const messages = Array.from({ length: 200 }, (_, index) => JSON.stringify({ id: '1', type: 'next', payload: { data: { n: index } } }));
    for (const message of messages) writes.sendFrame(socket, text(message));
    expect(stream.writableCorked).toBe(1);
    expect(stream.writableLength).toBeGreaterThan(messages.join('').length);
    await new Promise((resolve) => setImmediate(resolve));
    expect(stream.writableCorked).toBe(0);
    await until(() => received.length === messages.length);
    expect(received).toEqual(messages);
  });

  it('sends frames of every header size as text messages, and sends the next turn’s too', async () => {
    const { writes, socket, client, received } = await connected();
    const binary: boolean[] = [];
    client.on('message', (_data, isBinary) => binary.push(isBinary));
    // 7-bit, 16-bit and 64-bit payload lengths, at and around each boundary.
    const sizes = [0, 1, 125, 126, 127, 65_535, 65_536, 70_000];
    for (const size of sizes) writes.sendFrame(socket, text('x'.repeat(size)));
    await until(() => received.length === sizes.length);
    writes.sendFrame(socket, text('next turn'));
    await until(() => received.length === sizes.length + 1);
    expect(received.map((message) => message.length)).toEqual([...sizes, 'next turn'.length]);
    expect(binary.every((isBinary) => !isBinary)).toBe(true);
  });

  it('keeps ws’s own frames in order with the frames it holds', async () => {
    const { writes, socket, received } = await connected();
    writes.sendFrame(socket, text('held'));
    socket.send('from ws');
    writes.sendFrame(socket, text('held again'));
    await until(() => received.length === 3);
    expect(received).toEqual(['held', 'from ws', 'held again']);
  });

  it('keeps a closing socket’s close frame behind the messages held before it, and sends nothing after it', async () => {
    const { writes, socket, client, received } = await connected();
    const closed = once(client, 'close') as Promise<[number, Buffer]>;
    writes.sendFrame(socket, text('last update'));
    socket.close(1013, 'Client too slow');
    writes.sendFrame(socket, text('after the close'));
    const [code] = await closed;
    expect(code).toBe(1013);
    expect(received).toEqual(['last update']);
  });

  it('writes nothing for a socket that was destroyed while held, and keeps writing to the others', async () => {
    const first = await connected();
    const second = await connected();
    first.writes.sendFrame(first.socket, text('lost'));
    first.stream.destroy();
    second.writes.sendFrame(second.socket, text('kept'));
    first.writes.flush();
    second.writes.flush();
    await until(() => second.received.length === 1);
    expect(second.received).toEqual(['kept']);
  });

  it('writes held sockets out in slices, in the order they were first sent to, with the event loop free between slices', async () => {
    // Each socket costs a full slice on this clock: one socket is written per turn.
    let clock = 0;
    const { wss, writes, socket, stream, received } = await connected({ sliceMs: 1, now: () => (clock += 1) });
    const client = new WebSocket(`ws://127.0.0.1:${(stream.localPort ?? 0).toString()}`);
    const accepted = once(wss, 'connection') as Promise<[WebSocket, IncomingMessage]>;
    const otherReceived: string[] = [];
    client.on('message', (data) => otherReceived.push(data.toString()));
    const [other, otherReq] = await accepted;
    await once(client, 'open');
    writes.sendFrame(socket, text('first socket'));
    writes.sendFrame(other, text('second socket'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(stream.writableCorked).toBe(0);
    expect(otherReq.socket.writableCorked).toBe(1);
    await new Promise((resolve) => setImmediate(resolve));
    expect(otherReq.socket.writableCorked).toBe(0);
    await until(() => received.length === 1 && otherReceived.length === 1);
    client.terminate();
  });
});

describe('createNextMessages', () => {
  it('writes a large message as its header and parts, which a client reads as the one message', async () => {
    const { writes, socket, received } = await connected();
    const payload = JSON.stringify({ data: { salesTicks: { ticks: Array.from({ length: 200 }, (_, n) => ({ order: { id: String(n) } })) } } });
    const frame = createNextMessages().forSubscription('9')(payload);
    expect(Array.isArray(frame)).toBe(true);
    writes.sendFrame(socket, frame);
    writes.sendFrame(socket, createNextMessages().forSubscription('9')('{"data":{"n":1}}'));
    await until(() => received.length === 2);
    expect(received).toEqual([`{"id":"9","type":"next","payload":${payload}}`, '{"id":"9","type":"next","payload":{"data":{"n":1}}}']);
  });

  it('builds the same next message as the text would be, for each subscription id, from one encoding of the payload', () => {
    const messages = createNextMessages();
    const payload = JSON.stringify({ data: { salesTicks: { order: { id: '7', name: 'Café “Crème” ☕' } } }, extensions: { eventPosition: '3' } });
    for (const id of ['1', 'a"b', '5d1c0e4e-9f1e-4c1e-8c6e-2b7f0c1d9a3e']) {
      const frame = Buffer.concat([messages.forSubscription(id)(payload)].flat());
      const message = `{"id":${JSON.stringify(id)},"type":"next","payload":${payload}}`;
      // A final text frame, unmasked, with a 7-bit length or 126 and a 16-bit one.
      expect(frame[0]).toBe(0x81);
      const length = frame[1]! < 126 ? frame[1]! : frame.readUInt16BE(2);
      const body = frame.subarray(frame[1]! < 126 ? 2 : 4);
      expect(length).toBe(Buffer.byteLength(message));
      expect(body.toString()).toBe(message);
      expect(JSON.parse(body.toString())).toEqual({ id, type: 'next', payload: JSON.parse(payload) });
    }
  });

  it('sends the messages as text the client reads back unchanged', async () => {
    const { writes, socket, received } = await connected();
    const message = createNextMessages().forSubscription('1');
    writes.sendFrame(socket, message('{"data":{"n":1}}'));
    writes.sendFrame(socket, message('{"data":{"n":2}}'));
    await until(() => received.length === 2);
    expect(received).toEqual(['{"id":"1","type":"next","payload":{"data":{"n":1}}}', '{"id":"1","type":"next","payload":{"data":{"n":2}}}']);
  });
});
