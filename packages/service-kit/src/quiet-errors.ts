import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { ErrorCode, serviceUnavailableMessage } from './errors';
import type { Logger } from './logger';
import { isDatabaseUnavailable } from './mysql-errors';

export const InternalErrorCode = 'INTERNAL_SERVER_ERROR';

// Codes that carry another service's failure rather than a rule RTC chose to tell the client about.
const unexpectedCodes: ReadonlySet<string | undefined> = new Set([
  undefined,
  InternalErrorCode,
  'DOWNSTREAM_SERVICE_ERROR',
  'SUBREQUEST_HTTP_ERROR',
  'SUBREQUEST_MALFORMED_RESPONSE',
]);

/** An error the client may read as sent: it carries a code RTC or Apollo set on purpose. */
export function isExpectedError(error: Pick<GraphQLFormattedError, 'extensions'>): boolean {
  const code = error.extensions?.['code'];
  return !unexpectedCodes.has(typeof code === 'string' ? code : undefined);
}

// The wording graphql-js appends to validation and coercion errors, and Apollo's own suggestion filter removes.
const suggestion = / ?Did you mean(.+?)\?$/;

/** A validation error without graphql-js' "Did you mean …" hint, which would spell out the schema. */
export function withoutSuggestions(error: GraphQLError): GraphQLError {
  if (!suggestion.test(error.message)) return error;
  return new GraphQLError(error.message.replace(suggestion, ''), {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    extensions: error.extensions,
  });
}

/**
 * The production view of an error: an unexpected failure (driver message, SQL, `connect ECONNREFUSED host:port`,
 * a context that failed to build) becomes INTERNAL_SERVER_ERROR "Internal error"; any other loses its suggestions.
 * Use as Apollo's `formatError`, so it also covers errors raised outside the request pipeline.
 */
export function quietError(formatted: GraphQLFormattedError): GraphQLFormattedError {
  if (isExpectedError(formatted)) return { ...formatted, message: formatted.message.replace(suggestion, '') };
  return {
    message: 'Internal error',
    ...(formatted.locations ? { locations: formatted.locations } : {}),
    ...(formatted.path ? { path: formatted.path } : {}),
    extensions: { code: InternalErrorCode },
  };
}

/**
 * A failure to reach the database (down, connection lost, no free connection, lock wait timeout) becomes
 * SERVICE_UNAVAILABLE without the SQL, its parameters or the driver's message, in every mode: the client can do
 * nothing with them but retry. Use as (or inside) Apollo's `formatError`; the detail is logged by the error plugin.
 */
export function unavailableDependency(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  if (!isDatabaseUnavailable(unwrapResolverError(error))) return formatted;
  return {
    message: serviceUnavailableMessage,
    ...(formatted.locations ? { locations: formatted.locations } : {}),
    ...(formatted.path ? { path: formatted.path } : {}),
    extensions: { code: ErrorCode.ServiceUnavailable, retryAfterSeconds: 1 },
  };
}

// Errors whose detail is only in the log: the client gets the request id to quote.
const quotedCodes: ReadonlySet<unknown> = new Set([InternalErrorCode, ErrorCode.ServiceUnavailable]);

/**
 * Logs the detail of every unexpected error under its request id, and gives the masked errors that id so a
 * client can quote it.
 */
export function createErrorLoggingPlugin<C extends BaseContext & { readonly requestId?: string }>(logger: Logger): ApolloServerPlugin<C> {
  return {
    async contextCreationDidFail({ error }) {
      logger.error({ err: error }, 'request context failed');
    },
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors, contextValue, operationName }) {
          for (const error of errors.filter((candidate) => !isExpectedError(candidate))) {
            logger.error({ err: error.originalError ?? error, requestId: contextValue.requestId, operationName, path: error.path }, 'request failed');
          }
        },
        async willSendResponse({ response, contextValue }) {
          const { requestId } = contextValue;
          if (response.body.kind !== 'single' || !response.body.singleResult.errors || !requestId) return;
          response.body.singleResult.errors = response.body.singleResult.errors.map((error) =>
            quotedCodes.has(error.extensions?.['code']) ? { ...error, extensions: { ...error.extensions, requestId } } : error,
          );
        },
      };
    },
  };
}
