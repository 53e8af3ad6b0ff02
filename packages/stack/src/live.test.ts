import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Counter } from '@rtc/service-kit';
import { connectLive, postGraphQL, queryRows, type LiveClient } from '@rtc/testkit';
import { createProducts, placeOrder, startTestStack, type CreatedProduct, type TestStack } from './testing';

let stack: TestStack;
let analyst: { id: string; token: string };
let admin: { id: string; token: string };
let customer: { id: string; token: string };
let products: CreatedProduct[];
const clients: LiveClient[] = [];

const connect = (token?: string) => {
  const live = connectLive(stack.graphqlUrl, token ? { authorization: `Bearer ${token}` } : undefined);
  clients.push(live);
  return live;
};

const tickSelection = `subscription Ticks {
  salesTicks { at order { id total { amount currency } user { name } lines { quantity product { name category { name } stock { available } } } } }
}`;

interface Tick {
  salesTicks: {
    at: string;
    order: {
      id: string;
      total: { amount: number };
      user: { name: string };
      lines: { quantity: number; product: { name: string; category: { name: string }; stock: { available: number } } }[];
    };
  };
}

async function counterValue(name: string, field: string): Promise<number> {
  const metric = stack.gatewayMetrics.registry.getSingleMetric(name) as Counter | undefined;
  const values = (await metric?.get())?.values ?? [];
  return values.find((value) => value.labels['field'] === field)?.value ?? 0;
}

beforeAll(async () => {
  stack = await startTestStack();
  admin = await stack.createUser('ADMIN');
  analyst = await stack.createUser('ANALYST');
  customer = await stack.createUser('CUSTOMER', 'Katherine Johnson');
  // Sales of a minute before the gateway started, as the rollups hold them: the live window must read them back.
  const earlier = new Date(Math.floor((Date.now() - 5 * 60_000) / 60_000) * 60_000);
  // 8 orders placed that minute: 7 not cancelled, of which 5 paid.
  await queryRows(
    stack.databaseUrl('orders'),
    'INSERT INTO sales_by_minute (currency, minute, orders, revenue, units, gross_orders, gross_revenue, gross_units, net_orders, net_revenue, net_units) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ['USD', earlier, 7, 70_000, 9, 8, 80_000, 11, 5, 50_000, 6],
  );
  products = await createProducts(stack.graphqlUrl, admin.token, [
    { price: 2_500, stock: 100, name: 'Walnut Desk Lamp' },
    { price: 800, stock: 12, name: 'Linen Notebook' },
  ]);
});

afterAll(async () => {
  await Promise.all(clients.map((client) => client.dispose()));
  await stack?.stop();
});

