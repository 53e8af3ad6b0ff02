import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { Logger } from './logger';

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
export function isExpectedError(error: GraphQLFormattedError): boolean {
  const code = error.extensions?.['code'];
  return !unexpectedCodes.has(typeof code === 'string' ? code : undefined);
}

/** What a client sees of a failure it did not cause: a stable code and the request id to quote, nothing else. */
export function maskedError(error: GraphQLFormattedError, requestId: string | undefined): GraphQLFormattedError {
  return {
    message: 'Internal error',
    ...(error.locations ? { locations: error.locations } : {}),
    ...(error.path ? { path: error.path } : {}),
    extensions: { code: InternalErrorCode, ...(requestId ? { requestId } : {}) },
  };
}

// The wording graphql-js appends to validation errors, and Apollo's own suggestion filter removes.
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
 * Production answers without "Did you mean …" hints, and unexpected failures (driver messages, SQL, `connect ECONNREFUSED host:port`) with
 * INTERNAL_SERVER_ERROR "Internal error" and the request id; the detail goes to the log, under that id.
 */
export function createErrorMaskingPlugin<C extends BaseContext & { readonly requestId?: string }>(logger: Logger): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors, contextValue, operationName }) {
          const unexpected = errors.filter((error) => !isExpectedError({ message: error.message, extensions: error.extensions }));
          for (const error of unexpected) {
            logger.error({ err: error.originalError ?? error, requestId: contextValue.requestId, operationName, path: error.path }, 'request failed');
          }
        },
        async willSendResponse({ response, contextValue }) {
          if (response.body.kind !== 'single') return;
          const { singleResult } = response.body;
          if (!singleResult.errors) return;
          // Variable coercion errors carry suggestions too, and Apollo's own filter sees validation errors only.
          singleResult.errors = singleResult.errors.map((error) =>
            isExpectedError(error) ? { ...error, message: error.message.replace(suggestion, '') } : maskedError(error, contextValue.requestId),
          );
        },
      };
    },
  };
}
