import { withUnitTier } from '@rtc/testkit/vitest-config';
import { defineConfig } from 'vitest/config';

export default withUnitTier(
  defineConfig({
    test: { testTimeout: 30_000, hookTimeout: 60_000 },
  }),
  [
    'src/analytics/rolling-stats.test.ts',
    'src/analytics/sales-window.test.ts',
    'src/carts/merge-lines.test.ts',
    'src/clients/cached-catalog.test.ts',
    'src/checkout/order-input.test.ts',
    'src/checkout/pricing.test.ts',
    'src/checkout/reservation-reference.test.ts',
    'src/checkout/single-flight.test.ts',
    'src/lifecycle/transitions.test.ts',
    'src/orders/payment-status.test.ts',
    'src/rollups/rollup-deltas.test.ts',
    'src/totals/order-totals.test.ts',
  ],
);
