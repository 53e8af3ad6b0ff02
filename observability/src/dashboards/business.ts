import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { rtcDashboard } from './common';
import { chartHeight, layOut, statHeight } from './layout';
import { ranking, stat, timeseries } from './panels';

// Money is counted in minor units; panels show major units, which assumes two-decimal currencies.
const majorUnits = '/ 100';

/** "RTC business": what merchants watch during the day. */
export function buildBusinessDashboard(): Dashboard {
  return layOut(
    rtcDashboard('rtc-business', 'RTC business', 'Sales, revenue, average order value, top products and stock, live.').time({
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
