import { withUnitTier } from '@rtc/testkit/vitest-config';
import { defineConfig } from 'vitest/config';

export default withUnitTier(
  defineConfig({
    test: { testTimeout: 30_000, hookTimeout: 60_000 },
  }),
  [
    'src/reservations/reserve-request.test.ts',
    'src/schema-contract.test.ts',
    'src/stock/alerts.test.ts',
    'src/stock/stock-arguments.test.ts',
    'src/stock/stock-changed.test.ts',
    'src/stock/stock-level.test.ts',
  ],
);
