import { runnerOn, type Pool } from '@rtc/service-kit';
import { cartAbandonment, validateTopProductsLimit, type CartAbandonment } from './cart-abandonment';
import type { FunnelStep } from './funnel-steps';
import { customerRetention, dailyOrderStats, type CustomerRetention, type DailyOrderStats } from './order-figures';
import { sessionFunnel } from './session-funnel';
import { timeWindow } from './time-window';

export interface ActivityAnalytics {
  funnel(from: Date, to: Date): Promise<FunnelStep[]>;
  cartAbandonment(from: Date, to: Date, limit: number | null | undefined): Promise<CartAbandonment>;
  customerRetention(from: Date, to: Date): Promise<CustomerRetention>;
  dailyOrderStats(from: Date, to: Date): Promise<DailyOrderStats[]>;
}

export function createActivityAnalytics({ pool, timeZone, currency }: { pool: Pool; timeZone: string; currency: string }): ActivityAnalytics {
  const runner = runnerOn(pool);
  return {
    funnel: (from, to) => sessionFunnel(runner, ...spread(timeWindow(from, to, 93))),
    cartAbandonment: (from, to, limit) => cartAbandonment(runner, timeWindow(from, to, 93), validateTopProductsLimit(limit), currency),
    customerRetention: (from, to) => customerRetention(runner, timeWindow(from, to, 53 * 7), timeZone),
    dailyOrderStats: (from, to) => dailyOrderStats(runner, timeWindow(from, to, 366), timeZone, currency),
  };
}

const spread = ({ from, to }: { from: Date; to: Date }) => [from, to] as const;
