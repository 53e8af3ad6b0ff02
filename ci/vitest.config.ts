import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    // The image rehearsal installs, builds and starts a service.
    hookTimeout: 240_000,
  },
});
