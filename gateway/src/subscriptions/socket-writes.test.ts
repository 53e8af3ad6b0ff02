import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { batchSocketWrites, createNextMessages } from './socket-writes';

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
async function connected() {
  const server = createServer();
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req)));
  const writes = batchSocketWrites(wss);
  const accepted = once(wss, 'connection') as Promise<[WebSocket, IncomingMessage]>;
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`);
  open.push({ server, wss, client });
  const [socket, req] = await accepted;
  const received: string[] = [];
  client.on('message', (data) => received.push(data.toString()));
  await once(client, 'open');
  return { writes, socket, stream: req.socket, client, received };
}

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
    for (const message of messages) writes.send(socket, message);
    expect(stream.writableCorked).toBe(1);
    expect(stream.writableLength).toBeGreaterThan(messages.join('').length);
    await new Promise((resolve) => setImmediate(resolve));
    expect(stream.writableCorked).toBe(0);
    await until(() => received.length === messages.length);
    expect(received).toEqual(messages);
  });

  it('sends text messages whether given a string or a buffer, and sends the next turn’s too', async () => {
    const { writes, socket, client, received } = await connected();
    writes.send(socket, 'first');
    writes.send(socket, Buffer.from('second'));
    await until(() => received.length === 2);
    writes.send(socket, 'third');
    await until(() => received.length === 3);
    expect(received).toEqual(['first', 'second', 'third']);
    const binary: boolean[] = [];
    client.on('message', (_data, isBinary) => binary.push(isBinary));
    writes.send(socket, Buffer.from('fourth'));
    await until(() => binary.length === 1);
    expect(binary).toEqual([false]);
  });

  it('keeps a closing socket’s close frame behind the messages held before it', async () => {
    const { writes, socket, client, received } = await connected();
    const closed = once(client, 'close') as Promise<[number, Buffer]>;
    writes.send(socket, 'last update');
    socket.close(1013, 'Client too slow');
    const [code] = await closed;
    expect(code).toBe(1013);
    expect(received).toEqual(['last update']);
  });

  it('writes nothing for a socket that was destroyed while held, and keeps writing to the others', async () => {
    const first = await connected();
    const second = await connected();
    first.writes.send(first.socket, 'lost');
    first.stream.destroy();
    second.writes.send(second.socket, 'kept');
    first.writes.flush();
    second.writes.flush();
    await until(() => second.received.length === 1);
    expect(second.received).toEqual(['kept']);
  });
});

describe('createNextMessages', () => {
  it('builds the same next message as the text would be, for each subscription id, from one encoding of the payload', () => {
    const messages = createNextMessages();
    const payload = JSON.stringify({ data: { salesTicks: { order: { id: '7', name: 'Café “Crème” ☕' } } }, extensions: { eventPosition: '3' } });
    for (const id of ['1', 'a"b', '5d1c0e4e-9f1e-4c1e-8c6e-2b7f0c1d9a3e']) {
      const bytes = messages.forSubscription(id)(payload);
      expect(bytes.toString()).toBe(`{"id":${JSON.stringify(id)},"type":"next","payload":${payload}}`);
      expect(JSON.parse(bytes.toString())).toEqual({ id, type: 'next', payload: JSON.parse(payload) });
    }
  });

  it('sends the messages as text the client reads back unchanged', async () => {
    const { writes, socket, received } = await connected();
    const message = createNextMessages().forSubscription('1');
    writes.send(socket, message('{"data":{"n":1}}'));
    writes.send(socket, message('{"data":{"n":2}}'));
    await until(() => received.length === 2);
    expect(received).toEqual(['{"id":"1","type":"next","payload":{"data":{"n":1}}}', '{"id":"1","type":"next","payload":{"data":{"n":2}}}']);
  });
});
