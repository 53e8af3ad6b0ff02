import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { InMemoryLRUCache, PrefixingKeyValueCache, type KeyValueCache } from '@apollo/utils.keyvaluecache';
import { GraphQLError } from 'graphql';
import { documentIdOf, persistedQueryNotFound, persistedQueryNotInList, type PersistedQueryManifest } from '@rtc/service-kit';

/** `safelist`: only the trusted documents run (production). `open`: any operation runs, ids of trusted ones too. */
export type TrustedDocumentsMode = 'safelist' | 'open';

/** What a client sends to name its operation: the text, an id, or both. */
export interface OperationSource {
  readonly query?: unknown;
  readonly documentId?: unknown;
  readonly extensions?: unknown;
}

export interface TrustedDocuments {
  readonly mode: TrustedDocumentsMode;
  /** How many documents the manifests hold. */
  readonly size: number;
  /** Apollo Server's `persistedQueries`: ids resolve from the manifests; only open mode registers new ones (APQ). */
  readonly persistedQueries: { readonly cache: KeyValueCache<string> };
  /** Refuses, in safelist mode, any HTTP operation whose text is not a trusted document (GET included). */
  readonly plugin: ApolloServerPlugin<BaseContext>;
  /**
   * Rewrites a GraphQL-over-HTTP body's `documentId` into the `persistedQuery` extension Apollo Server reads and,
   * in safelist mode, throws on free text before it is parsed, so that no validation error describes the schema.
   */
  prepareBody(body: unknown): unknown;
  /** The text to run for a graphql-ws subscribe payload, or the error to answer it with. */
  sourceOf(payload: OperationSource): string | GraphQLError;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The id a request names, from `extensions.persistedQuery.sha256Hash` (Apollo clients) or `documentId` (`sha256:<hex>` or bare hex). */
export function documentIdIn({ documentId, extensions }: OperationSource): string | undefined {
  if (typeof documentId === 'string') return documentId.replace(/^sha256:/, '');
  const persisted = isRecord(extensions) ? extensions['persistedQuery'] : undefined;
  const hash = isRecord(persisted) ? persisted['sha256Hash'] : undefined;
  return typeof hash === 'string' ? hash : undefined;
}

function withPersistedQueryExtension(body: unknown): unknown {
  if (!isRecord(body) || typeof body['documentId'] !== 'string') return body;
  const { documentId: _documentId, ...rest } = body;
  const extensions = isRecord(rest['extensions']) ? rest['extensions'] : {};
  return { ...rest, extensions: { ...extensions, persistedQuery: { version: 1, sha256Hash: documentIdIn(body) } } };
}

function notInListOverHttp(): GraphQLError {
  const refusal = persistedQueryNotInList();
  return new GraphQLError(refusal.message, { extensions: { ...refusal.extensions, http: { status: 400 } } });
}

function hashMismatch(): GraphQLError {
  return new GraphQLError('The id sent is not the sha256 of the operation sent', { extensions: { code: 'BAD_REQUEST' } });
}

/** The gateway's trusted documents: every operation of the given manifests, by id. */
export function createTrustedDocuments(mode: TrustedDocumentsMode, manifests: Iterable<PersistedQueryManifest>): TrustedDocuments {
  const bodies = new Map<string, string>();
  for (const manifest of manifests) for (const operation of manifest.operations) bodies.set(operation.id, operation.body);
  if (mode === 'safelist' && bodies.size === 0) throw new Error('Trusted documents are in safelist mode but no manifest holds any: every operation would be refused');

  // Open mode keeps Apollo's automatic registration (APQ) beside the manifests; safelist mode registers nothing.
  const registered = mode === 'open' ? new InMemoryLRUCache<string>({ maxSize: 8 * 1024 * 1024 }) : undefined;
  const manifestCache: KeyValueCache<string> = {
    async get(key) {
      return bodies.get(key) ?? (await registered?.get(key));
    },
    async set(key, value, options) {
      await registered?.set(key, value, options);
    },
    async delete(key) {
      return registered?.delete(key);
    },
  };

  return {
    mode,
    size: bodies.size,
    // Ids are content hashes, so the manifests' keys need no prefix to stay apart from other caches.
    persistedQueries: { cache: PrefixingKeyValueCache.cacheDangerouslyDoesNotNeedPrefixesForIsolation(manifestCache) },
    plugin: {
      async requestDidStart({ request }) {
        // Operations without an HTTP request are the gateway's own (live updates, access checks), built in code.
        if (mode === 'open' || !request.http) return;
        return {
          // The first hook whose errors Apollo answers as such; earlier hooks may only fail with a 500.
          async didResolveOperation({ queryHash }) {
            if (!bodies.has(queryHash)) throw notInListOverHttp();
          },
        };
      },
    },
    prepareBody(body) {
      const admit = (one: unknown) => {
        const rewritten = withPersistedQueryExtension(one);
        const query = isRecord(rewritten) ? rewritten['query'] : undefined;
        if (mode === 'safelist' && typeof query === 'string' && !bodies.has(documentIdOf(query))) throw notInListOverHttp();
        return rewritten;
      };
      return Array.isArray(body) ? body.map(admit) : admit(body);
    },
    sourceOf(payload) {
      const id = documentIdIn(payload);
      const text = typeof payload.query === 'string' && payload.query !== '' ? payload.query : undefined;
      if (id !== undefined && text === undefined) return bodies.get(id) ?? persistedQueryNotFound(id);
      if (text === undefined) return new GraphQLError('Send an operation or the id of a trusted one', { extensions: { code: 'BAD_REQUEST' } });
      const hash = documentIdOf(text);
      if (id !== undefined && id !== hash) return hashMismatch();
      if (mode === 'safelist' && !bodies.has(hash)) return persistedQueryNotInList();
      return text;
    },
  };
}
