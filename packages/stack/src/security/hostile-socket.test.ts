import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectLive, openRawLiveSocket, queryRows, sendHttp, testJwtSecret, type LiveClient, type RawLiveSocket } from '@rtc/testkit';
import { startTestStack, type TestStack } from '../testing';
import { bodyOf } from './answers';
import { createCast, disableAccount, type Cast } from './cast';
import { accessClaims, resignedToken, signHs256, tamperedToken, unsignedToken } from './forged-tokens';
import { countRows, rowCountChanges, type RowCounts } from './store-snapshot';

/** The close code, or -1 when the socket is still open after `ms`. */
const closedWithin = (client: LiveClient, ms: number) => Promise.race([client.closed(), new Promise<number>((resolve) => setTimeout(() => resolve(-1), ms))]);

let stack: TestStack;
let cast: Cast;
let sent = 0;
const clients: LiveClient[] = [];
const rawSockets: RawLiveSocket[] = [];

const connect = (token?: string): LiveClient => {
  sent++;
  const client = connectLive(stack.graphqlUrl, token ? { authorization: `Bearer ${token}` } : undefined);
  clients.push(client);
  return client;
};

const openRaw = async (): Promise<RawLiveSocket> => {
  sent++;
  const socket = await openRawLiveSocket(stack.graphqlUrl);
  rawSockets.push(socket);
  return socket;
};

/** A raw socket past connection_init, acknowledged. */
const openAcknowledged = async (token: string): Promise<RawLiveSocket> => {
  const socket = await openRaw();
  socket.send({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } });
  expect(await socket.nextMessage(5_000)).toEqual({ type: 'connection_ack' });
  return socket;
};

/** The codes of what a subscription failed with: each error's `extensions.code`, or `close <code>` when the socket closed. */
function failureCodes(failure: unknown): string[] {
  if (Array.isArray(failure))
    return failure.map((error: { extensions?: { code?: unknown } }) => (typeof error.extensions?.code === 'string' ? error.extensions.code : 'NO_CODE'));
  const code = (failure as { code?: unknown } | null)?.code;
  return [typeof code === 'number' ? `close ${code}` : `unexpected ${String(failure)}`];
}

interface SocketCase {
  readonly name: string;
  run(): Promise<void>;
}

function socketCases(cases: readonly SocketCase[]): void {
  for (const { name, run } of cases) {
    it(name, run);
  }
}

/** After every group: a plain query over HTTP still answers at once, and no table changed. */
function afterGroup(group: string): void {
  let before: RowCounts;
  beforeAll(async () => {
    before = await countRows(stack);
  });
  it(`answers a normal request promptly after ${group}`, async () => {
    const started = performance.now();
    const response = await sendHttp(
      stack.graphqlUrl,
      { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ categories { id } }' }) },
      5_000,
    );
    expect(bodyOf(response)?.errors).toBeUndefined();
    expect(performance.now() - started).toBeLessThan(2_000);
  });
  it(`changes no table after ${group}`, async () => {
    expect(rowCountChanges(before, await countRows(stack))).toEqual({});
  });
}

beforeAll(async () => {
  stack = await startTestStack();
  cast = await createCast(stack);
});

afterAll(async () => {
  rawSockets.forEach((socket) => socket.close());
  await Promise.all(clients.map((client) => client.dispose()));
  await stack?.stop();
});

const statsSubscription = 'subscription { salesStats(windowSeconds: 60) { orders at } }';

