import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMysqlPool, createServiceMetrics, runnerOn, type Pool } from '@rtc/service-kit';
import { createTestDatabase, type TestDatabase } from '@rtc/testkit';
import { createOrdersDb } from '../db/client';
import { ordersMigrations } from '../migrations';
import { applyOrdersToRollups } from '../rollups/write-rollups';
import { createOrderMetrics } from './order-metrics';

let database: TestDatabase;
let pool: Pool;

const now = Date.parse('2026-04-01T12:00:00Z');
const at = (minutesAgo: number) => new Date(now - minutesAgo * 60_000);
const sale = (minutesAgo: number, productId: number, quantity: number, currency = 'USD') => ({
  userId: 1,
  placedAt: at(minutesAgo),
  currency,
  totalAmount: quantity * 100,
  lines: [{ productId, quantity, lineAmount: quantity * 100 }],
});

async function topGauge(metrics: ReturnType<typeof createServiceMetrics>) {
  const gauge = await metrics.registry.getSingleMetric('rtc_top_product_units_sold')!.get();
  return gauge.values.map((value) => [value.labels['rank'], value.labels['product'], value.value]);
}

beforeAll(async () => {
  database = await createTestDatabase('orders', ordersMigrations);
  pool = createMysqlPool({ url: database.url, connectionLimit: 2 });
  await applyOrdersToRollups(runnerOn(pool), [
    sale(5, 1, 3),
    sale(50, 1, 2),
    sale(10, 2, 7),
    sale(59, 3, 1, 'EUR'),
    // Older than an hour: left out.
    sale(61, 4, 50),
    ...Array.from({ length: 11 }, (_, i) => sale(1, 100 + i, 1)),
  ]);
});

afterAll(async () => {
  await pool?.end();
  await database?.drop();
});

describe('order metrics', () => {
  it('reports the top 10 products of the last hour by units, refreshed at most every 30 seconds', async () => {
    const metrics = createServiceMetrics('orders', { defaults: false });
    let clock = now;
    createOrderMetrics(metrics, createOrdersDb(pool), { now: () => clock });
    const first = await topGauge(metrics);
    expect(first.slice(0, 3)).toEqual([
      ['1', '2', 7],
      ['2', '1', 5],
      ['3', '3', 1],
    ]);
    expect(first).toHaveLength(10);
    expect(first.map(([rank]) => rank)).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10']);

    await applyOrdersToRollups(runnerOn(pool), [sale(0, 4, 100)]);
    clock = now + 29_000;
    expect(await topGauge(metrics)).toEqual(first);
    clock = now + 31_000;
    expect((await topGauge(metrics))[0]).toEqual(['1', '4', 100]);
  });

  it('counts placed and cancelled orders, revenue and units, from 0 for the store currency', async () => {
    const metrics = createServiceMetrics('orders', { defaults: false });
    const counters = createOrderMetrics(metrics, createOrdersDb(pool), { currencies: ['USD'], now: () => now });
    expect(await metrics.registry.metrics()).toContain('rtc_orders_cancelled_total{currency="USD",service="orders"} 0\n');
    const order = { currency: 'USD', totalAmount: 1_234, itemCount: 3 } as Parameters<typeof counters.placed>[0];
    counters.placed(order);
    counters.placed({ ...order, currency: 'EUR' });
    counters.cancelled(order);
    const text = await metrics.registry.metrics();
    expect(text).toContain('rtc_orders_placed_total{currency="USD",service="orders"} 1\n');
    expect(text).toContain('rtc_orders_placed_total{currency="EUR",service="orders"} 1\n');
    expect(text).toContain('rtc_revenue_minor_units_total{currency="USD",service="orders"} 1234\n');
    expect(text).toContain('rtc_units_sold_total{service="orders"} 6\n');
    expect(text).toContain('rtc_orders_cancelled_total{currency="USD",service="orders"} 1\n');
  });

  it('counts payments and refunds, so net sales are paid less refunded', async () => {
    const metrics = createServiceMetrics('orders', { defaults: false });
    const counters = createOrderMetrics(metrics, createOrdersDb(pool), { currencies: ['USD'], now: () => now });
    expect(await metrics.registry.metrics()).toContain('rtc_refunded_revenue_minor_units_total{currency="USD",service="orders"} 0\n');
    const order = { currency: 'USD', totalAmount: 1_000, itemCount: 1 } as Parameters<typeof counters.placed>[0];
    counters.paid(order);
    counters.paid({ ...order, totalAmount: 400 });
    counters.cancelled({ ...order, totalAmount: 400 }, true);
    counters.cancelled({ ...order, totalAmount: 9_999 });
    const text = await metrics.registry.metrics();
    expect(text).toContain('rtc_orders_paid_total{currency="USD",service="orders"} 2\n');
    expect(text).toContain('rtc_paid_revenue_minor_units_total{currency="USD",service="orders"} 1400\n');
    expect(text).toContain('rtc_orders_refunded_total{currency="USD",service="orders"} 1\n');
    expect(text).toContain('rtc_refunded_revenue_minor_units_total{currency="USD",service="orders"} 400\n');
    expect(text).toContain('rtc_orders_cancelled_total{currency="USD",service="orders"} 2\n');
  });
});
