import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { buildASTSchema, parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { readManifests } from '@rtc/gateway/trusted-documents';
import { createPersistedQueryManifest } from '@rtc/service-kit';
import { runSmokeTest, smokeQuery } from '../src/smoke-test';
import { repositoryRoot, runCiScript } from './run-script';

/** A stand-in gateway that answers each request with the next scripted reply. */
function scriptedGateway(replies: { status: number; body: unknown }[]) {
  const received: { query?: string }[] = [];
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      received.push(JSON.parse(body) as { query?: string });
      const reply = replies.length > 1 ? replies.shift()! : replies[0]!;
      response.writeHead(reply.status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(reply.body));
    });
  });
  return {
    received,
    start: () =>
      new Promise<string>((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`))),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const products = {
  data: {
    products: { edges: [{ node: { id: '1', name: 'Mug', price: { amount: 1200, currency: 'EUR' }, inStock: true } }], pageInfo: { hasNextPage: false } },
  },
};
const fast = { attempts: 3, intervalMs: 10, timeoutMs: 2000 };

describe('the smoke test', () => {
  it('is a valid operation against the committed supergraph', () => {
    const supergraph = readFileSync(path.join(repositoryRoot, 'gateway', 'supergraph.graphql'), 'utf8');
    const schema = buildASTSchema(parse(supergraph), { assumeValidSDL: true });
    expect(validate(schema, parse(smokeQuery)).map((error) => error.message)).toEqual([]);
  });

  it('is registered as a trusted document, so a production gateway in safelist mode answers it', () => {
    // When this fails, run `npm run ci:register-operations -w @rtc/ci` and commit gateway/trusted-documents/ci-smoke.json.
    expect(readManifests().get('ci-smoke.json')).toEqual(createPersistedQueryManifest({ smokeQuery }));
  });

  it('passes when the gateway answers with products', async () => {
    const gateway = scriptedGateway([{ status: 200, body: products }]);
    const url = await gateway.start();
    try {
      expect(await runSmokeTest({ url, ...fast })).toEqual({ ok: true, attempts: 1, products: 1 });
      expect(gateway.received[0]?.query).toBe(smokeQuery);
    } finally {
      await gateway.stop();
    }
  });

  it('tries again while a fresh rollout still answers 502', async () => {
    const gateway = scriptedGateway([
      { status: 502, body: { message: 'bad gateway' } },
      { status: 200, body: products },
    ]);
    const url = await gateway.start();
    try {
      expect(await runSmokeTest({ url, ...fast })).toMatchObject({ ok: true, attempts: 2 });
    } finally {
      await gateway.stop();
    }
  });

  it('fails on GraphQL errors even with HTTP 200', async () => {
    const gateway = scriptedGateway([
      { status: 200, body: { data: null, errors: [{ message: 'catalog is down', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] } },
    ]);
    const url = await gateway.start();
    try {
      const result = await runSmokeTest({ url, ...fast });
      expect(result).toEqual({ ok: false, attempts: 3, problem: 'GraphQL errors: INTERNAL_SERVER_ERROR catalog is down' });
    } finally {
      await gateway.stop();
    }
  });

  it('exits non-zero from ci:smoke when nothing answers, and zero when the gateway does', async () => {
    const down = await runCiScript('smoke', ['--url', 'http://127.0.0.1:9/graphql', '--attempts', '2', '--interval', '0']);
    expect(down.code).not.toBe(0);
    expect(down.stderr).toContain('smoke test failed after 2 attempts');
    const gateway = scriptedGateway([{ status: 200, body: products }]);
    const url = await gateway.start();
    try {
      const up = await runCiScript('smoke', ['--url', url]);
      expect(up.code, up.stderr).toBe(0);
      expect(up.stdout).toContain('smoke test passed on attempt 1');
    } finally {
      await gateway.stop();
    }
  });
});
