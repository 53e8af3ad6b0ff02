import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openKeepAlive, queryRows, requestHead, sendHttp, testJwtSecret, type RawRequest, type RawResponse } from '@rtc/testkit';
import { defaultAttemptLimits } from '@rtc/users';
import { developmentAttemptLimits } from '../development-limits';
import { startTestStack, type TestStack } from '../testing';
import { bodyOf, codesOf, refusalProblem, type RefusalExpectation } from './answers';
import { createCast, type Cast } from './cast';
import { accessClaims, resignedToken, signHs256, tamperedToken, unsignedToken } from './forged-tokens';
import { countRows, rowCountChanges, type RowCounts } from './store-snapshot';

let stack: TestStack;
let cast: Cast;
let sent = 0;

const post = (body: string | Buffer, headers: Record<string, string> = { 'content-type': 'application/json' }, method = 'POST'): Promise<RawResponse> => {
  sent++;
  return sendHttp(stack.graphqlUrl, { method, headers, body }, 10_000);
};

const gql = (query: string, variables: Record<string, unknown> = {}, token?: string, extra: Record<string, unknown> = {}): Promise<RawResponse> =>
  post(JSON.stringify({ query, variables, ...extra }), { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) });

const expectRefused = (response: RawResponse, expectation: RefusalExpectation) => expect(refusalProblem(response, expectation)).toBeNull();

const Parse = 'GRAPHQL_PARSE_FAILED';
const Validation = 'GRAPHQL_VALIDATION_FAILED';
const BadRequest = 'BAD_REQUEST';
const BadInput = 'BAD_USER_INPUT';
const TooComplex = 'QUERY_TOO_COMPLEX';

interface HostileCase {
  readonly name: string;
  run(): Promise<void>;
}

function hostileCases(cases: readonly HostileCase[]): void {
  for (const { name, run } of cases) {
    it(name, run);
  }
}

/** After every group: a plain query still answers at once, and no table changed beyond what the group may change. */
function afterGroup(group: string, allowedChanges: Record<string, number> = {}, { minuteRollupsMayGrow = false } = {}): void {
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
    expect(response.status).toBe(200);
    expect(bodyOf(response)?.errors).toBeUndefined();
    expect(performance.now() - started).toBeLessThan(2_000);
  });
  it(`changes no table it should not after ${group}`, async () => {
    const changesNow = async () => {
      const changes = rowCountChanges(before, await countRows(stack));
      // Per-minute rollups gain a row only when the minute had no sale yet.
      if (minuteRollupsMayGrow) for (const table of Object.keys(changes)) if (table.endsWith('_by_minute') && changes[table] === 1) delete changes[table];
      return changes;
    };
    // Activity's order facts follow the event log, so they may land a moment after the order.
    await expect.poll(changesNow, { timeout: 5_000, interval: 100 }).toEqual(allowedChanges);
  });
}

beforeAll(async () => {
  // Failed log-ins per address are limited as in production, so the floods below meet that limit; the rest as in development.
  stack = await startTestStack({
    rateLimits: { attempts: { ...developmentAttemptLimits, logInFailuresPerAddress: defaultAttemptLimits.logInFailuresPerAddress } },
  });
  cast = await createCast(stack);
});

afterAll(async () => {
  await stack?.stop();
});

const categoriesQuery = JSON.stringify({ query: '{ categories { id } }' });