describe('subscribing without the right', () => {
  const refusals: [string, () => string | undefined, string, Record<string, unknown>, readonly string[]][] = [
    ['without a token to sales ticks', () => undefined, 'subscription { salesTicks { at } }', {}, ['UNAUTHENTICATED']],
    ['without a token to an order', () => undefined, 'subscription($id: ID!) { orderStatus(orderId: $id) { status } }', {}, ['UNAUTHENTICATED']],
    ['a customer to sales ticks', () => cast.customer.token, 'subscription { salesTicks { at } }', {}, ['FORBIDDEN']],
    ['a customer to sales statistics', () => cast.customer.token, statsSubscription, {}, ['FORBIDDEN']],
    ['a customer to inventory alerts', () => cast.customer.token, 'subscription { inventoryAlerts { kind } }', {}, ['FORBIDDEN']],
    [
      "another customer to a customer's order",
      () => cast.otherCustomer.token,
      'subscription($id: ID!) { orderStatus(orderId: $id) { status } }',
      {},
      ['FORBIDDEN'],
    ],
    ['a query sent as a subscription', () => cast.analyst.token, '{ categories { id } }', {}, ['BAD_USER_INPUT']],
    ['an unknown field', () => cast.analyst.token, 'subscription { nope }', {}, ['GRAPHQL_VALIDATION_FAILED']],
    ['a syntax error', () => cast.analyst.token, 'subscription { salesTicks { at ', {}, ['GRAPHQL_PARSE_FAILED']],
    ['a window out of range', () => cast.analyst.token, 'subscription { salesStats(windowSeconds: 5) { orders } }', {}, ['BAD_USER_INPUT']],
    // salesTicks, order, lines, product, then four fields per hop back to a product, then category, products, edges, cursor.
    [
      'a depth-20 selection',
      () => cast.analyst.token,
      `subscription { salesTicks { order { lines { product { ${'category { products(first: 1) { edges { node { '.repeat(3)}category { products(first: 1) { edges { cursor } } }${' } } } }'.repeat(3)} } } } } }`,
      {},
      ['QUERY_TOO_COMPLEX'],
    ],
    [
      'a 2^20 fragment bomb',
      () => cast.analyst.token,
      `subscription Bomb { salesTicks { ...F20 } } fragment F0 on SalesTick { at } ${Array.from({ length: 20 }, (_, k) => `fragment F${k + 1} on SalesTick { ...F${k} ...F${k} }`).join(' ')}`,
      {},
      ['QUERY_TOO_COMPLEX'],
    ],
  ];
  socketCases(
    refusals.map(([who, token, query, variables, codes]) => ({
      name: `refuses ${who} with ${codes.join(' or ')}`,
      run: async () => {
        const started = performance.now();
        const subscription = connect(token()).subscribe(query, { id: cast.orderId, ...variables });
        const failure = await subscription.failure(5_000);
        const seen = failureCodes(failure);
        expect(seen.length).toBeGreaterThan(0);
        expect(seen.filter((code) => !codes.includes(code))).toEqual([]);
        expect(performance.now() - started).toBeLessThan(3_000);
      },
    })),
  );
  afterGroup('refused subscriptions');
});

describe('forged, expired and revoked tokens on the socket', () => {
  const refusedAtConnect = [4401, 4403];
  const tokens: [string, () => string | Promise<string>][] = [
    ['signed with another secret', () => signHs256(accessClaims(cast.admin.id, 'ADMIN'), 'not-the-secret-0123456789-abcdefghijkl')],
    ['with alg none', () => unsignedToken(accessClaims(cast.admin.id, 'ADMIN'))],
    ['of a customer whose role was edited to ANALYST', () => tamperedToken(cast.customer.token, (claims) => ({ ...claims, role: 'ANALYST' }))],
    ['expired an hour ago', () => resignedToken(cast.analyst.token, testJwtSecret, (claims) => ({ ...claims, exp: Math.floor(Date.now() / 1000) - 3_600 }))],
    ['that is not a JWT', () => 'not-a-jwt'],
  ];
  socketCases(
    tokens.map(([what, token]) => ({
      name: `closes a socket whose token is ${what} with 4401 or 4403`,
      run: async () => {
        const client = connect(await token());
        expect(refusedAtConnect).toContain(await closedWithin(client, 5_000));
      },
    })),
  );
  socketCases([
    {
      name: 'closes a socket whose token is not a string with 4400 or 4403',
      run: async () => {
        const socket = await openRaw();
        socket.send({ type: 'connection_init', payload: { authorization: 42 } });
        expect([4400, 4401, 4403]).toContain(await socket.closedWithin(5_000));
      },
    },
    {
      name: 'closes a socket whose user was deleted with 4403',
      run: async () => {
        const doomed = await stack.createUser('ANALYST', 'Deleted Analyst');
        await queryRows(stack.databaseUrl('users'), 'DELETE FROM users WHERE id = ?', [doomed.id]);
        expect(await closedWithin(connect(doomed.token), 5_000)).toBe(4403);
      },
    },
    {
      name: 'closes a subscribed socket with 4401 once its token expires',
      run: async () => {
        // Long enough to connect and see a tick on a loaded machine, short enough to expire while subscribed.
        const inThreeSeconds = Math.floor(Date.now() / 1000) + 3;
        const shortLived = resignedToken(cast.analyst.token, testJwtSecret, (claims) => ({ ...claims, exp: inThreeSeconds }));
        const client = connect(shortLived);
        const stats = client.subscribe(statsSubscription);
        await stats.next(5_000);
        expect(await closedWithin(client, 8_000)).toBe(4401);
      },
    },
    {
      name: 'closes a subscribed socket with 4403 when an admin disables the account',
      run: async () => {
        const client = connect(analyst.token);
        const stats = client.subscribe(statsSubscription);
        await stats.next(5_000);
        await disableAccount(stack, cast.admin.token, analyst.id);
        expect(await closedWithin(client, 5_000)).toBe(4403);
      },
    },
  ]);
  let analyst: { id: string; token: string };
  beforeAll(async () => {
    analyst = await stack.createUser('ANALYST', 'Soon Disabled');
  });
  afterGroup('forged socket tokens');
});

