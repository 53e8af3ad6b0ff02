// The dashboard's operation types, generated from the public (API) schema of the committed supergraph:
// a schema change that breaks a dashboard operation fails the gateway's typecheck.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Supergraph } from '@apollo/federation-internals';
import type { CodegenConfig } from '@graphql-codegen/cli';
import { printSchema } from 'graphql';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/** What clients see: the supergraph without its join directives and `@inaccessible` parts. */
function readApiSchema(): string {
  const supergraph = Supergraph.build(readFileSync(here('../supergraph.graphql'), 'utf8'));
  return printSchema(supergraph.apiSchema().toGraphQLJSSchema());
}

export function createDashboardCodegenConfig(): CodegenConfig {
  return {
    schema: readApiSchema(),
    documents: [here('./src/**/*.ts'), `!${here('./src/__generated__/**')}`],
    silent: true,
    generates: {
      [here('./src/__generated__/')]: {
        preset: 'client',
        presetConfig: { fragmentMasking: false },
        config: {
          // The dashboard sends text (over fetch and graphql-ws), so documents stay strings, typed.
          documentMode: 'string',
          enumsAsTypes: true,
          useTypeImports: true,
          scalars: { DateTime: 'string', SafeInt: 'number' },
        },
      },
    },
  };
}
