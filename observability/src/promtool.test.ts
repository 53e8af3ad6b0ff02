import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { lintMetrics } from './promtool';

function serviceRegistry(): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service: 'orders' });
  collectDefaultMetrics({ register: registry });
  new Counter({ name: 'rtc_orders_placed_total', help: 'Orders placed', labelNames: ['currency'], registers: [registry] }).inc({
    currency: 'EUR',
  });
  new Histogram({
    name: 'rtc_graphql_request_duration_seconds',
    help: 'GraphQL request duration',
    labelNames: ['operation'],
    registers: [registry],
  }).observe({ operation: 'PlaceOrder' }, 0.02);
  new Gauge({ name: 'rtc_outbox_pending_events', help: 'Outbox rows not yet published', registers: [registry] }).set(0);
  return registry;
}

describe('lintMetrics', () => {
  it("passes a service's exposition with prom-client's defaults, whose *_total gauges are allowed", async () => {
    const exposition = await serviceRegistry().metrics();
    expect(exposition).toContain('nodejs_active_handles_total');
    expect(await lintMetrics(exposition)).toEqual([]);
  });

  it('reports our own metrics that break the naming conventions', async () => {
    const registry = serviceRegistry();
    new Gauge({ name: 'rtc_products_total', help: 'A gauge misnamed as a counter', registers: [registry] }).set(1);
    new Counter({ name: 'rtc_checkout_latency_ms', help: 'Latency counted in milliseconds', registers: [registry] }).inc();
    const problems = await lintMetrics(await registry.metrics());
    expect(problems.some((problem) => problem.startsWith('rtc_products_total'))).toBe(true);
    expect(problems.some((problem) => problem.startsWith('rtc_checkout_latency_ms'))).toBe(true);
  });
});
