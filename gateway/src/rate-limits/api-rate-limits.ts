import type { ServerResponse } from 'node:http';
import { createRateLimiter, ErrorCode, rateLimited, sendJson, type RateLimitRule, type RateLimitStore, type RouteHandler } from '@rtc/service-kit';

export interface SteadyWithBurst {
  readonly perSecond: number;
  /** Extra requests allowed per 10 seconds once the steady rate is spent. */
  readonly burst: number;
}

export interface ApiRateLimitsConfig {
  /** Every GraphQL request over HTTP, per client address. */
  readonly perAddress: SteadyWithBurst;
  /** Every GraphQL request of a logged-in user, from any address. */
  readonly perUser: SteadyWithBurst;
  /** New graphql-ws sockets per client address per second: connection floods. */
  readonly newSocketsPerAddressPerSecond: number;
  /** Sockets one client address may hold open at once on this gateway. */
  readonly openSocketsPerAddress: number;
}

export const defaultApiRateLimits: ApiRateLimitsConfig = {
  perAddress: { perSecond: 50, burst: 100 },
  perUser: { perSecond: 30, burst: 60 },
  newSocketsPerAddressPerSecond: 10,
  openSocketsPerAddress: 100,
};

const burstWindowSeconds = 10;

function ruleOf({ perSecond, burst }: SteadyWithBurst): RateLimitRule {
  return { points: perSecond, windowSeconds: 1, ...(burst > 0 ? { burst: { points: burst, windowSeconds: burstWindowSeconds } } : {}) };
}

export function createApiRateLimits(store: RateLimitStore, config: ApiRateLimitsConfig) {
  const perAddress = createRateLimiter(store, 'api-address', ruleOf(config.perAddress));
  const perUser = createRateLimiter(store, 'api-user', ruleOf(config.perUser));
  return {
    /** Throws RATE_LIMITED (429, Retry-After) when `userId` is over its rate. */
    async admitUser(userId: string): Promise<void> {
      const verdict = await perUser.consume(userId);
      if (!verdict.allowed) throw rateLimited(verdict.retryAfterSeconds);
    },
    /** Refuses a request over its address's rate before its body is read or parsed. */
    limitByAddress(route: RouteHandler, addressOf: (req: Parameters<RouteHandler>[0]) => string): RouteHandler {
      return async (req, res, requestId) => {
        const verdict = await perAddress.consume(addressOf(req));
        if (verdict.allowed) return route(req, res, requestId);
        sendRateLimited(res, verdict.retryAfterSeconds);
      };
    },
  };
}

export type ApiRateLimits = ReturnType<typeof createApiRateLimits>;

// Node reads and discards the unread request body after the answer, so the keep-alive connection stays usable.
function sendRateLimited(res: ServerResponse, retryAfterSeconds: number): void {
  res.setHeader('retry-after', String(retryAfterSeconds));
  sendJson(res, 429, {
    errors: [{ message: 'Too many requests; retry later', extensions: { code: ErrorCode.RateLimited, retryAfterSeconds } }],
  });
}