describe('malformed JSON and wrong content types', () => {
  // The status is the contract's; `any` where a GraphQL error with its code is the whole answer.
  const malformed: [string, string | Buffer, readonly string[], (number | 'any')?][] = [
    ['an empty body', '', [BadRequest]],
    ['a lone brace', '{', [BadRequest]],
    ['a truncated document', '{"query":"{ categories { id } ', [BadRequest]],
    ['JSON null', 'null', [BadRequest]],
    ['a JSON string', '"{ categories { id } }"', [BadRequest]],
    ['a JSON number', '42', [BadRequest]],
    ['JSON true', 'true', [BadRequest]],
    ['a numeric query', '{"query":42}', [BadRequest]],
    ['a null query', '{"query":null}', [BadRequest]],
    ['an object as query', '{"query":{"a":1}}', [BadRequest]],
    ['an empty query', '{"query":""}', [BadRequest]],
    ['a blank query', '{"query":"   "}', [BadRequest, Parse]],
    ['variables as a string', '{"query":"{ categories { id } }","variables":"x"}', [BadRequest]],
    ['variables as an array', '{"query":"{ categories { id } }","variables":[1]}', [BadRequest]],
    ['a numeric operationName', '{"query":"{ categories { id } }","operationName":5}', [BadRequest]],
    ['extensions as a string', '{"query":"{ categories { id } }","extensions":"x"}', [BadRequest]],
    ['trailing garbage', '{"query":"{ categories { id } }"} trailing', [BadRequest]],
    ['single quotes', "{'query':'{ categories { id } }'}", [BadRequest]],
    ['a raw NUL inside a string', '{"query":"{ categories\u0000 { id } }"}', [BadRequest]],
    ['NaN as variables', '{"query":"{ categories { id } }","variables":NaN}', [BadRequest]],
    ['100,000 nested arrays', `${'['.repeat(100_000)}${']'.repeat(100_000)}`, [BadRequest]],
    ['invalid UTF-8', Buffer.from([0x7b, 0x22, 0x71, 0xff, 0xfe, 0xfd, 0x22, 0x7d]), [BadRequest]],
    ['a UTF-16 body', Buffer.from(`\ufeff${categoriesQuery}`, 'utf16le'), [BadRequest]],
    ['a GraphQL syntax error', '{"query":"{ categories { id "}', [Parse]],
    ['an unknown field', '{"query":"{ secrets { id } }"}', [Validation]],
    ['an unknown operationName', '{"query":"query A { categories { id } }","operationName":"B"}', ['OPERATION_RESOLUTION_FAILURE']],
    ['two operations and no operationName', '{"query":"query A { categories { id } } query B { categories { id } }"}', ['OPERATION_RESOLUTION_FAILURE']],
    ['a variable of the wrong type', '{"query":"query($n: Int) { products(first: $n) { edges { cursor } } }","variables":{"n":"many"}}', [BadInput]],
    [
      'an unknown persisted query hash',
      `{"extensions":{"persistedQuery":{"version":1,"sha256Hash":"${'ab'.repeat(32)}"}}}`,
      ['PERSISTED_QUERY_NOT_FOUND'],
      'any',
    ],
    ['a subscription over HTTP', '{"query":"subscription { salesTicks { at } }"}', [BadRequest, Validation]],
  ];
  hostileCases(
    malformed.map(([what, body, codes, status = 400]) => ({
      name: `refuses ${what} with a coded ${status === 'any' ? 'error' : status}`,
      run: async () => expectRefused(await post(body), { codes, ...(status === 'any' ? {} : { status }) }),
    })),
  );

  const wrongTypes: [string, RawRequest, readonly string[], number?][] = [
    ['text/plain', { headers: { 'content-type': 'text/plain' }, body: categoriesQuery }, [BadRequest], 400],
    [
      'form encoding',
      { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `query=${encodeURIComponent('{ categories { id } }')}` },
      [BadRequest],
      400,
    ],
    [
      'multipart without the preflight header',
      { headers: { 'content-type': 'multipart/form-data; boundary=x' }, body: `--x\r\n\r\n${categoriesQuery}\r\n--x--` },
      [BadRequest],
      400,
    ],
    ['XML', { headers: { 'content-type': 'application/xml' }, body: '<query>{ categories { id } }</query>' }, [BadRequest], 400],
    ['no content type', { headers: {}, body: categoriesQuery }, [BadRequest], 400],
    ['application/graphql', { headers: { 'content-type': 'application/graphql' }, body: '{ categories { id } }' }, [BadRequest], 400],
    [
      'JSON declared as UTF-16',
      { headers: { 'content-type': 'application/json; charset=utf-16' }, body: Buffer.from(categoriesQuery, 'utf16le') },
      [BadRequest],
      400,
    ],
    [
      'a form-encoded body labelled JSON',
      { headers: { 'content-type': 'application/json' }, body: 'query=%7B%20categories%20%7B%20id%20%7D%20%7D' },
      [BadRequest],
      400,
    ],
  ];
  hostileCases(
    wrongTypes.map(([what, request, codes, status]) => ({
      name: `refuses a POST of ${what}`,
      run: async () => expectRefused(await post(request.body ?? '', request.headers, 'POST'), { codes, ...(status ? { status } : {}) }),
    })),
  );

  const getUrl = (params: Record<string, string>) => `${stack.graphqlUrl}?${new URLSearchParams(params).toString()}`;
  const viaGet = (params: Record<string, string>, method = 'GET') => {
    sent++;
    return sendHttp(getUrl(params), { method, headers: { 'apollo-require-preflight': 'true' } });
  };
  hostileCases([
    {
      name: 'refuses a mutation sent by GET',
      run: async () =>
        expectRefused(await viaGet({ query: 'mutation { logIn(input: { email: "a@b.c", password: "x" }) { token errors { code } } }' }), {
          codes: [BadRequest],
          status: 405,
        }),
    },
    { name: 'refuses a GET without a query', run: async () => expectRefused(await viaGet({}), { codes: [BadRequest], status: 400 }) },
    {
      name: 'refuses a GET with malformed variables',
      run: async () => expectRefused(await viaGet({ query: '{ categories { id } }', variables: '{bad' }), { codes: [BadRequest], status: 400 }),
    },
    { name: 'refuses PUT', run: async () => expectRefused(await viaGet({ query: '{ categories { id } }' }, 'PUT'), { status: 405 }) },
    { name: 'refuses DELETE', run: async () => expectRefused(await viaGet({ query: '{ categories { id } }' }, 'DELETE'), { status: 405 }) },
    { name: 'refuses PATCH', run: async () => expectRefused(await viaGet({ query: '{ categories { id } }' }, 'PATCH'), { status: 405 }) },
  ]);
  afterGroup('malformed requests');
});

