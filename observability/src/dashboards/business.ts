import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { rtcDashboard } from './common';
import { chartHeight, layOut, statHeight } from './layout';
import { ranking, stat, timeseries } from './panels';

// Money is counted in minor units; panels show major units, which assumes two-decimal currencies.
const majorUnits = '/ 100';

/** "RTC business": what merchants watch during the day. */
export function buildBusinessDashboard(): Dashboard {
  return layOut(
    rtcDashboard('rtc-business', 'RTC business', 'Sales, revenue, average order value, shoppers, conversion, top products and stock, live.').time({
      from: 'now-6h',
      to: 'now',
    }),
    [
      {
        title: 'Right now',
        height: statHeight,
        panels: [
          stat({
            title: 'Orders per minute',
            description: 'Orders placed in the last minute, all currencies.',
            unit: 'none',
            queries: [{ expr: 'sum(rtc:orders_placed:rate1m) * 60', legend: 'orders/min' }],
          }),
          stat({
            title: 'Orders, last hour',
            description: 'Gross: orders placed in the trailing hour. Net: orders paid less paid orders refunded in it. All currencies.',
            unit: 'none',
            queries: [
              { expr: 'sum(rtc:orders_placed:increase1h)', legend: 'gross' },
              { expr: 'sum(rtc:net_orders:increase1h)', legend: 'net' },
            ],
          }),
          stat({
            title: 'Gross sales, last hour',
            description: 'Gross: totals of every order placed in the trailing hour, paid or not, per currency, in major units.',
            unit: 'none',
            queries: [{ expr: `rtc:revenue_minor_units:increase1h ${majorUnits}`, legend: '{{currency}}' }],
          }),
          stat({
            title: 'Net sales, last hour',
            description:
              'Net: payments captured in the trailing hour less refunds of cancelled paid orders, per currency, in major units. Counted when paid or refunded; the analytics API dates them by placement instead.',
            unit: 'none',
            queries: [{ expr: `rtc:net_revenue_minor_units:increase1h ${majorUnits}`, legend: '{{currency}}' }],
          }),
          stat({
            title: 'Average order value (net), last hour',
            description: 'Net revenue ÷ net orders over the trailing hour, per currency, in major units.',
            unit: 'none',
            queries: [{ expr: `rtc:net_average_order_value:1h ${majorUnits}`, legend: '{{currency}}' }],
          }),
          stat({
            title: 'Units sold, last hour',
            description: 'Units in the lines of orders placed in the trailing hour.',
            unit: 'none',
            queries: [{ expr: 'sum(increase(rtc_units_sold_total[1h]))', legend: 'units' }],
          }),
        ],
      },
      {
        title: 'Sales',
        height: chartHeight,
        panels: [
          timeseries({
            title: 'Sales per minute',
            description: 'Orders per minute, per currency: placed (gross), net (paid less paid orders refunded) and cancelled (paid or not).',
            unit: 'none',
            queries: [
              { expr: 'rtc:orders_placed:rate1m * 60', legend: 'placed (gross) {{currency}}' },
              { expr: 'rtc:net_orders:rate1m * 60', legend: 'net {{currency}}' },
              { expr: 'rtc:orders_cancelled:rate1m * 60', legend: 'cancelled {{currency}}' },
            ],
          }),
          timeseries({
            title: 'Gross vs net sales per minute',
            description: 'Gross: totals of orders placed per minute. Net: payments captured less refunds per minute. Per currency, in major units.',
            unit: 'none',
            queries: [
              { expr: `rtc:revenue_minor_units:rate1m * 60 ${majorUnits}`, legend: 'gross {{currency}}' },
              { expr: `rtc:net_revenue_minor_units:rate1m * 60 ${majorUnits}`, legend: 'net {{currency}}' },
            ],
          }),
          timeseries({
            title: 'Average order value',
            description: 'Over the trailing hour, per currency, in major units: gross (revenue ÷ orders placed) and net (net revenue ÷ net orders).',
            unit: 'none',
            queries: [
              { expr: `rtc:average_order_value:1h ${majorUnits}`, legend: 'gross {{currency}}' },
              { expr: `rtc:net_average_order_value:1h ${majorUnits}`, legend: 'net {{currency}}' },
            ],
          }),
          timeseries({
            title: 'Sign-ups per minute',
            description: 'New customer accounts per minute.',
            unit: 'none',
            queries: [{ expr: 'rtc:user_signups:rate1m * 60', legend: 'sign-ups/min' }],
          }),
        ],
      },
      {
        title: 'Shoppers',
        height: statHeight,
        panels: [
          stat({
            title: 'Shoppers right now',
            description: 'Storefront sessions active in the last 5 minutes that have not bought yet: browsing, with a cart or in checkout.',
            unit: 'none',
            queries: [{ expr: 'sum(rtc:activity_live_sessions:max{stage!="purchased"})', legend: 'sessions' }],
          }),
          stat({
            title: 'Conversion, last hour',
            description: "Share of the trailing hour's sessions that placed an order.",
            unit: 'percentunit',
            queries: [{ expr: 'rtc:activity_conversion:1h', legend: 'conversion' }],
          }),
          stat({
            title: 'Abandoned carts, last 24 h',
            description: 'Carts of the trailing 24 hours with no order an hour after their last change.',
            unit: 'none',
            queries: [{ expr: 'max(rtc_activity_abandoned_carts)', legend: 'carts' }],
          }),
          stat({
            title: 'Returning customers, last 30 days',
            description: 'Among customers who ordered in the trailing 30 days, the share who had ordered before.',
            unit: 'percentunit',
            queries: [{ expr: 'max(rtc_activity_returning_customer_ratio)', legend: 'returning' }],
          }),
        ],
      },
      {
        title: 'Customer behaviour',
        height: chartHeight,
        panels: [
          timeseries({
            title: 'Sessions by stage',
            description: 'Sessions active in the last 5 minutes by the furthest stage they reached; purchased: ordered in the last 10 minutes.',
            unit: 'none',
            queries: [{ expr: 'rtc:activity_live_sessions:max', legend: '{{stage}}' }],
          }),
          ranking({
            title: 'Funnel, last hour',
            description: 'Sessions of the trailing hour that reached each step: viewed a product, added to cart, started checkout, ordered.',
            unit: 'none',
            queries: (['session', 'product_view', 'cart', 'checkout', 'purchase'] as const).map((stage) => ({
              expr: `rtc:activity_funnel_sessions:max{stage="${stage}"}`,
              legend: stage,
            })),
          }),
          timeseries({
            title: 'Conversion and cart abandonment',
            description: "Share of the trailing hour's sessions that ordered, and share of its carts that reached no order.",
            unit: 'percentunit',
            queries: [
              { expr: 'rtc:activity_conversion:1h', legend: 'conversion' },
              { expr: 'rtc:activity_cart_abandonment:1h', legend: 'cart abandonment' },
              { expr: 'max(rtc_activity_returning_customer_ratio)', legend: 'returning customers (30 d)' },
            ],
          }),
          timeseries({
            title: 'Behaviour events per second',
            description: 'Storefront events accepted per second by kind, and events refused by reason.',
            unit: 'none',
            queries: [
              { expr: 'rtc:activity_events:rate1m', legend: '{{kind}}' },
              { expr: 'rtc:activity_events_rejected:rate1m', legend: 'refused: {{reason}}' },
            ],
          }),
        ],
      },
      {
        title: 'Products',
        height: chartHeight,
        panels: [
          ranking({
            title: 'Top products, last hour',
            description: 'Units sold in the trailing hour by the ten best-selling products, cancelled orders left out.',
            unit: 'none',
            queries: [{ expr: 'sort_desc(max by (product) (rtc_top_product_units_sold))', legend: '{{product}}' }],
          }),
          timeseries({
            title: 'Units sold per minute',
            description: 'Units in the lines of orders placed per minute.',
            unit: 'none',
            queries: [{ expr: 'rtc:units_sold:rate1m * 60', legend: 'units/min' }],
          }),
          timeseries({
            title: 'Stock',
            description: 'Products at or under their low-stock threshold, and products with nothing available.',
            unit: 'none',
            queries: [
              { expr: 'rtc:products_low_stock:max', legend: 'low stock' },
              { expr: 'rtc:products_out_of_stock:max', legend: 'out of stock' },
            ],
          }),
        ],
      },
    ],
  ).build();
}
