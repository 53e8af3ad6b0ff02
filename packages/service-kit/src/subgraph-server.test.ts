import { request as httpRequest, Agent, type IncomingHttpHeaders } from 'node:http';
import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInProcessBus } from './bus';
import { InternalHeader } from './caller';
import { serviceUnavailableMessage } from './errors';
import { createLogger } from './logger';
import { createServiceMetrics } from './metrics';
import { createMysqlPool, type Pool } from './mysql';
import { createSubgraphServer, type BaseContext, type SubgraphServer } from './subgraph-server';

const internalToken = 'subgraph-server-test-token-0123456789';

const typeDefs = parse(/* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
  type Query {
    "Reads the database, which is not there."
    productCount: Int!
    hello: String!
  }
`);

interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** One request on `agent`, so consecutive calls share its keep-alive socket; an array body is sent chunked. */
function send(url: string, agent: Agent, body: string | Buffer | Buffer[], headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      { method: 'POST', agent, headers: { 'content-type': 'application/json', [InternalHeader.Token]: internalToken, ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.setTimeout(5_000, () => req.destroy(new Error('no answer within 5 s')));
    req.on('error', reject);
    if (!Array.isArray(body)) {
      req.end(body);
      return;
    }
    for (const part of body) req.write(part);
    req.end();
  });
}

async function startSubgraph(production: boolean): Promise<{ server: SubgraphServer<BaseContext>; url: string; pool: Pool }> {
  const metrics = createServiceMetrics('test', { defaults: false });
  // Nothing listens on port 9: every query fails with the driver's ECONNREFUSED.
  const pool = createMysqlPool({ url: 'mysql://root@127.0.0.1:9/nothing', metrics, connectionLimit: 1 });
  const server = await createSubgraphServer<BaseContext>({
    name: 'test',
    typeDefs,
    resolvers: {
      Query: {
        productCount: async () => {
          await pool.query('SELECT COUNT(*) FROM products');
          return 0;
        },
        hello: () => 'hello',
      },
    },
    config: { internalToken, production },
    deps: { pool, bus: createInProcessBus(), logger: createLogger({ service: 'test', level: 'silent' }), metrics },
    createContext: (base) => {
      // A dependency of the context that fails, as a rate limiter's Redis would.
      if (base.caller?.userId === '666') throw new Error('connect ECONNREFUSED 10.0.0.9:6379');
      return base;
    },
  });
  const url = `${await server.http.listen(0, '127.0.0.1')}/graphql`;
  return { server, url, pool };
}

describe('a subgraph server', () => {
  let subgraph: Awaited<ReturnType<typeof startSubgraph>>;
  let agent: Agent;
  beforeAll(async () => {
    subgraph = await startSubgraph(true);
    agent = new Agent({ keepAlive: true, maxSockets: 1 });
  });
  afterAll(async () => {
    agent.destroy();
    await subgraph.server.http.close();
    await subgraph.server.apollo.stop();
    await subgraph.pool.end();
  });

  it('answers the next request after refusing a body over the limit on the same connection', async () => {
    const huge = Buffer.alloc(3_000_000, 'a');
    const refused = await send(subgraph.url, agent, huge);
    expect(refused.status).toBe(413);
    expect(JSON.parse(refused.body).errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');
    const next = await send(subgraph.url, agent, JSON.stringify({ query: '{ hello }' }));
    expect(next.status).toBe(200);
    expect(JSON.parse(next.body)).toEqual({ data: { hello: 'hello' } });
  });

  it('closes the connection after refusing a body too large to drain, and the next request answers on a new one', async () => {
    const refused = await send(subgraph.url, agent, Buffer.alloc(20_000_000, 'a')).catch((error: NodeJS.ErrnoException) => error);
    // Either the client read the 413 before the socket closed, or it saw the close while still sending: both are clean.
    if ('status' in refused) {
      expect(refused.status).toBe(413);
      expect(refused.headers.connection).toBe('close');
    } else expect(['ECONNRESET', 'EPIPE']).toContain(refused.code);
    const next = await send(subgraph.url, agent, JSON.stringify({ query: '{ hello }' }));
    expect(next.status).toBe(200);
  });

  it('answers the next request after refusing a chunked body that outgrows the limit on the same connection', async () => {
    const refused = await send(
      subgraph.url,
      agent,
      Array.from({ length: 30 }, () => Buffer.alloc(100_000, 'a')),
    );
    expect(refused.status).toBe(413);
    const next = await send(subgraph.url, agent, JSON.stringify({ query: '{ hello }' }));
    expect(next.status).toBe(200);
  });

  it('answers the next request after refusing a caller without the internal token on the same connection', async () => {
    const refused = await send(subgraph.url, agent, Buffer.alloc(500_000, 'a'), { [InternalHeader.Token]: 'wrong' });
    expect(refused.status).toBe(401);
    const next = await send(subgraph.url, agent, JSON.stringify({ query: '{ hello }' }));
    expect(next.status).toBe(200);
  });

  it('answers malformed JSON with 400 BAD_REQUEST', async () => {
    const answer = await send(subgraph.url, agent, '{"query":');
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body).errors[0].extensions.code).toBe('BAD_REQUEST');
  });

  it('answers an operationName naming no operation with 400', async () => {
    const answer = await send(subgraph.url, agent, JSON.stringify({ query: 'query A { hello }', operationName: 'B' }));
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body).errors[0].extensions.code).toBe('OPERATION_RESOLUTION_FAILURE');
  });

  it('hides an unreachable database behind SERVICE_UNAVAILABLE with the request id in production', async () => {
    const answer = await send(subgraph.url, agent, JSON.stringify({ query: '{ productCount }' }), { [InternalHeader.RequestId]: 'req-42' });
    const [error] = JSON.parse(answer.body).errors;
    expect(error).toEqual({
      message: serviceUnavailableMessage,
      locations: expect.any(Array),
      path: ['productCount'],
      extensions: { code: 'SERVICE_UNAVAILABLE', retryAfterSeconds: 1, requestId: 'req-42' },
    });
    expect(answer.body).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|SELECT|stacktrace/);
  });

  it('hides a failure to build the request context in production', async () => {
    const answer = await send(subgraph.url, agent, JSON.stringify({ query: '{ hello }' }), {
      [InternalHeader.UserId]: '666',
      [InternalHeader.UserRole]: 'CUSTOMER',
    });
    expect(answer.status).toBe(500);
    expect(JSON.parse(answer.body).errors).toEqual([{ message: 'Internal error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }]);
    expect(answer.headers['x-request-id']).toBeTruthy();
  });

  it('gives no field suggestions in production', async () => {
    const answer = await send(subgraph.url, agent, JSON.stringify({ query: '{ helo }' }));
    expect(answer.status).toBe(400);
    const [error] = JSON.parse(answer.body).errors;
    expect(error.message).toBe('Cannot query field "helo" on type "Query".');
    expect(answer.body).not.toContain('Did you mean');
  });
});