describe('huge bodies followed by a normal request on the same connection', () => {
  const normal = () => ({
    head: requestHead(stack.graphqlUrl, { headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(categoriesQuery)) } }),
    body: categoriesQuery,
  });
  const megabytes = (n: number) => Buffer.alloc(n * 1024 * 1024, 'a');
  /** Sends the refused request, then a normal one on the same socket: it must answer, or the server must have closed the socket. */
  async function refusedThenNormal(head: string, body: Buffer | string, expectation: RefusalExpectation): Promise<void> {
    const connection = await openKeepAlive(stack.graphqlUrl);
    try {
      sent += 2;
      const refused = await connection.send(head, body, 5_000);
      if (refused === 'timeout') throw new Error('the refusal never came');
      if (refused === 'closed') throw new Error('the connection closed without an answer');
      expectRefused(refused, expectation);
      const next = normal();
      const answer = await connection.send(next.head, next.body, 3_000);
      if (answer === 'timeout') throw new Error('the connection is dead: neither answered nor closed');
      if (answer === 'closed') {
        // Closing after a refusal is fine; a new connection must then work.
        const fresh = await sendHttp(stack.graphqlUrl, { headers: { 'content-type': 'application/json' }, body: categoriesQuery }, 3_000);
        expect(fresh.status).toBe(200);
      } else {
        expect(answer.status).toBe(200);
      }
    } finally {
      connection.close();
    }
  }

  const tooLarge: RefusalExpectation = { codes: ['PAYLOAD_TOO_LARGE'], status: 413 };
  hostileCases([
    {
      name: 'refuses a 2 MB body with 413 and keeps the connection usable',
      run: () =>
        refusedThenNormal(
          requestHead(stack.graphqlUrl, { headers: { 'content-type': 'application/json', 'content-length': String(2 * 1024 * 1024) } }),
          megabytes(2),
          tooLarge,
        ),
    },
    {
      name: 'refuses a 2 MB chunked body with 413 and keeps the connection usable',
      run: async () => {
        const body = megabytes(2);
        const chunked = Buffer.concat([Buffer.from(`${body.length.toString(16)}\r\n`), body, Buffer.from('\r\n0\r\n\r\n')]);
        await refusedThenNormal(
          requestHead(stack.graphqlUrl, { headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }),
          chunked,
          tooLarge,
        );
      },
    },
    {
      name: 'refuses a body announced as 1 GB at once with 413',
      run: () =>
        refusedThenNormal(
          requestHead(stack.graphqlUrl, { headers: { 'content-type': 'application/json', 'content-length': String(1024 ** 3) } }),
          megabytes(1).subarray(0, 64 * 1024),
          tooLarge,
        ),
    },
    {
      name: 'refuses a 1.5 MB query whose JSON is valid with 413',
      run: async () => {
        const body = JSON.stringify({
          query: 'query($s: String) { products(filter: { search: $s }) { edges { cursor } } }',
          variables: { s: 'x'.repeat(1_500_000) },
        });
        await refusedThenNormal(
          requestHead(stack.graphqlUrl, { headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) } }),
          body,
          tooLarge,
        );
      },
    },
    {
      name: 'refuses 64 KB of headers with 431',
      run: () =>
        refusedThenNormal(
          requestHead(stack.graphqlUrl, {
            headers: { 'content-type': 'application/json', 'content-length': String(categoriesQuery.length), 'x-padding': 'p'.repeat(64 * 1024) },
          }),
          categoriesQuery,
          { status: 431 },
        ),
    },
  ]);
  afterGroup('huge bodies');
});

/** A query `2 + 4 * hops` levels deep: categories, then products -> edges -> node -> category per hop. */
const nest = (hops: number) => {
  let selection = 'id';
  for (let hop = 0; hop < hops; hop++) selection = `id products(first: 1) { edges { node { category { ${selection} } } } }`;
  return `{ categories { ${selection} } }`;
};

describe('deep, wide and costly operations', () => {
  const heavyProducts = 'products(first: 100) { edges { node { id name price { amount } stock { available } } } }';
  const costly: [string, string, Record<string, unknown>?][] = [
    ['a query 14 levels deep', nest(3)],
    ['a query 42 levels deep', nest(10)],
    ['a query 150 levels deep', nest(37)],
    [
      'a query 42 levels deep through nested fragments',
      `{ categories { ...L0 } } ${Array.from({ length: 10 }, (_, level) => `fragment L${level} on Category { id products(first: 1) { edges { node { category { ${level < 9 ? `...L${level + 1}` : 'id'} } } } } }`).join(' ')}`,
    ],
    ['a page of 100,000 products', '{ products(first: 100000) { edges { node { id } } } }'],
    ['a page size of 100,000 in a variable', 'query($n: Int) { products(first: $n) { edges { node { id stock { available } } } } }', { n: 100_000 }],
    [
      '40 aliased pages whose size hides in a variable default',
      `query($n: Int = 100) { ${Array.from({ length: 40 }, (_, n) => `p${n}: products(first: $n) { edges { node { id stock { available } category { name } } } }`).join(' ')} }`,
    ],
    ['40 aliased categories with 100 products each', `{ ${Array.from({ length: 40 }, (_, n) => `c${n}: categories { ${heavyProducts} }`).join(' ')} }`],
    ['2,000 aliases', `{ ${Array.from({ length: 2_000 }, (_, n) => `a${n}: __typename`).join(' ')} }`],
    ['300 root fields', `{ ${Array.from({ length: 300 }, (_, n) => `r${n}: categories { id }`).join(' ')} }`],
    ['1,000 directives on one field', `{ categories ${'@include(if: true) '.repeat(1_000)}{ id } }`],
    ['60,000 tokens', `{ categories { ${'id '.repeat(60_000)}} }`],
  ];
  hostileCases(
    costly.map(([what, query, variables]) => ({
      name: `refuses ${what} with QUERY_TOO_COMPLEX`,
      run: async () => {
        const started = performance.now();
        expectRefused(await gql(query, variables), { codes: [TooComplex, BadInput, Validation] });
        expect(performance.now() - started).toBeLessThan(2_000);
      },
    })),
  );
  hostileCases([
    {
      name: 'refuses a negative page size with BAD_USER_INPUT',
      run: async () => expectRefused(await gql('{ products(first: -1) { edges { cursor } } }'), { codes: [BadInput] }),
    },
    {
      name: 'refuses a deep introspection query',
      run: async () =>
        expectRefused(await gql(`{ __schema { types { ${'fields { type { ofType { '.repeat(6)}name${' } } }'.repeat(6)} } } }`), {
          codes: [TooComplex, Validation],
          status: 400,
        }),
    },
  ]);
  afterGroup('costly operations');
});

