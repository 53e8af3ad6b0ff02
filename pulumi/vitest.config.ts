import { withUnitTier } from '@rtc/testkit/vitest-config';
import { defineConfig } from 'vitest/config';

export default withUnitTier(
  defineConfig({
    test: {
      include: ['tests/**/*.test.ts'],
      // Each file builds whole stacks under in-process mocks; the first import of the AWS SDK is slow.
      testTimeout: 60_000,
      hookTimeout: 120_000,
    },
  }),
  ['tests/**/*.test.ts'],
);
