import { withUnitTier } from '@rtc/testkit/vitest-config';
import { defineConfig } from 'vitest/config';

export default withUnitTier(
  defineConfig({
    test: { testTimeout: 30_000, hookTimeout: 60_000 },
  }),
  [
    'src/catalog/best-selling.test.ts',
    'src/catalog/category-input.test.ts',
    'src/catalog/handles.test.ts',
    'src/catalog/product-input.test.ts',
    'src/catalog/product-listing-args.test.ts',
    'src/catalog/product-sorts.test.ts',
    'src/catalog/search-terms.test.ts',
    'src/catalog/variant-input.test.ts',
    'src/catalog/variant-options.test.ts',
  ],
);
