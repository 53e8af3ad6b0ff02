// Plain JavaScript: vitest loads config files through Node, which cannot import TypeScript from node_modules.
import { createRequire } from 'node:module';
import { configDefaults, defineConfig, mergeConfig } from 'vitest/config';

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

/**
 * Splits a package's tests into two vitest projects: `unit`, the listed files (no database, no network server),
 * and `integration`, every other test. `vitest run` runs both; `vitest run --project unit`
 * is the fast tier that turbo may cache.
 * @param {import('vitest/config').UserConfig} config
 * @param {string[]} unitFiles globs relative to the package
 */
export function withUnitTier(config, unitFiles) {
  const { include = configDefaults.include, ...test } = config.test ?? {};
  return {
    ...config,
    test: {
      ...test,
      // Projects inherit the root's arrays by concatenation, so `include` is set on each project, not on the root.
      projects: [
        { extends: true, test: { name: 'unit', include: unitFiles } },
        { extends: true, test: { name: 'integration', include, exclude: [...configDefaults.exclude, ...unitFiles] } },
      ],
    },
  };
}
