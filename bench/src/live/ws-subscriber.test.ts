import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { openSubscriber } from './ws-subscriber';

const servers: { server: Server; wss: WebSocketServer }[] = [];

afterEach(async () => {
  for (const { server, wss } of servers.splice(0)) {
    for (const socket of wss.clients) socket.terminate();
    wss.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** A ws server speaking just enough graphql-transport-ws: acknowledges connection_init, records what it is sent. */
async function graphqlWsServer() {
  const server = createServer();
  const wss = new WebSocketServer({ server, handleProtocols: (protocols) => (protocols.has('graphql-transport-ws') ? 'graphql-transport-ws' : false) });
  const received: unknown[] = [];
  wss.on('connection', (socket) =>
    socket.on('message', (data) => {
      const message = JSON.parse(data.toString()) as { type: string };
      received.push(message);
      if (message.type === 'connection_init') socket.send('{"type":"connection_ack"}');
    }),
  );
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  servers.push({ server, wss });
  const subscribed = async () => {
    while (!received.some((message) => (message as { type: string }).type === 'subscribe')) await new Promise((resolve) => setTimeout(resolve, 5));
    return [...wss.clients][0]!;
  };
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`, received, subscribed };
}

const until = async (condition: () => boolean) => {
  for (const deadline = Date.now() + 5_000; !condition();) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};

describe('openSubscriber', () => {
  it('authenticates, subscribes, and hands over next messages as text or bytes, large ones too', async () => {
    const { url, received, subscribed } = await graphqlWsServer();
    const texts: string[] = [];
    const subscriber = openSubscriber({ url, token: 'secret', query: 'subscription { salesTicks { at } }', onNext: (message) => texts.push(message) });
    await subscriber.ready;
    const socket = await subscribed();
    expect(received).toEqual([
      { type: 'connection_init', payload: { authorization: 'Bearer secret' } },
      { id: '1', type: 'subscribe', payload: { query: 'subscription { salesTicks { at } }' } },
    ]);
    const messages = [1, 2, 3].map((n) => JSON.stringify({ id: '1', type: 'next', payload: { data: { n, pad: 'x'.repeat(n * 40_000) } } }));
    for (const message of messages) socket.send(message);
    await until(() => texts.length === 3);
    expect(texts).toEqual(messages);
    // A message the server sends in fragments arrives whole.
    socket.send('{"id":"1","type":"next",', { fin: false });
    socket.send('"payload":{}}', { fin: true });
    await until(() => texts.length === 4);
    expect(texts[3]).toBe('{"id":"1","type":"next","payload":{}}');
    await subscriber.close();

    const bytes: Buffer[] = [];
    const counting = openSubscriber({
      url,
      token: 'secret',
      query: '{ x }',
      onNext: () => undefined,
      onNextBytes: (message) => bytes.push(Buffer.from(message)),
    });
    await counting.ready;
    const second = [...servers[0]!.wss.clients].find((client) => client !== socket && client.readyState === client.OPEN)!;
    second.send('{"id":"1","type":"next","payload":{}}');
    await until(() => bytes.length === 1);
    expect(bytes[0]!.toString()).toBe('{"id":"1","type":"next","payload":{}}');
    await counting.close();
  });

  it('answers ping frames and graphql-ws pings', async () => {
    const { url, received, subscribed } = await graphqlWsServer();
    const subscriber = openSubscriber({ url, token: 't', query: '{ x }', onNext: () => undefined });
    await subscriber.ready;
    const socket = await subscribed();
    const pong = once(socket, 'pong') as Promise<[Buffer]>;
    socket.ping('are you there');
    expect((await pong)[0].toString()).toBe('are you there');
    socket.send('{"type":"ping"}');
    await until(() => received.some((message) => (message as { type: string }).type === 'pong'));
    await subscriber.close();
  });

  it('reports the server’s close code, and closes with 1000 through the handshake itself', async () => {
    const { url, subscribed } = await graphqlWsServer();
    const codes: number[] = [];
    const dropped = openSubscriber({ url, token: 't', query: '{ x }', onNext: () => undefined, onClose: (code) => codes.push(code) });
    await dropped.ready;
    (await subscribed()).close(1013, 'Client too slow');
    await until(() => codes.length === 1);
    expect(codes).toEqual([1013]);

    const leaving = openSubscriber({ url, token: 't', query: '{ x }', onNext: () => undefined, onClose: (code) => codes.push(code) });
    await leaving.ready;
    const socket = [...servers[0]!.wss.clients].find((client) => client.readyState === client.OPEN)!;
    const closed = once(socket, 'close') as Promise<[number]>;
    await leaving.close();
    expect((await closed)[0]).toBe(1000);
    expect(codes).toEqual([1013]);
  });

  it('fails ready when the server refuses the upgrade or closes before acknowledging', async () => {
    const { url } = await graphqlWsServer();
    await expect(openSubscriber({ url: url.replace(/:\d+\//, ':1/'), token: 't', query: '{ x }', onNext: () => undefined }).ready).rejects.toThrow();
    const server = createServer((_req, res) => res.writeHead(404).end());
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const refusing = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
    await expect(openSubscriber({ url: refusing, token: 't', query: '{ x }', onNext: () => undefined }).ready).rejects.toThrow(/404/);
    server.close();
    const silent = new WebSocketServer({ port: 0, host: '127.0.0.1', handleProtocols: () => 'graphql-transport-ws' });
    silent.on('connection', (socket) => socket.close(4403, 'Forbidden'));
    await once(silent, 'listening');
    const closing = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/graphql`;
    await expect(openSubscriber({ url: closing, token: 't', query: '{ x }', onNext: () => undefined }).ready).rejects.toThrow(/closed with 4403/);
    silent.close();
  });
});
