// One lint config for the whole monorepo: real bugs only (floating promises, undeclared dependencies,
// environment read outside env.ts); formatting is Prettier's business.
import importX from 'eslint-plugin-import-x';
import nodePlugin from 'eslint-plugin-n';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '**/__generated__/**',
      '**/.turbo/**',
      '**/test-results/**',
      '**/drizzle/**',
      '**/*.d.ts',
      '**/*.js',
      '**/*.mjs',
    ],
  },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { 'import-x': importX, n: nodePlugin },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'import-x/no-extraneous-dependencies': [
        'error',
        {
          // The benchmark's peer gateway is a devDependency of bench: it never ships.
          devDependencies: [
            '**/*.test.ts',
            '**/dashboard/**',
            '**/vitest.config.ts',
            '**/codegen.ts',
            '**/drizzle.config.ts',
            '**/testing.ts',
            '**/tests/**',
            '**/bench/hive/**',
          ],
        },
      ],
      'n/no-process-env': 'error',
    },
  },
  {
    // The only places that read the environment: each service's env.ts, tests, scripts and benchmarks.
    files: ['**/env.ts', '**/*.test.ts', '**/scripts/**', 'bench/**', 'ci/**', 'pulumi/**', 'observability/src/**', 'packages/testkit/src/databases.ts'],
    rules: { 'n/no-process-env': 'off' },
  },
);
