import { createScrapeReading, Gauge, runnerOn, type Pool, type ServiceMetrics } from '@rtc/service-kit';
import { cartAbandonment } from '../analytics/cart-abandonment';
import { customerRetention } from '../analytics/order-figures';
import { sessionFunnel } from '../analytics/session-funnel';
import type { LiveActivity } from './live-activity';

const hour = 3_600_000;
const day = 24 * hour;

/**
 * The gauges Grafana's behaviour panels read, each from its own query per scrape (shared by scrapes within 100 ms):
 * visitors by stage now, the funnel of the trailing hour, carts abandoned in the trailing 24 h and the
 * returning-customer ratio of the trailing 30 days.
 */
export function registerActivityGauges({
  pool,
  live,
  metrics,
  timeZone,
  currency,
}: {
  pool: Pool;
  live: LiveActivity;
  metrics: ServiceMetrics;
  timeZone: string;
  currency: string;
}): void {
  const runner = runnerOn(pool);
  const readVisitors = createScrapeReading(() => live.visitors());
  const readFunnel = createScrapeReading(() => sessionFunnel(runner, new Date(Date.now() - hour), new Date()));
  const readAbandonment = createScrapeReading(() => cartAbandonment(runner, { from: new Date(Date.now() - day - hour), to: new Date() }, 1, currency));
  const readRetention = createScrapeReading(() => customerRetention(runner, { from: new Date(Date.now() - 30 * day), to: new Date() }, timeZone));
  new Gauge({
    name: 'rtc_activity_live_sessions',
    help: 'Sessions in the store now by stage: browsing, with_cart, in_checkout (active in the last 5 min), purchased (ordered in the last 10 min)',
    labelNames: ['stage'],
    registers: [metrics.registry],
    async collect() {
      const visitors = await readVisitors();
      if (!visitors) return;
      this.set({ stage: 'browsing' }, visitors.browsing);
      this.set({ stage: 'with_cart' }, visitors.withCart);
      this.set({ stage: 'in_checkout' }, visitors.inCheckout);
      this.set({ stage: 'purchased' }, visitors.purchased);
    },
  });
  new Gauge({
    name: 'rtc_activity_funnel_sessions',
    help: 'Sessions started in the trailing hour that reached each funnel stage',
    labelNames: ['stage'],
    registers: [metrics.registry],
    async collect() {
      const steps = await readFunnel();
      for (const step of steps ?? []) this.set({ stage: step.stage.toLowerCase() }, step.sessions);
    },
  });
  new Gauge({
    name: 'rtc_activity_abandoned_carts',
    help: 'Carts whose last addition fell in the trailing 24 h (and is over an hour old) with no order within the hour',
    registers: [metrics.registry],
    async collect() {
      const abandonment = await readAbandonment();
      if (abandonment) this.set(abandonment.abandoned);
    },
  });
  new Gauge({
    name: 'rtc_activity_returning_customer_ratio',
    help: 'Among customers who ordered in the trailing 30 days, the share with an earlier order',
    registers: [metrics.registry],
    async collect() {
      const retention = await readRetention();
      if (retention) this.set(retention.returningRate);
    },
  });
}
