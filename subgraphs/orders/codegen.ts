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
        contextType: '../context#OrdersContext',
        mappers: {
          Order: '../db/schema#OrderRow',
          OrderConnection: '../orders/order-pages#OrderPage',
          OrderLine: '../orders/order-lines#OrderLineView',
          User: '../orders/references#UserReference',
          Product: '../orders/references#ProductReference',
          ProductVariant: '../orders/references#VariantReference',
        },
        scalars: { DateTime: 'Date', SafeInt: 'number' },
      },
    },
  },
};

export default config;