/** `F_k = { ...F_{k-1} ...F_{k-1} }`: 2^k fields in about 40 bytes per level. */
const fragmentBomb = (levels: number, leaf: string) =>
  `query Bomb { ...F${levels} } fragment F0 on Query { ${leaf} } ${Array.from({ length: levels }, (_, k) => `fragment F${k + 1} on Query { ...F${k} ...F${k} }`).join(' ')}`;

describe('fragment and alias bombs', () => {
  const bombs: [string, string, number][] = [
    ['the 2^24 fragment bomb of the issue within two seconds', fragmentBomb(24, 'categories { id }'), 2_000],
    ['a 2^14 fragment bomb within two seconds', fragmentBomb(14, 'categories { id }'), 2_000],
    ['a 2^20 fragment bomb over 100-product pages within two seconds', fragmentBomb(20, 'products(first: 100) { edges { node { id } } }'), 2_000],
    ['5,000 copies of one field within two seconds', `{ categories { ${'slug '.repeat(5_000)}} }`, 2_000],
    [
      'an alias bomb of 500 nested 100-product pages within two seconds',
      `{ ${Array.from({ length: 500 }, (_, n) => `p${n}: products(first: 100) { edges { node { category { products(first: 100) { edges { node { id } } } } } } }`).join(' ')} }`,
      2_000,
    ],
  ];
  hostileCases(
    bombs.map(([what, query, withinMs]) => ({
      name: `refuses ${what}`,
      run: async () => {
        const started = performance.now();
        expectRefused(await gql(query), { codes: [TooComplex, Validation], status: 400 });
        expect(performance.now() - started).toBeLessThan(withinMs);
      },
    })),
  );
  hostileCases([
    {
      name: 'refuses cyclic fragments',
      run: async () => expectRefused(await gql('{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }'), { codes: [Validation], status: 400 }),
    },
  ]);
  afterGroup('bombs');
});

describe('batched arrays', () => {
  const operation = { query: '{ categories { id } }' };
  const batches: [string, unknown[]][] = [
    ['two operations', [operation, operation]],
    ['1,000 operations', Array.from({ length: 1_000 }, () => operation)],
    ['an empty batch', []],
    ['a batch of numbers', [1, 2, 3]],
    [
      'a batch of sign-ups',
      Array.from({ length: 5 }, (_, n) => ({
        query: `mutation { signUp(input: { email: "batch${n}@test.rtc.example", password: "long-enough-password", name: "Batch" }) { token errors { code } } }`,
      })),
    ],
  ];
  hostileCases(
    batches.map(([what, batch]) => ({
      name: `refuses a batch of ${what}`,
      run: async () => expectRefused(await post(JSON.stringify(batch)), { codes: [BadRequest], status: 400 }),
    })),
  );
  afterGroup('batched arrays');
});

