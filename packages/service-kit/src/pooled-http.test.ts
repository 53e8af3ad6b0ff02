import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPooledFetch } from './pooled-http';

const server = createServer((req, res) => {
  let body = '';
  req.on('data', (chunk: Buffer) => (body += chunk.toString()));
  req.on('end', () => {
    const status = req.url === '/missing' ? 404 : 200;
    res.writeHead(status, { 'content-type': 'application/json', 'x-echo': req.headers['x-token'] ?? '' });
    res.end(JSON.stringify({ method: req.method, path: req.url, body, port: req.socket.remotePort }));
  });
});
let origin: string;
const pooledFetch = createPooledFetch({ connections: 1 });

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await pooledFetch.close();
  await new Promise((resolve) => server.close(resolve));
});

describe('the pooled fetch', () => {
  it('sends method, headers and body, and answers like fetch', async () => {
    const response = await pooledFetch(`${origin}/graphql?x=1`, { method: 'POST', headers: { 'x-token': 'abc' }, body: '{"query":"{a}"}' });
    expect(response.ok).toBe(true);
    expect(response.headers.get('Content-Type')).toBe('application/json');
    expect(response.headers.get('x-echo')).toBe('abc');
    expect(await response.json()).toMatchObject({ method: 'POST', path: '/graphql?x=1', body: '{"query":"{a}"}' });
  });

  it('reports an error status without throwing', async () => {
    const response = await pooledFetch(`${origin}/missing`);
    expect([response.ok, response.status, response.statusText]).toEqual([false, 404, 'Not Found']);
  });

  it('reuses its keep-alive connection', async () => {
    const ports = new Set<number>();
    for (let i = 0; i < 5; i++) ports.add(((await (await pooledFetch(`${origin}/`)).json()) as { port: number }).port);
    expect(ports.size).toBe(1);
  });
});
