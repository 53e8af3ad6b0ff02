import { randomBytes } from 'node:crypto';
import { Agent, request, type IncomingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ApiRateLimitsConfig } from '@rtc/gateway';
import { createRateLimitStore } from '@rtc/service-kit';
import { errorCodes, payloadErrorCodes, postGraphQL, type GraphQLResult } from '@rtc/testkit';
import { defaultAttemptLimits } from '@rtc/users';
import { developmentApiRateLimits } from './development-limits';
import { startTestStack, type TestStack } from './testing';

const redisUrl = 'redis://127.0.0.1:6379';
const signUpMutation = `mutation SignUp($input: SignUpInput!) { signUp(input: $input) { user { id } errors { code } } }`;
const logInMutation = `mutation LogIn($email: String!, $password: String!) { logIn(input: { email: $email, password: $password }) { token errors { code } } }`;
const password = 'the right password';

// Low enough to reach in a test; apart from these, each test waits for a fresh one-second window.
const tightApiLimits: ApiRateLimitsConfig = {
  perAddress: { perSecond: 8, burst: 0 },
  perUser: { perSecond: 3, burst: 0 },
  newSocketsPerAddressPerSecond: 3,
  openSocketsPerAddress: 4,
};

const nextWindow = () => new Promise((resolve) => setTimeout(resolve, 1_200));

interface RawResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: { errors?: { extensions?: { code?: string } }[] };
  readonly reusedSocket: boolean;
}

/** One POST on `agent`, saying whether it travelled on a connection an earlier request had used. */
function post(url: string, agent: Agent, query: string, headers: Record<string, string> = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: JSON.parse(Buffer.concat(chunks).toString()), reusedSocket: req.reusedSocket }),
      );
    });
    req.on('error', reject);
    req.end(JSON.stringify({ query }));
  });
}