describe('forged, expired and stale tokens', () => {
  const secret = () => testJwtSecret;
  const tokens: [string, () => string | Promise<string>][] = [
    ['signed with another secret', () => signHs256(accessClaims(cast.admin.id, 'ADMIN'), 'not-the-secret-0123456789-abcdefghijkl')],
    [
      'expired an hour ago',
      () =>
        resignedToken(cast.customer.token, secret(), (claims) => ({
          ...claims,
          iat: Math.floor(Date.now() / 1000) - 7_200,
          exp: Math.floor(Date.now() / 1000) - 3_600,
        })),
    ],
    ['with alg none', () => unsignedToken(accessClaims(cast.customer.id, 'CUSTOMER'))],
    ['with alg none claiming ADMIN', () => unsignedToken(accessClaims(cast.admin.id, 'ADMIN'))],
    ['of a customer whose role was edited to ADMIN', () => tamperedToken(cast.customer.token, (claims) => ({ ...claims, role: 'ADMIN' }))],
    ['of a customer whose subject was edited', () => tamperedToken(cast.customer.token, (claims) => ({ ...claims, sub: cast.admin.id }))],
    ['from another issuer', () => signHs256(accessClaims(cast.customer.id, 'CUSTOMER', { iss: 'someone-else' }), secret())],
    ['for another audience', () => signHs256(accessClaims(cast.customer.id, 'CUSTOMER', { aud: 'another-api' }), secret())],
    ['with an unknown role', () => signHs256(accessClaims(cast.customer.id, 'ROOT'), secret())],
    ['without a subject', () => signHs256(accessClaims(cast.customer.id, 'CUSTOMER', { sub: undefined }), secret())],
    ['labelled HS512', () => signHs256(accessClaims(cast.customer.id, 'CUSTOMER'), secret(), { alg: 'HS512', typ: 'JWT' })],
    ['that is not a JWT', () => 'not-a-jwt'],
    ['of 8 KB', () => 'a'.repeat(8 * 1024)],
  ];
  const probes: [string, (token: string) => Promise<RawResponse>][] = [
    ['reading me', (token) => gql('{ me { id role } }', {}, token)],
    [
      'placing an order',
      (token) =>
        gql(
          'mutation($p: ID!) { placeOrder(input: { lines: [{ productId: $p, quantity: 1 }], idempotencyKey: "forged" }) { order { id } errors { code } } }',
          { p: cast.product.id },
          token,
        ),
    ],
  ];
  const unauthenticated: RefusalExpectation = { codes: ['UNAUTHENTICATED'], status: 401 };
  hostileCases(
    tokens.flatMap(([what, token]) =>
      probes.map(([doing, probe]) => ({
        name: `refuses a token ${what} ${doing} with 401`,
        run: async () => expectRefused(await probe(await token()), unauthenticated),
      })),
    ),
  );
  hostileCases([
    {
      name: 'refuses Basic credentials with 401',
      run: async () =>
        expectRefused(await post(categoriesQuery, { 'content-type': 'application/json', authorization: 'Basic YWRtaW46YWRtaW4=' }), unauthenticated),
    },
    {
      name: 'refuses an empty Bearer with 401',
      run: async () => expectRefused(await post(categoriesQuery, { 'content-type': 'application/json', authorization: 'Bearer ' }), unauthenticated),
    },
  ]);

  let deleted: { id: string; token: string };
  beforeAll(async () => {
    deleted = await stack.createUser('CUSTOMER', 'Deleted Customer');
    await queryRows(stack.databaseUrl('users'), 'DELETE FROM users WHERE id = ?', [deleted.id]);
  });
  hostileCases(
    probes.map(([doing, probe]) => ({
      name: `refuses the token of a deleted user ${doing} with 401`,
      run: async () => expectRefused(await probe(deleted.token), unauthenticated),
    })),
  );
  // The deleted user is removed before the snapshot of this group is taken, so nothing may change.
  afterGroup('forged tokens');
});

describe('IDOR across customers', () => {
  const asOther = (query: string, variables: Record<string, unknown>) => gql(query, variables, cast.otherCustomer.token);
  const forbidden: RefusalExpectation = { codes: ['FORBIDDEN'] };
  hostileCases([
    {
      name: "refuses another customer's order to read",
      run: async () => expectRefused(await asOther('query($id: ID!) { order(id: $id) { id total { amount } } }', { id: cast.orderId }), forbidden),
    },
    {
      name: "refuses to cancel another customer's order",
      run: async () =>
        expectRefused(
          await asOther('mutation($id: ID!) { cancelOrder(input: { orderId: $id }) { order { status } errors { code } } }', { id: cast.orderId }),
          forbidden,
        ),
    },
    {
      name: "refuses to pay another customer's order",
      run: async () =>
        expectRefused(
          await asOther('mutation($id: ID!) { payOrder(input: { orderId: $id, paymentToken: "tok_visa" }) { order { status } errors { code } } }', {
            id: cast.orderId,
          }),
          forbidden,
        ),
    },
    {
      name: 'refuses a customer shipping an order',
      run: async () =>
        expectRefused(
          await asOther('mutation($id: ID!) { shipOrder(input: { orderId: $id }) { order { status } errors { code } } }', { id: cast.orderId }),
          forbidden,
        ),
    },
    {
      name: "refuses an analyst cancelling a customer's order",
      run: async () =>
        expectRefused(
          await gql(
            'mutation($id: ID!) { cancelOrder(input: { orderId: $id }) { order { status } errors { code } } }',
            { id: cast.orderId },
            cast.analyst.token,
          ),
          forbidden,
        ),
    },
    {
      name: "hides another customer's account and orders",
      run: async () => {
        const response = await asOther('query($id: ID!) { user(id: $id) { id email orders { edges { node { id } } } } }', { id: cast.customer.id });
        expect(response.status).toBe(200);
        expect(bodyOf(response)?.data?.['user']).toBeNull();
      },
    },
    {
      name: 'shows a customer their own cart only',
      run: async () => {
        const response = await asOther('{ cart { itemCount lines { quantity } } }', {});
        expect(bodyOf(response)?.data?.['cart']).toEqual({ itemCount: 0, lines: [] });
      },
    },
    {
      name: 'keeps _entities out of reach',
      run: async () =>
        expectRefused(await asOther('{ _entities(representations: [{ __typename: "Order", id: "1" }]) { __typename } }', {}), {
          codes: [Validation],
          status: 400,
        }),
    },
    ...['0', '-1', '1e3', 'abc', '99999999999999999999', "1' OR '1'='1"].map((id) => ({
      name: `answers null for the unguessable order id ${JSON.stringify(id)}`,
      run: async () => {
        const response = await asOther('query($id: ID!) { order(id: $id) { id } }', { id });
        expect(refusalProblem(response, { codes: ['NOT_FOUND', 'FORBIDDEN'] }) === null || bodyOf(response)?.data?.['order'] === null).toBe(true);
      },
    })),
  ]);
  afterGroup('IDOR attempts');
});

