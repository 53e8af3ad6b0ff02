import { connectLive, type LiveClient, type LiveSubscription } from '@rtc/testkit';
import type { ClientError } from './checkout-load';
import type { GatewayBalancer } from './gateway-balancer';

export const salesTicksSubscription = 'subscription FaultTicks { salesTicks { order { id } } }';

interface TickData {
  readonly salesTicks: { readonly order: { readonly id: string } | null } | null;
}

/** A dashboard following `salesTicks` over graphql-ws that reconnects (and resumes) whenever its socket ends. */
export interface TickSubscriber {
  readonly index: number;
  /** The gateway replica it first connected to. */
  readonly firstGateway: string;
  readonly client: LiveClient;
  readonly subscription: LiveSubscription<TickData>;
  /** Order ids of the ticks received, in arrival order (duplicates kept). */
  orderIds(): string[];
  /** The `eventPosition` extension of each tick received for an order ('none' where a tick carried none). */
  positionsOf(orderId: string): string[];
  /** Ticks without an order id and operation errors, as the client saw them. */
  errors(): ClientError[];
}

function describe(error: unknown): string {
  if (error instanceof Error) return JSON.stringify({ name: error.name, message: error.message });
  try {
    return JSON.stringify(error);
  } catch {
    return String(error);
  }
}

/**
 * Connects `count` subscribers through the balancer (each reconnect asks it again for a replica), all following
 * `salesTicks { order { id } }` with a staff token.
 */
export function connectTickSubscribers(balancer: GatewayBalancer, staffToken: string, count: number): TickSubscriber[] {
  return Array.from({ length: count }, (_, index) => {
    const firstGateway = balancer.next();
    let gateway = firstGateway;
    let connections = 0;
    const client = connectLive(
      () => {
        // The first connection goes where it was placed; every reconnect asks the balancer.
        if (connections++ > 0) gateway = balancer.next();
        return `${gateway}/graphql`;
      },
      { authorization: `Bearer ${staffToken}` },
      { retryAttempts: 1_000 },
    );
    const subscription = client.subscribe<TickData>(salesTicksSubscription);
    return {
      index,
      firstGateway,
      client,
      subscription,
      positionsOf: (orderId) =>
        subscription.results
          .filter((result) => result.data?.salesTicks?.order?.id === orderId)
          .map((result) => String((result.extensions as { eventPosition?: unknown } | undefined)?.eventPosition ?? 'none')),
      orderIds: () => subscription.results.flatMap((result) => (result.data?.salesTicks?.order?.id ? [result.data.salesTicks.order.id] : [])),
      errors: () => [
        ...subscription.results
          .filter((result) => result.errors?.length || !result.data?.salesTicks?.order?.id)
          .flatMap((result) =>
            (result.errors?.length ? result.errors : [{ message: 'a tick without its order' }]).map((error): ClientError => ({
              where: 'salesTicks',
              httpStatus: null,
              code: (error as { extensions?: { code?: string } }).extensions?.code ?? null,
              message: error.message,
              raw: JSON.stringify(error),
              dataNull: !result.data,
            })),
          ),
        ...subscription.errors.map((error): ClientError => ({
          where: 'salesTicks (operation ended)',
          httpStatus: null,
          code: (Array.isArray(error) ? (error[0] as { extensions?: { code?: string } })?.extensions?.code : null) ?? null,
          message: 'the subscription ended with an error',
          raw: describe(error),
          dataNull: true,
        })),
      ],
    };
  });
}

/** Waits until every subscriber has received a tick for each of `orderIds`. */
export async function waitForTicks(subscribers: readonly TickSubscriber[], orderIds: readonly string[], timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const complete = subscribers.every((subscriber) => {
      const received = new Set(subscriber.orderIds());
      return orderIds.every((id) => received.has(id));
    });
    if (complete) return true;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return false;
}

/** Active `salesTicks` subscriptions over these gateways, read from each one's `rtc_gateway_subscriptions` gauge. */
async function activeTickSubscriptions(gatewayUrls: readonly string[]): Promise<number> {
  const counts = await Promise.all(
    gatewayUrls.map(async (url) => {
      const text = await fetch(`${url}/metrics`)
        .then((response) => response.text())
        .catch(() => '');
      const line = text.split('\n').find((candidate) => candidate.startsWith('rtc_gateway_subscriptions{') && candidate.includes('field="salesTicks"'));
      return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
    }),
  );
  return counts.reduce((sum, count) => sum + count, 0);
}

/**
 * Waits until the gateways hold `count` salesTicks subscriptions: an order placed before a subscription is attached
 * is not one it will ever see, and a loaded machine can take seconds to attach twenty sockets.
 */
export async function waitForTickSubscriptions(gatewayUrls: readonly string[], count: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await activeTickSubscriptions(gatewayUrls)) >= count) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}
