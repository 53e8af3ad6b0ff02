import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Tests start real Prometheus processes and run promtool.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
