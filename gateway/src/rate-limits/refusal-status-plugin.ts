import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { ErrorCode } from '@rtc/service-kit';

const statusOf: Record<string, number> = { [ErrorCode.RateLimited]: 429, [ErrorCode.ServerBusy]: 503 };

/**
 * A subgraph's refusal (log-in or sign-up limits, a full password-hashing queue) reaches the gateway as an error
 * in the response body; this gives the client the HTTP status and `Retry-After` the subgraph meant.
 */
export function createRefusalStatusPlugin<C extends BaseContext>(): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single') return;
          for (const error of response.body.singleResult.errors ?? []) {
            const status = statusOf[String(error.extensions?.['code'])];
            if (!status) continue;
            response.http.status = status;
            const retryAfter = Number(error.extensions?.['retryAfterSeconds']);
            if (Number.isInteger(retryAfter) && retryAfter > 0) response.http.headers.set('retry-after', String(retryAfter));
            return;
          }
        },
      };
    },
  };
}