describe('quantities and client-supplied prices', () => {
  const badQuantities: [string, unknown][] = [
    ['zero', 0],
    ['negative', -1],
    ['over the line limit', 101],
    ['the largest Int', 2_147_483_647],
    ['beyond 32 bits', 2_147_483_648],
    ['fractional', 1.5],
    ['a string', '1'],
    ['null', null],
    ['1e100', 1e100],
  ];
  const refusedInput: RefusalExpectation = { codes: [BadInput, Validation] };
  hostileCases(
    badQuantities.flatMap(([what, quantity]) => [
      {
        name: `refuses adding a ${what} quantity to the cart`,
        run: async () =>
          expectRefused(
            await gql(
              'mutation($p: ID!, $q: Int!) { addToCart(input: { productId: $p, quantity: $q }) { cart { itemCount } } }',
              { p: cast.product.id, q: quantity },
              cast.otherCustomer.token,
            ),
            refusedInput,
          ),
      },
      {
        name: `refuses an order line of a ${what} quantity`,
        run: async () =>
          expectRefused(
            await gql(
              'mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { order { id } errors { code } } }',
              { input: { lines: [{ productId: cast.product.id, quantity }], idempotencyKey: randomBytes(6).toString('hex') } },
              cast.otherCustomer.token,
            ),
            refusedInput,
          ),
      },
    ]),
  );
  const adminInput: [string, string, Record<string, unknown>][] = [
    ['a negative restock', 'mutation($p: ID!) { restock(input: { productId: $p, quantity: -5, reason: "x" }) { stock { available } errors { code } } }', {}],
    ['a restock of zero', 'mutation($p: ID!) { restock(input: { productId: $p, quantity: 0, reason: "x" }) { stock { available } errors { code } } }', {}],
    [
      'a restock of the largest Int',
      'mutation($p: ID!) { restock(input: { productId: $p, quantity: 2147483647, reason: "x" }) { stock { available } errors { code } } }',
      {},
    ],
    ['an adjustment of zero', 'mutation($p: ID!) { adjustStock(input: { productId: $p, delta: 0, reason: "x" }) { stock { available } errors { code } } }', {}],
    [
      'an adjustment over 100,000',
      'mutation($p: ID!) { adjustStock(input: { productId: $p, delta: 100001, reason: "x" }) { stock { available } errors { code } } }',
      {},
    ],
    [
      'a negative low-stock threshold',
      'mutation($p: ID!) { setLowStockThreshold(input: { productId: $p, threshold: -1 }) { stock { available } errors { code } } }',
      {},
    ],
    ['a negative price', 'mutation($p: ID!) { updateProduct(input: { id: $p, price: -100 }) { product { id } errors { code } } }', {}],
    [
      'a price beyond 32 bits',
      'mutation($p: ID!, $price: Int) { updateProduct(input: { id: $p, price: $price }) { product { id } errors { code } } }',
      { price: 2 ** 31 },
    ],
  ];
  hostileCases(
    adminInput.map(([what, query, variables]) => ({
      name: `refuses ${what}`,
      run: async () => expectRefused(await gql(query, { p: cast.product.id, ...variables }, cast.admin.token), refusedInput),
    })),
  );
  hostileCases([
    {
      name: 'refuses an adjustment below zero available, as a typed OUT_OF_STOCK',
      run: async () =>
        expectRefused(
          await gql(
            'mutation($p: ID!) { adjustStock(input: { productId: $p, delta: -100000, reason: "x" }) { stock { available } errors { code } } }',
            { p: cast.product.id },
            cast.admin.token,
          ),
          { codes: ['OUT_OF_STOCK'], status: 200 },
        ),
    },
  ]);
  const lineWith = (extra: Record<string, unknown>) => ({
    lines: [{ productId: cast.product.id, quantity: 1, ...extra }],
    idempotencyKey: randomBytes(6).toString('hex'),
  });
  hostileCases([
    {
      name: 'refuses an order line carrying its own unit price',
      run: async () =>
        expectRefused(
          await gql(
            'mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { order { id } errors { code } } }',
            { input: lineWith({ unitPrice: 1 }) },
            cast.otherCustomer.token,
          ),
          refusedInput,
        ),
    },
    {
      name: 'refuses an order carrying its own total',
      run: async () =>
        expectRefused(
          await gql(
            'mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { order { id } errors { code } } }',
            { input: { ...lineWith({}), total: { amount: 1, currency: 'USD' } } },
            cast.otherCustomer.token,
          ),
          refusedInput,
        ),
    },
    {
      name: 'refuses a cart line carrying a price argument',
      run: async () =>
        expectRefused(
          await gql(
            'mutation($p: ID!) { addToCart(input: { productId: $p, quantity: 1, price: 1 }) { cart { itemCount } } }',
            { p: cast.product.id },
            cast.otherCustomer.token,
          ),
          refusedInput,
        ),
    },
    {
      name: 'refuses a customer setting a price',
      run: async () =>
        expectRefused(
          await gql(
            'mutation($p: ID!) { updateProduct(input: { id: $p, price: 1 }) { product { id } errors { code } } }',
            { p: cast.product.id },
            cast.otherCustomer.token,
          ),
          {
            codes: ['FORBIDDEN'],
          },
        ),
    },
    {
      name: 'refuses a withdrawn product in an order',
      run: async () =>
        expectRefused(
          await gql(
            'mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { order { id } errors { code } } }',
            { input: { lines: [{ productId: cast.withdrawnProduct.id, quantity: 1 }], idempotencyKey: 'withdrawn' } },
            cast.otherCustomer.token,
          ),
          { codes: ['PRODUCT_UNAVAILABLE'], status: 200 },
        ),
    },
  ]);
  afterGroup('bad quantities and prices');
});

