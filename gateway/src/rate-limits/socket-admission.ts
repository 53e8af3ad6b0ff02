import { createRateLimiter, type RateLimitStore, type RateLimitVerdict } from '@rtc/service-kit';
import type { ApiRateLimitsConfig } from './api-rate-limits';

export interface SocketAdmission {
  /** Decides on a WebSocket upgrade from `address`; when admitted, `release` must be called once the socket closes. */
  admit(address: string): Promise<RateLimitVerdict & { release?: () => void }>;
}

/** New sockets per address per second (shared through the store) and sockets open per address (this process). */
export function createSocketAdmission(
  store: RateLimitStore,
  config: Pick<ApiRateLimitsConfig, 'newSocketsPerAddressPerSecond' | 'openSocketsPerAddress'>,
): SocketAdmission {
  const newSockets = createRateLimiter(store, 'ws-address', { points: config.newSocketsPerAddressPerSecond, windowSeconds: 1 });
  const open = new Map<string, number>();
  return {
    async admit(address) {
      const held = open.get(address) ?? 0;
      if (held >= config.openSocketsPerAddress) return { allowed: false, retryAfterSeconds: 1 };
      // Counted before the await, so a burst of parallel upgrades cannot all pass the check.
      open.set(address, held + 1);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        const left = (open.get(address) ?? 1) - 1;
        if (left > 0) open.set(address, left);
        else open.delete(address);
      };
      const verdict = await newSockets.consume(address).catch((error: unknown) => {
        release();
        throw error;
      });
      if (!verdict.allowed) release();
      return verdict.allowed ? { allowed: true, release } : verdict;
    },
  };
}
