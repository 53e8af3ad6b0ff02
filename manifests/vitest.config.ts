import { withUnitTier } from '@rtc/testkit/vitest-config';
import { defineConfig } from 'vitest/config';

export default withUnitTier(
  defineConfig({
    test: {
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      // Rendering shells out to kubectl kustomize, which is slow on a loaded machine.
      testTimeout: 30_000,
    },
  }),
  ['src/**/*.test.ts', 'test/**/*.test.ts'],
);
