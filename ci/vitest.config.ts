import { withUnitTier } from '@rtc/testkit/vitest-config';
import { defineConfig } from 'vitest/config';

export default withUnitTier(
  defineConfig({
    test: {
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      testTimeout: 60_000,
      // The image rehearsal installs, builds and starts a service.
      hookTimeout: 240_000,
    },
  }),
  ['test/deploy-plan.test.ts', 'test/dockerignore.test.ts'],
);
