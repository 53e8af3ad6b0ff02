// Plain JavaScript: vitest loads config files through Node, which cannot import TypeScript from node_modules.
import { createRequire } from 'node:module';
import { defineConfig, mergeConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

/**
 * The test setup every RTC package shares. graphql is pinned to its CommonJS build: Apollo loads that one,
 * and a second (ESM) copy in the same process breaks graphql's instanceof checks ("another module or realm").
 * @param {import('vitest/config').UserConfig} [overrides]
 */
export function defineTestConfig(overrides = {}) {
  return mergeConfig(
    defineConfig({
      resolve: { alias: { graphql: require.resolve('graphql') } },
      test: { testTimeout: 30_000, hookTimeout: 120_000 },
    }),
    overrides,
  );
}
