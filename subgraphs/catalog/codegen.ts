import type { CodegenConfig } from '@graphql-codegen/cli';

const config: CodegenConfig = {
  schema: 'schema.graphql',
  generates: {
    'src/__generated__/resolvers-types.ts': {
      plugins: ['typescript', 'typescript-resolvers'],
      config: {
        federation: true,
        useIndexSignature: true,
        useTypeImports: true,
        enumsAsTypes: true,
        contextType: '../context#CatalogContext',
        mappers: {
          Product: '../db/schema#ProductRow',
          ProductVariant: '../db/schema#ProductVariantRow',
          Category: '../db/schema#CategoryRow',
          ProductImage: '../db/schema#ProductImageRow',
          ProductConnection: '../catalog/product-listing#ProductPage',
          ProductEdge: '../catalog/product-listing#ProductPageEdge',
          ProductFacets: '../catalog/product-facets#ProductFacetCounts',
          CategoryFacet: '../catalog/product-facets#CategoryCount',
        },
        scalars: { DateTime: 'Date', SafeInt: 'number' },
      },
    },
  },
};

export default config;
