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
        contextType: '../context#UsersContext',
        mappers: { User: '../accounts/user-view#UserView', Address: '../db/schema#AddressRow' },
        scalars: { DateTime: 'Date' },
      },
    },
  },
};

export default config;