describe('malformed and oversized messages', () => {
  const beforeInit: [string, string | Buffer | Record<string, unknown>, readonly number[]][] = [
    ['text that is not JSON', 'not json at all', [4400]],
    ['binary garbage', Buffer.from([0xff, 0x00, 0xfe, 0x01]), [4400]],
    ['a JSON array', '[1,2,3]', [4400]],
    ['a message without a type', { payload: {} }, [4400]],
    ['a message of an unknown type', { type: 'give_me_everything' }, [4400]],
    ['a subscribe before connection_init', { type: 'subscribe', id: '1', payload: { query: statsSubscription } }, [4401]],
    ['a connection_init whose payload is a string', { type: 'connection_init', payload: 'token' }, [4400]],
    ['a next message from the client', { type: 'next', id: '1', payload: {} }, [4400]],
  ];
  socketCases(
    beforeInit.map(([what, frame, codes]) => ({
      name: `closes the socket on ${what} with ${codes.join(' or ')}`,
      run: async () => {
        const socket = await openRaw();
        socket.send(frame);
        expect(codes).toContain(await socket.closedWithin(5_000));
      },
    })),
  );
  const afterInit: [string, Record<string, unknown> | string, readonly number[]][] = [
    ['a subscribe without an id', { type: 'subscribe', payload: { query: statsSubscription } }, [4400]],
    ['a subscribe whose payload is a number', { type: 'subscribe', id: 'x', payload: 7 }, [4400]],
    ['a subscribe without a query', { type: 'subscribe', id: 'x', payload: {} }, [4400]],
    ['a second connection_init', { type: 'connection_init', payload: {} }, [4429]],
  ];
  socketCases(
    afterInit.map(([what, frame, codes]) => ({
      name: `closes an acknowledged socket on ${what} with ${codes.join(' or ')}`,
      run: async () => {
        const socket = await openAcknowledged(cast.analyst.token);
        socket.send(frame);
        expect(codes).toContain(await socket.closedWithin(5_000));
      },
    })),
  );
  socketCases([
    {
      name: 'closes the socket on two subscriptions with one id with 4409',
      run: async () => {
        const socket = await openAcknowledged(cast.analyst.token);
        socket.send({ type: 'subscribe', id: 'same', payload: { query: statsSubscription } });
        socket.send({ type: 'subscribe', id: 'same', payload: { query: statsSubscription } });
        expect(await socket.closedWithin(5_000)).toBe(4409);
      },
    },
    {
      name: 'closes the socket on a 100 KB message with 1009',
      run: async () => {
        const socket = await openAcknowledged(cast.analyst.token);
        socket.send({ type: 'subscribe', id: 'big', payload: { query: `subscription { salesStats { orders } } # ${'x'.repeat(100 * 1024)}` } });
        expect(await socket.closedWithin(5_000)).toBe(1009);
      },
    },
    {
      name: 'closes the socket on a flood of 100 connection_init messages with 4429',
      run: async () => {
        const socket = await openRaw();
        sent += 99;
        for (let n = 0; n < 100; n++) socket.send({ type: 'connection_init', payload: { authorization: `Bearer ${cast.analyst.token}` } });
        expect(await socket.closedWithin(5_000)).toBe(4429);
      },
    },
  ]);
  afterGroup('malformed messages');
});

describe('floods of sockets and subscriptions', () => {
  socketCases([
    {
      name: 'runs 100 of 500 subscriptions on one socket and refuses the rest with TOO_MANY_SUBSCRIPTIONS',
      run: async () => {
        const client = connect(cast.analyst.token);
        sent += 499;
        const subscriptions = Array.from({ length: 500 }, () => client.subscribe<{ salesStats: { orders: number } }>(statsSubscription));
        const outcomes = await Promise.all(
          subscriptions.map((subscription) =>
            Promise.race([
              subscription.next(15_000).then((result) => (result.data?.salesStats ? 'result' : 'empty')),
              subscription.failure(15_000).then((failure) => failureCodes(failure).join(',')),
            ]),
          ),
        );
        // The gateway runs at most MAX_SUBSCRIPTIONS_PER_SOCKET (100) at once on a socket and refuses the rest with a code.
        expect(outcomes.filter((outcome) => outcome === 'result')).toHaveLength(100);
        expect(new Set(outcomes.filter((outcome) => outcome !== 'result'))).toEqual(new Set(['TOO_MANY_SUBSCRIPTIONS']));
        subscriptions.forEach((subscription) => subscription.stop());
      },
    },
    {
      name: 'acknowledges 100 sockets opened at once and closes them cleanly',
      run: async () => {
        const sockets = await Promise.all(Array.from({ length: 100 }, () => openAcknowledged(cast.analyst.token)));
        sockets.forEach((socket) => socket.close());
      },
    },
  ]);
  afterGroup('socket floods');
});

describe('the socket battery as a whole', () => {
  it('sent at least 150 hostile messages and sockets', () => {
    expect(sent).toBeGreaterThanOrEqual(150);
  });
});
