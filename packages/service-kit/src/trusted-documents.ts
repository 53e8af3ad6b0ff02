import { createHash } from 'node:crypto';
import { GraphQLError, Kind, parse, type OperationDefinitionNode } from 'graphql';
import { z } from 'zod';

/** Codes of a request the gateway's list of trusted documents refuses. */
export const TrustedDocumentCode = {
  /** The id names no document the gateway knows. */
  NotFound: 'PERSISTED_QUERY_NOT_FOUND',
  /** Free text that is not one of the trusted documents, in safelist mode. */
  NotInList: 'PERSISTED_QUERY_NOT_IN_LIST',
} as const;

export function persistedQueryNotFound(id: string): GraphQLError {
  return new GraphQLError(`No trusted document has the id ${id}`, {
    extensions: { code: TrustedDocumentCode.NotFound },
  });
}

export function persistedQueryNotInList(): GraphQLError {
  return new GraphQLError('This operation is not one of the trusted documents; send a registered operation or its id', {
    extensions: { code: TrustedDocumentCode.NotInList },
  });
}

const persistedOperation = z.object({
  id: z.string().regex(/^[0-9a-f]{64}$/, 'must be the sha256 of the body, in hex'),
  name: z.string(),
  type: z.enum(['query', 'mutation', 'subscription']),
  body: z.string().min(1),
});

/** Apollo's persisted query list format, as `@apollo/generate-persisted-query-manifest` writes it. */
export const persistedQueryManifestSchema = z.object({
  format: z.literal('apollo-persisted-query-manifest'),
  version: z.literal(1),
  operations: z.array(persistedOperation),
});

export type PersistedOperation = z.infer<typeof persistedOperation>;
export type PersistedQueryManifest = z.infer<typeof persistedQueryManifestSchema>;

/** A document's id: the sha256 of its exact text, in hex, as Apollo clients send it in `extensions.persistedQuery`. */
export function documentIdOf(body: string): string {
  return createHash('sha256').update(body).digest('hex');
}

/** The text of a document given as a string or a `String` object (graphql-codegen's typed document strings). */
function textOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value instanceof String) return value.toString();
  return undefined;
}

/**
 * The manifest of a client's operations: every value of `operations` that holds exactly one named GraphQL
 * operation (with the fragments it spreads), keyed by the text the client sends, so that text and id both match.
 */
export function createPersistedQueryManifest(operations: Record<string, unknown>): PersistedQueryManifest {
  const entries: PersistedOperation[] = [];
  for (const value of Object.values(operations)) {
    const body = textOf(value);
    if (body === undefined) continue;
    let definitions;
    try {
      definitions = parse(body).definitions;
    } catch {
      continue;
    }
    const [operation, ...rest] = definitions.filter((definition) => definition.kind !== Kind.FRAGMENT_DEFINITION);
    if (!operation || rest.length > 0 || operation.kind !== Kind.OPERATION_DEFINITION) continue;
    const { name, operation: type } = operation as OperationDefinitionNode;
    if (!name) throw new Error(`Name every trusted operation; this one has no name:\n${body}`);
    entries.push({ id: documentIdOf(body), name: name.value, type, body });
  }
  entries.sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  return { format: 'apollo-persisted-query-manifest', version: 1, operations: entries };
}

/** Parses a manifest file's text, checking that each id is the hash of its body. */
export function parsePersistedQueryManifest(text: string, source: string): PersistedQueryManifest {
  const manifest = persistedQueryManifestSchema.parse(JSON.parse(text));
  for (const operation of manifest.operations) {
    if (documentIdOf(operation.body) !== operation.id) throw new Error(`${source}: the id of ${operation.name} is not the sha256 of its body`);
  }
  return manifest;
}

/** The manifest as committed: stable order, two-space indent, a final newline. */
export function formatPersistedQueryManifest(manifest: PersistedQueryManifest): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}
