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
        contextType: '../context#ActivityContext',
        mappers: {
          AbandonedProduct: '../analytics/cart-abandonment#AbandonedProductFigures',
        },
        scalars: { DateTime: 'Date', SafeInt: 'number' },
      },
    },
  },
};

export default config;