/** Asks for a graphql-ws upgrade: the open socket when accepted, the HTTP answer when refused. */
function upgrade(url: string): Promise<{ accepted: Socket } | { refused: { status: number; retryAfter: string | undefined } }> {
  return new Promise((resolve, reject) => {
    const req = request(url, {
      headers: {
        connection: 'Upgrade',
        upgrade: 'websocket',
        'sec-websocket-version': '13',
        'sec-websocket-key': randomBytes(16).toString('base64'),
        'sec-websocket-protocol': 'graphql-transport-ws',
      },
    });
    req.on('upgrade', (_res, socket) => resolve({ accepted: socket }));
    req.on('response', (res) => {
      res.resume();
      resolve({ refused: { status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'] } });
    });
    req.on('error', reject);
    req.end();
  });
}

function expectRateLimited(result: GraphQLResult<unknown>) {
  expect(result.status).toBe(429);
  expect(errorCodes(result)).toEqual(['RATE_LIMITED']);
  expect(Number(result.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
}

describe('log-in limits through the gateway', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack({ rateLimits: { api: developmentApiRateLimits, attempts: defaultAttemptLimits } });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  const signUp = (email: string) => postGraphQL(stack.graphqlUrl, signUpMutation, { input: { email, password, name: 'Limits' } });
  const logIn = (email: string, pass: string) => postGraphQL<{ logIn: { token: string } }>(stack.graphqlUrl, logInMutation, { email, password: pass });

  it('lets a customer sign up and log in once, the normal way', async () => {
    const email = `${randomBytes(6).toString('hex')}@limits.example`;
    expect((await signUp(email)).status).toBe(200);
    const result = await logIn(email, password);
    expect(result.status).toBe(200);
    expect(result.data?.logIn.token).toEqual(expect.any(String));
  });

  it('passes the client address to the users subgraph, which counts failures per address', async () => {
    const { points } = defaultAttemptLimits.logInFailuresPerAddress;
    const results = [];
    for (let i = 0; i <= points; i++) results.push(await logIn(`${randomBytes(6).toString('hex')}@nobody.example`, 'wrong password!!'));
    expect(results.slice(0, points - 1).every((result) => result.errors === undefined && payloadErrorCodes(result)[0] === 'UNAUTHENTICATED')).toBe(true);
    expectRateLimited(results.at(-1)!);
  });
  // Runs last: by now the address is over its failure limit too, as an attacker's would be.
  it('answers 60 wrong passwords then the right one with 429 RATE_LIMITED and Retry-After', async () => {
    const email = `${randomBytes(6).toString('hex')}@limits.example`;
    expect((await signUp(email)).errors).toBeUndefined();
    for (let i = 0; i < 60; i++) await logIn(email, `wrong password ${i}`);
    const right = await logIn(email, password);
    expectRateLimited(right);
    expect(right.data?.logIn).toBeFalsy();
  });
});

describe.each([
  ['memory', undefined],
  ['redis', redisUrl],
] as const)('API limits at the gateway, counted in %s', (_mode, stackRedisUrl) => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack({ ...(stackRedisUrl ? { redisUrl: stackRedisUrl } : {}), rateLimits: { api: tightApiLimits } });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  beforeEach(nextWindow);

  it('answers requests past the address limit with 429 and Retry-After, and the connection still serves the next one', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const answers: RawResponse[] = [];
      for (let i = 0; i < 12; i++) answers.push(await post(stack.graphqlUrl, agent, '{ __typename }'));
      const refused = answers.filter((answer) => answer.status === 429);
      expect(refused.length).toBeGreaterThanOrEqual(4);
      for (const answer of refused) {
        expect(Number(answer.headers['retry-after'])).toBeGreaterThanOrEqual(1);
        expect(answer.body.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
      }
      await nextWindow();
      const after = await post(stack.graphqlUrl, agent, '{ __typename }');
      expect(after.status).toBe(200);
      expect(after.reusedSocket).toBe(true);
    } finally {
      agent.destroy();
    }
  });

  it('answers requests past one user limit with 429, whichever the address', async () => {
    const user = await stack.createUser('CUSTOMER');
    const other = await stack.createUser('CUSTOMER');
    const answers = await Promise.all(Array.from({ length: 5 }, () => postGraphQL(stack.graphqlUrl, '{ __typename }', {}, { token: user.token })));
    expect(answers.filter((answer) => answer.status === 200)).toHaveLength(3);
    for (const answer of answers.filter((answer) => answer.status !== 200)) expectRateLimited(answer);
    expect((await postGraphQL(stack.graphqlUrl, '{ __typename }', {}, { token: other.token })).status).toBe(200);
  });

  it('refuses a flood of new sockets from one address, and more open sockets than allowed', async () => {
    const opened: Socket[] = [];
    try {
      const flood = await Promise.all(Array.from({ length: 6 }, () => upgrade(stack.graphqlUrl)));
      for (const outcome of flood) if ('accepted' in outcome) opened.push(outcome.accepted);
      expect(opened).toHaveLength(3);
      for (const outcome of flood) if ('refused' in outcome) expect(outcome.refused).toEqual({ status: 429, retryAfter: expect.stringMatching(/^\d+$/) });

      await nextWindow();
      const more = await Promise.all([upgrade(stack.graphqlUrl), upgrade(stack.graphqlUrl)]);
      for (const outcome of more) if ('accepted' in outcome) opened.push(outcome.accepted);
      expect(opened).toHaveLength(4);

      // The gateway sees the close within the next window.
      opened.pop()!.destroy();
      await nextWindow();
      const again = await upgrade(stack.graphqlUrl);
      expect('accepted' in again).toBe(true);
      if ('accepted' in again) opened.push(again.accepted);
    } finally {
      for (const socket of opened) socket.destroy();
    }
  });

  it(stackRedisUrl ? 'keeps its counters in Redis under the stack own prefix' : 'keeps its counters out of Redis', async () => {
    await postGraphQL(stack.graphqlUrl, '{ __typename }');
    const store = createRateLimitStore({ redisUrl: redisUrl });
    try {
      await new Promise((resolve) => store.redis!.once('ready', resolve));
      const keys = await store.redis!.keys(`${stack.redisPrefix}:rate:gateway:api-address*`);
      if (stackRedisUrl) expect(keys.length).toBeGreaterThan(0);
      else expect(keys).toEqual([]);
    } finally {
      await store.close();
    }
  });
});
