import { withUnitTier } from '@rtc/testkit/vitest-config';
import { defineConfig } from 'vitest/config';

export default withUnitTier(
  defineConfig({
    test: { testTimeout: 30_000, hookTimeout: 60_000 },
  }),
  ['src/accounts/password.test.ts'],
);