describe('SQL-like, control-character and 10,000-character strings', () => {
  const signUp = (input: Record<string, unknown>) =>
    gql('mutation($input: SignUpInput!) { signUp(input: $input) { user { id name } errors { code } } }', {
      input: { email: `${randomBytes(5).toString('hex')}@test.rtc.example`, password: 'long-enough-password', name: 'Name', ...input },
    });
  const refusedInput: RefusalExpectation = { codes: [BadInput] };
  const long = 'n'.repeat(10_000);
  const refusals: [string, () => Promise<RawResponse>][] = [
    ['an SQL-like email at log-in', () => gql('mutation { logIn(input: { email: "\' OR 1=1 --", password: "x" }) { token errors { code } } }')],
    ['a name of control characters', () => signUp({ name: '\u0000\u0007\u001b[2J' })],
    ['a name with a NUL inside', () => signUp({ name: 'Ada\u0000Lovelace' })],
    [
      'a category name of control characters',
      () => gql('mutation { createCategory(input: { name: "\\u0000\\u001b[31m" }) { category { id } errors { code } } }', {}, cast.admin.token),
    ],
    ['a 10,000-character name at sign-up', () => signUp({ name: long })],
    ['a 10,000-character email', () => signUp({ email: `${long}@test.rtc.example` })],
    ['a 10,000-character password', () => signUp({ password: long })],
    [
      'a 10,000-character category name',
      () => gql('mutation($n: String!) { createCategory(input: { name: $n }) { category { id } errors { code } } }', { n: long }, cast.admin.token),
    ],
    [
      'a 10,000-character product name',
      () =>
        gql(
          'mutation($n: String!, $c: ID!) { updateProduct(input: { id: $c, name: $n }) { product { id } errors { code } } }',
          { n: long, c: cast.product.id },
          cast.admin.token,
        ),
    ],
    [
      'a 10,000-character SKU',
      () =>
        gql(
          'mutation($s: String!) { createProduct(input: { sku: $s, name: "x", price: 100, categoryId: "1" }) { product { id } errors { code } } }',
          { s: long },
          cast.admin.token,
        ),
    ],
    [
      'a 10,000-character idempotency key',
      () =>
        gql(
          'mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { order { id } errors { code } } }',
          { input: { lines: [{ productId: cast.product.id, quantity: 1 }], idempotencyKey: long } },
          cast.otherCustomer.token,
        ),
    ],
    [
      'a 10,000-character payment token',
      () =>
        gql(
          'mutation($id: ID!, $t: String!) { payOrder(input: { orderId: $id, paymentToken: $t }) { order { id } errors { code } } }',
          { id: cast.orderId, t: long },
          cast.customer.token,
        ),
    ],
    [
      'a 10,000-character stock reason',
      () =>
        gql(
          'mutation($p: ID!, $r: String!) { restock(input: { productId: $p, quantity: 1, reason: $r }) { stock { available } errors { code } } }',
          { p: cast.product.id, r: long },
          cast.admin.token,
        ),
    ],
  ];
  hostileCases(refusals.map(([what, send]) => ({ name: `refuses ${what} with BAD_USER_INPUT`, run: async () => expectRefused(await send(), refusedInput) })));
  // A bad literal fails validation, as graphql-js words it; the same value in a variable is bad input.
  const badDateTimes: [string, () => Promise<RawResponse>][] = [
    ['a malformed DateTime literal', () => gql('{ salesSummary(from: "yesterday", to: "now") { current { orders } } }', {}, cast.analyst.token)],
    ['a DateTime literal of "1"', () => gql('{ salesSummary(from: "1", to: "2") { current { orders } } }', {}, cast.analyst.token)],
    [
      'a malformed DateTime variable',
      () =>
        gql(
          'query($from: DateTime!, $to: DateTime!) { salesSummary(from: $from, to: $to) { current { orders } } }',
          { from: 'yesterday', to: 'now' },
          cast.analyst.token,
        ),
    ],
    [
      'a DateTime variable of "1"',
      () =>
        gql(
          'query($from: DateTime!, $to: DateTime!) { salesSummary(from: $from, to: $to) { current { orders } } }',
          { from: '1', to: '2' },
          cast.analyst.token,
        ),
    ],
  ];
  hostileCases(
    badDateTimes.map(([what, send]) => ({
      name: `refuses ${what} with a coded 400`,
      run: async () => expectRefused(await send(), { codes: [BadInput, Validation], status: 400 }),
    })),
  );

  const harmless: [string, string, Record<string, unknown>][] = [
    ['an SQL-like product search', 'query($s: String) { products(filter: { search: $s }) { edges { node { id } } } }', { s: "' OR 1=1 --" }],
    [
      'a UNION search',
      'query($s: String) { products(filter: { search: $s }) { edges { node { id } } } }',
      { s: "x' UNION SELECT password_hash FROM users --" },
    ],
    ['a LIKE wildcard search', 'query($s: String) { products(filter: { search: $s }) { edges { node { id } } } }', { s: '%' }],
    ['a search of control characters', 'query($s: String) { products(filter: { search: $s }) { edges { node { id } } } }', { s: '\u0000\u0008\u001b' }],
    ['a 10,000-character search', 'query($s: String) { products(filter: { search: $s }) { edges { node { id } } } }', { s: long }],
    ['an SQL-like SKU', 'query($s: String!) { productBySku(sku: $s) { id } }', { s: "x' OR '1'='1" }],
    ['a 10,000-character SKU lookup', 'query($s: String!) { productBySku(sku: $s) { id } }', { s: long }],
  ];
  hostileCases(
    harmless.map(([what, query, variables]) => ({
      name: `answers ${what} with nothing it should not, or a coded refusal`,
      run: async () => {
        const response = await gql(query, variables);
        if (codesOf(response).length > 0) return expectRefused(response, refusedInput);
        expect(response.status).toBe(200);
        const data = bodyOf(response)?.data ?? {};
        const found = (data['products'] as { edges: unknown[] } | undefined)?.edges ?? (data['productBySku'] ? [data['productBySku']] : []);
        expect(found).toEqual([]);
      },
    })),
  );
  hostileCases([
    {
      name: 'stores an SQL-like name as plain text',
      run: async () => {
        const name = "Robert'); DROP TABLE users; --";
        const response = await signUp({ name });
        expect((bodyOf(response)?.data?.['signUp'] as { user: { name: string } } | undefined)?.user.name).toBe(name);
      },
    },
  ]);
  afterGroup('hostile strings', { 'users.users': 1, 'users.outbox': 1, 'users.refresh_tokens': 1 });
});

