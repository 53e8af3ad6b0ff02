import { withUnitTier } from '@rtc/testkit/vitest-config';
import { defineConfig } from 'vitest/config';

export default withUnitTier(
  defineConfig({
    test: {
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      // The parity test shells out to kubectl; rendering and validating are fast.
      testTimeout: 30_000,
    },
  }),
  ['src/**/*.test.ts', 'test/**/*.test.ts'],
);
