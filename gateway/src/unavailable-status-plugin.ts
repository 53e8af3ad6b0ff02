import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';
import { ErrorCode } from '@rtc/service-kit';

const isUnavailable = (error: GraphQLFormattedError) => error.extensions?.['code'] === ErrorCode.ServiceUnavailable;

/**
 * When dependencies failed the whole request (no data, or every root field null, and every error
 * SERVICE_UNAVAILABLE) the client gets 503 with `Retry-After`, so load balancers and clients back off; partial
 * data stays 200. The subgraph that failed is not named to the client.
 */
export function createUnavailableStatusPlugin<C extends BaseContext>(): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          if (!result.errors?.some(isUnavailable)) return;
          result.errors = result.errors.map((error) =>
            isUnavailable(error) ? { ...error, extensions: { code: ErrorCode.ServiceUnavailable, retryAfterSeconds: 1 } } : error,
          );
          const nothingAnswered = result.data == null || Object.values(result.data).every((value) => value === null);
          if (!nothingAnswered || !result.errors.every(isUnavailable)) return;
          response.http.status = 503;
          response.http.headers.set('retry-after', '1');
        },
      };
    },
  };
}