describe('sign-up races and log-in floods', () => {
  const password = 'the-right-password-42';
  const email = `flood-${randomBytes(4).toString('hex')}@test.rtc.example`;
  const signUp = (address: string) =>
    gql('mutation($input: SignUpInput!) { signUp(input: $input) { user { id } errors { code } } }', { input: { email: address, password, name: 'Race' } });
  const logIn = (address: string, secret: string) =>
    gql('mutation($e: String!, $p: String!) { logIn(input: { email: $e, password: $p }) { token errors { code } } }', { e: address, p: secret });

  hostileCases([
    {
      name: 'creates one account for 20 concurrent sign-ups with the same email',
      run: async () => {
        const answers = await Promise.all(Array.from({ length: 20 }, () => signUp(email)));
        const created = (answer: RawResponse) => Boolean((bodyOf(answer)?.data?.['signUp'] as { user: unknown } | null | undefined)?.user);
        expect(answers.filter(created)).toHaveLength(1);
        for (const answer of answers.filter((response) => !created(response))) expectRefused(answer, { codes: ['CONFLICT', 'RATE_LIMITED'] });
      },
    },
    {
      name: 'limits 60 wrong passwords for one account, the right one included, with 429 and Retry-After',
      run: async () => {
        const answers: RawResponse[] = [];
        for (let attempt = 0; attempt < 60; attempt++) answers.push(await logIn(email, `wrong-password-${attempt}`));
        for (const answer of answers) expectRefused(answer, { codes: ['UNAUTHENTICATED', 'RATE_LIMITED'] });
        const limited = answers.filter((answer) => answer.status === 429);
        expect(limited.length).toBeGreaterThan(0);
        for (const answer of limited) {
          expect(codesOf(answer)).toEqual(['RATE_LIMITED']);
          expect(Number(answer.headers['retry-after'])).toBeGreaterThan(0);
        }
        const right = await logIn(email, password);
        expectRefused(right, { codes: ['RATE_LIMITED'], status: 429 });
      },
    },
    {
      name: 'limits 40 log-ins with unknown emails from one address with 429',
      run: async () => {
        const answers = await Promise.all(
          Array.from({ length: 40 }, (_, n) => logIn(`nobody-${n}-${randomBytes(3).toString('hex')}@test.rtc.example`, 'some-password-123')),
        );
        for (const answer of answers) expectRefused(answer, { codes: ['UNAUTHENTICATED', 'RATE_LIMITED'] });
        expect(answers.filter((answer) => answer.status === 429).length).toBeGreaterThan(0);
      },
    },
  ]);
  afterGroup('races and floods', { 'users.users': 1, 'users.outbox': 1, 'users.refresh_tokens': 1 });
});

describe('one idempotency key, two orders', () => {
  hostileCases([
    {
      name: 'refuses one idempotency key reused for a different order',
      run: async () => {
        const order = (quantity: number) =>
          gql(
            'mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { order { id } errors { code } } }',
            { input: { lines: [{ productId: cast.product.id, quantity }], idempotencyKey: 'battery-reused-key' } },
            cast.otherCustomer.token,
          );
        expect(bodyOf(await order(1))?.data?.['placeOrder']).toMatchObject({ order: { id: expect.any(String) }, errors: [] });
        expectRefused(await order(2), { codes: ['IDEMPOTENCY_KEY_REUSED'], status: 200 });
      },
    },
  ]);
  const oneOrder = [
    'orders.orders',
    'orders.order_lines',
    'orders.outbox',
    'orders.customer_stats',
    'inventory.reservations',
    'inventory.reservation_lines',
    'inventory.stock_ledger',
    'inventory.outbox',
    'activity.order_facts',
  ];
  afterGroup('a reused idempotency key', Object.fromEntries(oneOrder.map((table) => [table, 1])), { minuteRollupsMayGrow: true });
});

describe('the battery as a whole', () => {
  it('sent at least 150 hostile requests', () => {
    expect(sent).toBeGreaterThanOrEqual(150);
  });
});
