import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGraphQLLoad } from './graphql-load';
import { Http1Connection } from './http1-connection';

let server: Server;
let port: number;
const big = 'x'.repeat(200_000);

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const sent = Buffer.concat(chunks).toString();
      if (req.url === '/length') {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(sent) });
        res.end(sent);
      } else if (req.url === '/chunked') {
        res.writeHead(201, { 'content-type': 'application/json' });
        res.write('{"data":');
        res.write(`{"big":"${big}"}`);
        res.end('}');
      } else if (req.url === '/close') {
        res.writeHead(200, { connection: 'close', 'content-length': 2 });
        res.end('{}');
      } else {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': 45 });
        res.end(`{"errors":[{"message":"no","extensions":{}}]}`);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const post = (path: string, body: string) =>
  Buffer.from(`POST ${path} HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);

describe('an HTTP/1.1 load connection', () => {
  it('reads responses framed by Content-Length, one after another on the same connection', async () => {
    const connection = new Http1Connection('127.0.0.1', port);
    for (const text of ['{"a":1}', '{"b":2}']) {
      const response = await connection.send(post('/length', text));
      expect(response.statusCode).toBe(200);
      expect(response.body.toString()).toBe(text);
    }
    expect(connection.usable).toBe(true);
    connection.close();
  });

  it('reads a chunked response that arrives in many packets', async () => {
    const connection = new Http1Connection('127.0.0.1', port);
    const response = await connection.send(post('/chunked', '{}'));
    expect(response.statusCode).toBe(201);
    expect(JSON.parse(response.body.toString())).toEqual({ data: { big } });
    connection.close();
  });

  it('ends when the server answers with Connection: close', async () => {
    const connection = new Http1Connection('127.0.0.1', port);
    expect((await connection.send(post('/close', '{}'))).body.toString()).toBe('{}');
    expect(connection.usable).toBe(false);
    await expect(connection.send(post('/length', '{}'))).rejects.toThrow();
  });
});

describe('the GraphQL load client', () => {
  it('opens another connection when the server closed one, and reports GraphQL errors', async () => {
    const load = createGraphQLLoad(`http://127.0.0.1:${port}/close`, { connections: 1 });
    await expect(load.send('{ a }')).rejects.toThrow('HTTP_200');
    await expect(load.send('{ a }')).rejects.toThrow('HTTP_200');
    const failing = createGraphQLLoad(`http://127.0.0.1:${port}/graphql`, { connections: 2 });
    await expect(Promise.all([failing.send('{ a }'), failing.send('{ b }')])).rejects.toThrow('no');
    const working = createGraphQLLoad(`http://127.0.0.1:${port}/chunked`, { connections: 2 });
    await Promise.all([working.send('{ a }'), working.send('{ a }'), working.send('{ a }')]);
    await Promise.all([load.close(), failing.close(), working.close()]);
  });
});
