import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { documentIdOf, persistedQueryNotFound, persistedQueryNotInList, type PersistedQueryManifest } from '@rtc/service-kit';

/** `safelist`: only the trusted documents run (production). `open`: any operation runs, trusted ones by id too. */
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
  /** Refuses, in safelist mode, any HTTP operation whose text is not a trusted document (GET included). */
  readonly plugin: ApolloServerPlugin<BaseContext>;
  /**
   * Puts a trusted document's text in place of its id in a GraphQL-over-HTTP body (or each of a batch) and, in
   * safelist mode, throws on free text before it is parsed, so that no validation error describes the schema.
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

const withHttpStatus = (error: GraphQLError, status: number) => new GraphQLError(error.message, { extensions: { ...error.extensions, http: { status } } });

function badRequest(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_REQUEST' } });
}

/** The gateway's trusted documents: every operation of the given manifests, by id. */
export function createTrustedDocuments(mode: TrustedDocumentsMode, manifests: Iterable<PersistedQueryManifest>): TrustedDocuments {
  const bodies = new Map<string, string>();
  for (const manifest of manifests) for (const operation of manifest.operations) bodies.set(operation.id, operation.body);
  if (mode === 'safelist' && bodies.size === 0)
    throw new Error('Trusted documents are in safelist mode but no manifest holds any: every operation would be refused');

  /** The text an operation runs, or why it may not; undefined leaves an unknown id to Apollo's own APQ (open mode). */
  const sourceOf = (request: OperationSource): string | GraphQLError | undefined => {
    const id = documentIdIn(request);
    const text = typeof request.query === 'string' && request.query !== '' ? request.query : undefined;
    if (text === undefined) {
      if (id === undefined) return badRequest('Send an operation or the id of a trusted one');
      const body = bodies.get(id);
      if (body !== undefined) return body;
      return mode === 'safelist' ? persistedQueryNotFound(id) : undefined;
    }
    // Open mode with text alone has nothing to check, so the text is not hashed.
    if (id === undefined && mode === 'open') return text;
    const hash = documentIdOf(text);
    if (id !== undefined && id !== hash) return badRequest('The id sent is not the sha256 of the operation sent');
    if (mode === 'safelist' && !bodies.has(hash)) return persistedQueryNotInList();
    return text;
  };

  const prepareOne = (body: unknown): unknown => {
    if (!isRecord(body)) return body;
    const source = sourceOf(body);
    if (source instanceof GraphQLError) throw withHttpStatus(source, 400);
    const id = documentIdIn(body);
    if (id === undefined) return body;
    const { documentId: _documentId, extensions, ...rest } = body;
    const { persistedQuery: _persistedQuery, ...otherExtensions } = isRecord(extensions) ? extensions : {};
    // With text, Apollo checks the id against it (and, open mode only, registers it); an id alone that no manifest
    // holds may be one Apollo registered so (APQ). A trusted id alone runs as the text it names.
    const sentText = typeof body['query'] === 'string' && body['query'] !== '';
    if (sentText || source === undefined) return { ...rest, extensions: { ...otherExtensions, persistedQuery: { version: 1, sha256Hash: id } } };
    return { ...rest, query: source, extensions: otherExtensions };
  };

  return {
    mode,
    size: bodies.size,
    plugin: {
      async requestDidStart({ request }) {
        // Operations without an HTTP request are the gateway's own (live updates, access checks), built in code.
        if (mode === 'open' || !request.http) return;
        return {
          // The first hook whose errors Apollo answers as such (earlier ones fail with a 500); catches GET requests.
          async didResolveOperation({ queryHash }) {
            if (!bodies.has(queryHash)) throw withHttpStatus(persistedQueryNotInList(), 400);
          },
        };
      },
    },
    prepareBody(body) {
      return Array.isArray(body) ? body.map(prepareOne) : prepareOne(body);
    },
    sourceOf(payload) {
      return sourceOf(payload) ?? persistedQueryNotFound(documentIdIn(payload) ?? '');
    },
  };
}
