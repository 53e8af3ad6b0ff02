import { withUnitTier } from '@rtc/testkit/vitest-config';
import { defineConfig } from 'vitest/config';

export default withUnitTier(
  defineConfig({
    test: { testTimeout: 30_000, hookTimeout: 60_000 },
  }),
  ['src/analytics/funnel-steps.test.ts', 'src/ingest/session-updates.test.ts', 'src/ingest/validate-events.test.ts', 'src/orders/order-facts.test.ts'],
);
