import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signAccessToken, type Counter } from '@rtc/service-kit';
import { connectLive, errorCodes, postGraphQL, queryRows, testJwtSecret, type LiveClient, type LiveConnectionParams } from '@rtc/testkit';
import { createProducts, placeOrder, startTestStack, type CreatedProduct, type TestStack } from './testing';

let stack: TestStack;
let admin: { id: string; token: string };
let products: CreatedProduct[];
const clients: LiveClient[] = [];

const connect = (params?: LiveConnectionParams, retryAttempts = 0) => {
  const live = connectLive(stack.graphqlUrl, params, { retryAttempts });
  clients.push(live);
  return live;
};
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const settle = (ms = 300) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `check` holds; revocations reach the gateway within its account cache's lifetime (1 s in tests). */
async function eventually(check: () => Promise<boolean>, timeoutMs = 8_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms`);
    await settle(200);
  }
}

const asAdmin = (query: string, variables: Record<string, unknown>) => postGraphQL(stack.graphqlUrl, query, variables, { token: admin.token });
const me = (token: string) => postGraphQL<{ me: { id: string } | null }>(stack.graphqlUrl, '{ me { id } }', {}, { token });

beforeAll(async () => {
  stack = await startTestStack();
  admin = await stack.createUser('ADMIN');
  products = await createProducts(stack.graphqlUrl, admin.token, [{ price: 1_000, stock: 1_000, name: 'Oak Shelf' }]);
});

afterAll(async () => {
  await Promise.all(clients.map((client) => client.dispose()));
  await stack?.stop();
});

const order = () => [{ productId: products[0]!.id, quantity: 1 }];

describe('identity that does not outlive its grounds, over HTTP', () => {
  it("refuses a deleted user's token: it cannot place an order", async () => {
    const customer = await stack.createUser('CUSTOMER');
    expect((await placeOrder(stack.graphqlUrl, customer.token, order())).errors).toBeUndefined();
    await queryRows(stack.databaseUrl('users'), 'DELETE FROM users WHERE id = ?', [customer.id]);
    // The gateway trusts an account's standing for 1 s in tests (ACCOUNT_RECHECK_SECONDS in production).
    await settle(1_500);
    const refused = await placeOrder(stack.graphqlUrl, customer.token, order());
    expect(refused.status).toBe(401);
    expect(errorCodes(refused)).toEqual(['UNAUTHENTICATED']);
    const [placed] = await queryRows<{ n: number }>(stack.databaseUrl('orders'), 'SELECT COUNT(*) AS n FROM orders WHERE user_id = ?', [customer.id]);
    expect(Number(placed!.n)).toBe(1);
  });

  it('shuts a disabled account out at once and lets it back in when enabled', async () => {
    const customer = await stack.createUser('CUSTOMER');
    expect((await me(customer.token)).data?.me?.id).toBe(customer.id);
    const disabled = await asAdmin('mutation($id: ID!) { disableUser(input: { id: $id }) { user { id disabledAt } errors { code } } }', { id: customer.id });
    expect(disabled.errors).toBeUndefined();
    await eventually(async () => (await me(customer.token)).status === 401);
    expect(errorCodes(await me(customer.token))).toEqual(['UNAUTHENTICATED']);
    await asAdmin('mutation($id: ID!) { enableUser(input: { id: $id }) { user { id } errors { code } } }', { id: customer.id });
    // The old token stays revoked: disabling moved the account's token version on.
    const renewed = await signAccessToken({ userId: customer.id, role: 'CUSTOMER' }, testJwtSecret, 600, 1);
    await eventually(async () => (await me(renewed)).data?.me?.id === customer.id);
    expect((await me(customer.token)).status).toBe(401);
  });

  it('lets only an admin disable an account', async () => {
    const analyst = await stack.createUser('ANALYST');
    const customer = await stack.createUser('CUSTOMER');
    const result = await postGraphQL(
      stack.graphqlUrl,
      'mutation($id: ID!) { disableUser(input: { id: $id }) { user { id } errors { code } } }',
      { id: customer.id },
      { token: analyst.token },
    );
    expect(errorCodes(result)).toEqual(['FORBIDDEN']);
    expect((await me(customer.token)).data?.me?.id).toBe(customer.id);
  });

  it('reads an account from users once per cache lifetime, not once per request', async () => {
    const customer = await stack.createUser('CUSTOMER');
    const standingsCalls = async () => {
      const metric = stack.subgraphs.users.metrics.registry.getSingleMetric('rtc_graphql_requests_total') as Counter | undefined;
      return ((await metric?.get())?.values ?? [])
        .filter((value) => value.labels['operation'] === 'AccountStandings')
        .reduce((sum, value) => sum + value.value, 0);
    };
    const before = await standingsCalls();
    const started = Date.now();
    for (let i = 0; i < 40; i++) expect((await postGraphQL(stack.graphqlUrl, '{ __typename }', {}, { token: customer.token })).status).toBe(200);
    const seconds = Math.ceil((Date.now() - started) / 1_000);
    // One read per second of requests at most (the test cache lives 1 s), plus the first.
    expect((await standingsCalls()) - before).toBeLessThanOrEqual(seconds + 1);
  });

  it('revokes the access tokens of a user who logs out everywhere', async () => {
    const customer = await stack.createUser('CUSTOMER');
    expect((await postGraphQL(stack.graphqlUrl, 'mutation { logOutEverywhere { loggedOut errors { code } } }', {}, { token: customer.token })).data).toEqual({
      logOutEverywhere: { loggedOut: true, errors: [] },
    });
    await eventually(async () => (await me(customer.token)).status === 401);
  });

  it('keeps the account standings query out of the public API', async () => {
    const result = await postGraphQL(
      stack.graphqlUrl,
      'query($ids: [ID!]!) { accountStandings(userIds: $ids) { userId } }',
      { ids: [admin.id] },
      { token: admin.token },
    );
    expect(errorCodes(result)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
  });
});

describe('sockets that close when their token stops holding', () => {
  it('closes with 4401 when the token expires', async () => {
    const analyst = await stack.createUser('ANALYST');
    const shortLived = await signAccessToken({ userId: analyst.id, role: 'ANALYST' }, testJwtSecret, 2);
    const live = connect(bearer(shortLived));
    live.subscribe('subscription { salesTicks { at } }');
    const started = Date.now();
    expect(await live.closed()).toBe(4401);
    expect(Date.now() - started).toBeLessThan(6_000);
    const closes = stack.gatewayMetrics.registry.getSingleMetric('rtc_gateway_socket_token_closes_total') as Counter | undefined;
    expect((await closes?.get())?.values.find((value) => value.labels['reason'] === 'expired')?.value).toBeGreaterThanOrEqual(1);
  });

  it('refuses a token that has already expired with 4401', async () => {
    const analyst = await stack.createUser('ANALYST');
    const expired = await signAccessToken({ userId: analyst.id, role: 'ANALYST' }, testJwtSecret, -10);
    expect(await connect(bearer(expired)).closed()).toBe(4401);
  });

  it('closes with 4403 when an admin disables the account', async () => {
    const analyst = await stack.createUser('ANALYST');
    const live = connect(bearer(analyst.token));
    const ticks = live.subscribe('subscription { salesTicks { at } }');
    await settle();
    await placeOrder(stack.graphqlUrl, (await stack.createUser('CUSTOMER')).token, order());
    await ticks.next();
    await asAdmin('mutation($id: ID!) { disableUser(input: { id: $id }) { user { id } errors { code } } }', { id: analyst.id });
    expect(await live.closed()).toBe(4403);
  });

  it('closes with 4403 when the user loses the role', async () => {
    const analyst = await stack.createUser('ANALYST');
    const live = connect(bearer(analyst.token));
    live.subscribe('subscription { salesTicks { at } }');
    await settle();
    await asAdmin('mutation($id: ID!) { setUserRole(input: { id: $id, role: CUSTOMER }) { user { id } errors { code } } }', { id: analyst.id });
    expect(await live.closed()).toBe(4403);
  });

  it('refuses a revoked token at connection_init with 4403', async () => {
    const customer = await stack.createUser('CUSTOMER');
    await postGraphQL(stack.graphqlUrl, 'mutation { logOutEverywhere { loggedOut errors { code } } }', {}, { token: customer.token });
    await settle(1_200);
    expect(await connect(bearer(customer.token)).closed()).toBe(4403);
  });

  it('keeps a subscription receiving events across a reconnect with a fresh token', async () => {
    const analyst = await stack.createUser('ANALYST');
    const customer = await stack.createUser('CUSTOMER');
    let token = analyst.token;
    const live = connect(() => bearer(token), 5);
    let connections = 0;
    live.client.on('connected', () => void connections++);
    const ticks = live.subscribe<{ salesTicks: { order: { id: string } } }>('subscription { salesTicks { order { id } } }');
    await settle();
    const first = (await placeOrder(stack.graphqlUrl, customer.token, order())).data!.placeOrder.order!.id;
    expect((await ticks.next()).data!.salesTicks.order.id).toBe(first);

    // What a client does before its token expires: refresh the session, then reconnect with the new token.
    token = await signAccessToken({ userId: analyst.id, role: 'ANALYST' }, testJwtSecret, 600);
    live.client.terminate();
    await eventually(async () => connections === 2, 5_000);
    await settle();
    const second = (await placeOrder(stack.graphqlUrl, customer.token, order())).data!.placeOrder.order!.id;
    expect((await ticks.next()).data!.salesTicks.order.id).toBe(second);
    expect(ticks.errors).toEqual([]);
  });
});

describe('live updates resolved with the rights of their subscribers', () => {
  const disabledAtTicks = 'subscription { salesTicks { order { id user { name disabledAt } } } }';
  interface DisabledAtTick {
    salesTicks: { order: { id: string; user: { name: string; disabledAt: string | null } | null } };
  }

  it('shows an analyst the same error and null over the socket as over HTTP for a field only admins read', async () => {
    const analyst = await stack.createUser('ANALYST');
    const customer = await stack.createUser('CUSTOMER', 'Dorothy Vaughan');
    const asAnalyst = connect(bearer(analyst.token)).subscribe<DisabledAtTick>(disabledAtTicks);
    const asAdminLive = connect(bearer(admin.token)).subscribe<DisabledAtTick>(disabledAtTicks);
    await settle();
    const orderId = (await placeOrder(stack.graphqlUrl, customer.token, order())).data!.placeOrder.order!.id;

    const overHttp = await postGraphQL<{ order: DisabledAtTick['salesTicks']['order'] }>(
      stack.graphqlUrl,
      'query($id: ID!) { order(id: $id) { id user { name disabledAt } } }',
      { id: orderId },
      { token: analyst.token },
    );
    const analystTick = await asAnalyst.next();
    expect(errorCodes(overHttp)).toEqual(['FORBIDDEN']);
    expect(analystTick.errors?.map((error) => error.extensions?.['code'])).toEqual(errorCodes(overHttp));
    expect(analystTick.data?.salesTicks.order.user).toEqual(overHttp.data?.order.user ?? null);

    const adminTick = await asAdminLive.next();
    expect(adminTick.errors).toBeUndefined();
    expect(adminTick.data!.salesTicks.order).toEqual({ id: orderId, user: { name: 'Dorothy Vaughan', disabledAt: null } });
  });

  it("resolves a customer's own order status as that customer", async () => {
    const customer = await stack.createUser('CUSTOMER');
    const orderId = (await placeOrder(stack.graphqlUrl, customer.token, order())).data!.placeOrder.order!.id;
    const [row] = await queryRows<{ email: string }>(stack.databaseUrl('users'), 'SELECT email FROM users WHERE id = ?', [customer.id]);
    const status = connect(bearer(customer.token)).subscribe<{ orderStatus: { status: string; order: { id: string; user: { email: string | null } } } }>(
      'subscription($id: ID!) { orderStatus(orderId: $id) { status order { id user { email } } } }',
      { id: orderId },
    );
    await settle();
    await postGraphQL(
      stack.graphqlUrl,
      'mutation($id: ID!) { cancelOrder(input: { orderId: $id }) { order { status } errors { code } } }',
      { id: orderId },
      { token: customer.token },
    );
    const update = await status.next();
    expect(update.errors).toBeUndefined();
    expect(update.data!.orderStatus).toEqual({ status: 'CANCELLED', order: { id: orderId, user: { email: row!.email } } });
  });
});