describe('live sales over graphql-ws', () => {
  it('pushes a sales tick whose federated selection spans all four subgraphs', async () => {
    const ticks = connect(analyst.token).subscribe<Tick>(tickSelection);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const placed = await placeOrder(stack.graphqlUrl, customer.token, [{ productId: products[0]!.id, quantity: 3 }]);
    const tick = (await ticks.next()).data!.salesTicks;
    expect(tick.order.id).toBe(placed.data!.placeOrder.order!.id);
    expect(tick.order.user.name).toBe('Katherine Johnson');
    expect(tick.order.total.amount).toBe(7_500);
    expect(tick.order.lines).toEqual([
      { quantity: 3, product: { name: 'Walnut Desk Lamp', category: { name: expect.any(String) }, stock: { available: 97 } } },
    ]);
    ticks.stop();
  });

  it('sends a subscriber that asked for coalesce: true its ticks under ticks, each order federated and exact', async () => {
    const coalescing = connect(analyst.token).subscribe<{
      salesTicks: { order: { id: string }; ticks: { at: string; order: { id: string; user: { name: string }; total: { amount: number } } }[] };
    }>('subscription { salesTicks(coalesce: true) { order { id } ticks { at order { id user { name } total { amount } } } } }');
    await new Promise((resolve) => setTimeout(resolve, 200));
    const placed = await placeOrder(stack.graphqlUrl, customer.token, [{ productId: products[0]!.id, quantity: 2 }]);
    const tick = (await coalescing.next()).data!.salesTicks;
    expect(tick.order.id).toBe(placed.data!.placeOrder.order!.id);
    expect(tick.ticks).toEqual([
      { at: expect.any(String), order: { id: placed.data!.placeOrder.order!.id, user: { name: 'Katherine Johnson' }, total: { amount: 5_000 } } },
    ]);
    coalescing.stop();
  });

  it('resolves each event once per distinct operation and caller scope, however many subscribe', async () => {
    const sameOperation = [connect(analyst.token), connect(analyst.token), connect(admin.token)].map((client) => client.subscribe<Tick>(tickSelection));
    const other = connect(analyst.token).subscribe<{ salesTicks: { order: { id: string } } }>('subscription { salesTicks { order { id } } }');
    await new Promise((resolve) => setTimeout(resolve, 200));
    const resolutionsBefore = await counterValue('rtc_gateway_subscription_resolutions_total', 'salesTicks');
    const deliveredBefore = await counterValue('rtc_gateway_events_delivered_total', 'salesTicks');
    await placeOrder(stack.graphqlUrl, customer.token, [{ productId: products[0]!.id, quantity: 1 }]);
    const received = await Promise.all([...sameOperation, other].map((subscription) => subscription.next()));
    expect(new Set(received.map((result) => (result.data as Tick).salesTicks.order.id)).size).toBe(1);
    // Two analysts share one resolution; the admin's group and the other operation resolve on their own.
    expect((await counterValue('rtc_gateway_subscription_resolutions_total', 'salesTicks')) - resolutionsBefore).toBe(3);
    expect((await counterValue('rtc_gateway_events_delivered_total', 'salesTicks')) - deliveredBefore).toBe(4);
    [...sameOperation, other].forEach((subscription) => subscription.stop());
  });

  it('sends current sales statistics at once on subscribe, then every second', async () => {
    const stats = connect(analyst.token).subscribe<{ salesStats: { orders: number; revenue: { amount: number }; ordersPerMinute: number } }>(
      'subscription { salesStats(windowSeconds: 60) { orders revenue { amount currency } units averageOrderValue { amount } ordersPerMinute at } }',
    );
    const first = (await stats.next(1_500)).data!.salesStats;
    expect(first.orders).toBeGreaterThanOrEqual(2);
    expect(first.revenue.amount).toBeGreaterThanOrEqual(10_000);
    await placeOrder(stack.graphqlUrl, customer.token, [{ productId: products[0]!.id, quantity: 1 }]);
    let latest = first;
    for (let i = 0; i < 3 && latest.orders === first.orders; i++) latest = (await stats.next(2_000)).data!.salesStats;
    expect(latest.orders).toBe(first.orders + 1);
    stats.stop();
  });

  it('moves net sales when an order is paid and again when it is refunded, leaving gross as placed', async () => {
    type Figures = { orders: number; revenue: { amount: number } };
    const stats = connect(analyst.token).subscribe<{ salesStats: { gross: Figures; net: Figures } }>(
      'subscription { salesStats(windowSeconds: 600) { gross { orders revenue { amount } } net { orders revenue { amount } } } }',
    );
    const first = (await stats.next(1_500)).data!.salesStats;
    const until = async (done: (current: { gross: Figures; net: Figures }) => boolean) => {
      for (let i = 0; i < 5; i++) {
        const current = (await stats.next(2_000)).data!.salesStats;
        if (done(current)) return current;
      }
      throw new Error('the statistics did not move');
    };
    const placed = (await placeOrder(stack.graphqlUrl, customer.token, [{ productId: products[0]!.id, quantity: 2 }])).data!.placeOrder.order!;
    const call = async (query: string) => {
      const result = await postGraphQL(stack.graphqlUrl, query, { id: placed.id }, { token: customer.token });
      expect(result.errors).toBeUndefined();
    };
    await call('mutation($id: ID!) { payOrder(input: { orderId: $id, paymentToken: "tok_visa" }) { order { id } errors { code } } }');
    const paid = await until((current) => current.net.orders === first.net.orders + 1);
    expect(paid).toEqual({
      gross: { orders: first.gross.orders + 1, revenue: { amount: first.gross.revenue.amount + 5_000 } },
      net: { orders: first.net.orders + 1, revenue: { amount: first.net.revenue.amount + 5_000 } },
    });
    await call('mutation($id: ID!) { cancelOrder(input: { orderId: $id }) { order { id } errors { code } } }');
    const refunded = await until((current) => current.net.orders === first.net.orders);
    expect(refunded).toEqual({ gross: paid.gross, net: first.net });
    stats.stop();
  });

  it('counts the sales of the hour before the gateway started, read back from the rollups', async () => {
    const [placedSinceStart] = await queryRows<{
      orders: number;
      revenue: number;
      gross_orders: number;
      gross_revenue: number;
      net_orders: number;
      net_revenue: number;
    }>(
      stack.databaseUrl('orders'),
      `SELECT SUM(status <> 'CANCELLED') AS orders, COALESCE(SUM(IF(status <> 'CANCELLED', total_amount, 0)), 0) AS revenue,
         COUNT(*) AS gross_orders, COALESCE(SUM(total_amount), 0) AS gross_revenue,
         SUM(status IN ('PAID', 'SHIPPED', 'DELIVERED')) AS net_orders, COALESCE(SUM(IF(status IN ('PAID', 'SHIPPED', 'DELIVERED'), total_amount, 0)), 0) AS net_revenue
       FROM orders`,
    );
    const stats = connect(analyst.token).subscribe<{ salesStats: { orders: number; revenue: { amount: number } } }>(
      'subscription { salesStats(windowSeconds: 3600) { orders revenue { amount } gross { orders revenue { amount } } net { orders revenue { amount } } } }',
    );
    const sums = placedSinceStart!;
    expect((await stats.next(2_000)).data!.salesStats).toEqual({
      orders: 7 + Number(sums.orders),
      revenue: { amount: 70_000 + Number(sums.revenue) },
      gross: { orders: 8 + Number(sums.gross_orders), revenue: { amount: 80_000 + Number(sums.gross_revenue) } },
      net: { orders: 5 + Number(sums.net_orders), revenue: { amount: 50_000 + Number(sums.net_revenue) } },
    });
    stats.stop();
  });

  it('raises an inventory alert with the product resolved from catalog', async () => {
    const alerts = connect(admin.token).subscribe<{ inventoryAlerts: { kind: string; available: number; product: { name: string } } }>(
      'subscription { inventoryAlerts { kind available threshold product { name } } }',
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    await placeOrder(stack.graphqlUrl, customer.token, [{ productId: products[1]!.id, quantity: 3 }]);
    expect((await alerts.next()).data!.inventoryAlerts).toMatchObject({ kind: 'LOW_STOCK', available: 9, product: { name: 'Linen Notebook' } });
    alerts.stop();
  });

  it("lets a customer follow their own order's status, and no one else's", async () => {
    const orderId = (await placeOrder(stack.graphqlUrl, customer.token, [{ productId: products[0]!.id, quantity: 1 }])).data!.placeOrder.order!.id;
    const owner = connect(customer.token).subscribe<{ orderStatus: { status: string; previousStatus: string } }>(
      'subscription($id: ID!) { orderStatus(orderId: $id) { status previousStatus order { id total { amount } } } }',
      { id: orderId },
    );
    const stranger = await stack.createUser('CUSTOMER');
    const refused = connect(stranger.token).subscribe('subscription($id: ID!) { orderStatus(orderId: $id) { status } }', { id: orderId });
    expect(JSON.stringify(await refused.failure())).toContain('FORBIDDEN');
    await new Promise((resolve) => setTimeout(resolve, 200));
    await postGraphQL(
      stack.graphqlUrl,
      'mutation($id: ID!) { cancelOrder(input: { orderId: $id }) { order { status } errors { code } } }',
      { id: orderId },
      { token: customer.token },
    );
    expect((await owner.next()).data!.orderStatus).toMatchObject({ status: 'CANCELLED', previousStatus: 'PENDING' });
    owner.stop();
  });

  it('answers bad subscriptions with graphql-ws errors and leaves other subscribers untouched', async () => {
    const client = connect(customer.token);
    const healthy = connect(analyst.token).subscribe<Tick>(tickSelection);
    const forbidden = client.subscribe('subscription { salesTicks { at } }');
    const unknown = client.subscribe('subscription { nope }');
    const outOfRange = connect(analyst.token).subscribe('subscription { salesStats(windowSeconds: 5) { orders } }');
    expect(JSON.stringify(await forbidden.failure())).toContain('FORBIDDEN');
    expect(JSON.stringify(await unknown.failure())).toContain('nope');
    expect(JSON.stringify(await outOfRange.failure())).toContain('windowSeconds');
    await new Promise((resolve) => setTimeout(resolve, 200));
    await placeOrder(stack.graphqlUrl, customer.token, [{ productId: products[0]!.id, quantity: 1 }]);
    expect((await healthy.next()).data!.salesTicks.order.user.name).toBe('Katherine Johnson');
    healthy.stop();
  });

  it('closes a connection whose token is bad with 4403, and refuses anonymous subscribers', async () => {
    const bad = connect('not-a-token');
    expect(await bad.closed()).toBe(4403);
    const anonymous = connect().subscribe('subscription { salesTicks { at } }');
    expect(JSON.stringify(await anonymous.failure())).toContain('UNAUTHENTICATED');
  });
});
