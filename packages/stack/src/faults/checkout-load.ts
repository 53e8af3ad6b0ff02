import { randomBytes } from 'node:crypto';
import { placeOrderMutation } from '../fixtures';
import type { GatewayBalancer } from './gateway-balancer';

/** One error as a client saw it: a GraphQL error of the answer, or the transport failing. */
export interface ClientError {
  readonly where: string;
  readonly httpStatus: number | null;
  readonly code: string | null;
  readonly message: string;
  /** Everything the client received about it (the whole GraphQL error, or the transport error and its cause). */
  readonly raw: string;
  /** Whether the answer had no data at all. */
  readonly dataNull: boolean;
}

/** One HTTP request of a checkout. */
export interface CheckoutAttempt {
  readonly startedAt: number;
  readonly durationMs: number;
  readonly httpStatus: number | null;
  readonly orderId: string | null;
  readonly errors: readonly ClientError[];
}

/** One order a customer wants, placed with one idempotency key and retried with the same key until it is answered. */
export interface LogicalOrder {
  readonly idempotencyKey: string;
  readonly userId: string;
  readonly lines: readonly { productId: string; quantity: number }[];
  readonly attempts: CheckoutAttempt[];
  /** The order the API confirmed, once it did. */
  orderId: string | null;
  /** The code of a final refusal (OUT_OF_STOCK, CONFLICT…); null while confirmed or unanswered. */
  refusal: string | null;
  /** The customer gave up after the attempt in flight (closed the tab): no retry, ever. */
  abandoned: boolean;
}

export interface Customer {
  readonly userId: string;
  readonly token: string;
}

export interface LoadProduct {
  readonly id: string;
  /** Relative frequency of the product in baskets. */
  readonly weight: number;
}

export interface CheckoutLoadOptions {
  readonly balancer: GatewayBalancer;
  readonly customers: readonly Customer[];
  readonly products: readonly LoadProduct[];
  readonly ordersPerSecond: number;
  /** Attempts per order while the load runs; settle() retries what is still unanswered. */
  readonly attemptsPerOrder?: number;
  readonly requestTimeoutMs?: number;
}

export interface CheckoutLoad {
  readonly orders: readonly LogicalOrder[];
  /** Checkouts waiting for an answer right now. */
  readonly inFlight: number;
  /**
   * The customers of every checkout in flight give up after the attempt they are waiting for: a checkout cut off by a
   * crash then has nobody to retry it, and only the store can give its stock back. Returns how many.
   */
  abandonInFlight(): number;
  /** Places one order now and waits for its answer (retried like the others). */
  placeOne(): Promise<LogicalOrder>;
  start(): void;
  /** Stops placing new orders and waits for those in flight. */
  stop(): Promise<void>;
  /**
   * After recovery: retries every unanswered order with its own key until it is confirmed or refused, as a client
   * does; an order committed while its answer was lost is confirmed by its retry.
   */
  settle(timeoutMs: number): Promise<void>;
}

// Answers that settle an order: anything else (unavailable, internal errors, transport failures) is worth a retry.
const finalRefusals = new Set(['OUT_OF_STOCK', 'CONFLICT', 'BAD_USER_INPUT', 'IDEMPOTENCY_KEY_REUSED', 'FORBIDDEN', 'UNAUTHENTICATED', 'NOT_FOUND']);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function describeTransportError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause as { name?: string; code?: string; message?: string } | undefined;
  return JSON.stringify({
    name: error.name,
    message: error.message,
    cause: cause ? { name: cause.name, code: cause.code, message: cause.message } : undefined,
  });
}

function neverSent(error: unknown): boolean {
  return error instanceof Error && (error.cause as { code?: string } | undefined)?.code === 'ECONNREFUSED';
}

interface Answer {
  readonly status: number;
  readonly body: {
    data?: { placeOrder?: { order: { id: string } | null; errors?: { code: string; message: string }[] } | null } | null;
    errors?: { message?: string; extensions?: { code?: string } }[];
  } | null;
  readonly text: string;
}

/**
 * Places orders at a steady rate through the gateway replicas, each with an idempotency key, and keeps every request
 * and answer: what the fault tests check the store against.
 */
export function createCheckoutLoad({
  balancer,
  customers,
  products,
  ordersPerSecond,
  attemptsPerOrder = 3,
  requestTimeoutMs = 15_000,
}: CheckoutLoadOptions): CheckoutLoad {
  const orders: LogicalOrder[] = [];
  const pending = new Set<Promise<void>>();
  const active = new Set<LogicalOrder>();
  let timer: NodeJS.Timeout | undefined;
  const totalWeight = products.reduce((sum, product) => sum + product.weight, 0);

  const pickProduct = () => {
    let point = Math.random() * totalWeight;
    for (const product of products) {
      point -= product.weight;
      if (point < 0) return product.id;
    }
    return products.at(-1)!.id;
  };
  const basket = () => {
    const lines = new Map<string, number>();
    const size = Math.random() < 0.6 ? 1 : 2;
    while (lines.size < size) lines.set(pickProduct(), 1 + Math.floor(Math.random() * 2));
    return [...lines].map(([productId, quantity]) => ({ productId, quantity }));
  };

  const post = async (order: LogicalOrder, token: string): Promise<Answer> => {
    const body = JSON.stringify({ query: placeOrderMutation, variables: { input: { lines: order.lines, idempotencyKey: order.idempotencyKey } } });
    let url = balancer.next();
    for (let connect = 0; ; connect++) {
      try {
        const response = await fetch(`${url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body,
          signal: AbortSignal.timeout(requestTimeoutMs),
        });
        const text = await response.text();
        let parsed: Answer['body'] = null;
        try {
          parsed = JSON.parse(text) as Answer['body'];
        } catch {
          // kept as text: a non-JSON answer is a failure of its own
        }
        return { status: response.status, body: parsed, text };
      } catch (error) {
        // A refused connection never carried the request: a balancer tries the next replica.
        if (neverSent(error) && connect < 2) {
          url = balancer.other(url);
          continue;
        }
        throw error;
      }
    }
  };

  const attempt = async (order: LogicalOrder, token: string) => {
    const startedAt = Date.now();
    let answer: Answer | null = null;
    let transport: unknown;
    try {
      answer = await post(order, token);
    } catch (error) {
      transport = error;
    }
    const durationMs = Date.now() - startedAt;
    const errors: ClientError[] = [];
    const payload = answer?.body?.data?.placeOrder;
    const orderId = payload?.order?.id ?? null;
    if (!answer) {
      errors.push({ where: 'placeOrder', httpStatus: null, code: null, message: 'transport failure', raw: describeTransportError(transport), dataNull: true });
    } else if (!answer.body) {
      errors.push({
        where: 'placeOrder',
        httpStatus: answer.status,
        code: null,
        message: 'answer is not JSON',
        raw: answer.text.slice(0, 500),
        dataNull: true,
      });
    } else {
      for (const error of answer.body.errors ?? []) {
        errors.push({
          where: 'placeOrder',
          httpStatus: answer.status,
          code: error.extensions?.code ?? null,
          message: error.message ?? '',
          raw: JSON.stringify(error),
          dataNull: answer.body.data == null,
        });
      }
      // A typed failure (OUT_OF_STOCK...) is a refusal like a GraphQL error, and must come without an order.
      for (const failure of payload?.errors ?? []) {
        errors.push({
          where: 'placeOrder',
          httpStatus: answer.status,
          code: failure.code,
          message: failure.message,
          raw: JSON.stringify(failure),
          dataNull: false,
        });
      }
      if (orderId && (payload?.errors ?? []).length > 0) {
        errors.push({
          where: 'placeOrder',
          httpStatus: answer.status,
          code: null,
          message: 'an order and a typed failure together',
          raw: answer.text.slice(0, 500),
          dataNull: false,
        });
      }
      if (!orderId && errors.length === 0) {
        errors.push({
          where: 'placeOrder',
          httpStatus: answer.status,
          code: null,
          message: 'no order and no error',
          raw: answer.text.slice(0, 500),
          dataNull: true,
        });
      }
    }
    order.attempts.push({ startedAt, durationMs, httpStatus: answer?.status ?? null, orderId, errors });
    if (orderId && errors.length === 0) order.orderId = orderId;
    else {
      const refusal = errors.map((error) => error.code).find((code) => code !== null && finalRefusals.has(code));
      if (refusal) order.refusal = refusal;
    }
  };

  const answered = (order: LogicalOrder) => order.orderId !== null || order.refusal !== null;
  const tokenOf = new Map(customers.map((customer) => [customer.userId, customer.token]));

  const place = async (order: LogicalOrder) => {
    const token = tokenOf.get(order.userId)!;
    active.add(order);
    try {
      for (let tries = 0; tries < attemptsPerOrder && !answered(order) && !order.abandoned; tries++) {
        if (tries > 0) await sleep(1_000);
        await attempt(order, token);
      }
    } finally {
      active.delete(order);
    }
  };

  const track = (work: Promise<void>) => {
    pending.add(work);
    void work.finally(() => pending.delete(work));
  };

  const newOrder = (): LogicalOrder => {
    const customer = customers[Math.floor(Math.random() * customers.length)]!;
    const order: LogicalOrder = {
      idempotencyKey: randomBytes(12).toString('hex'),
      userId: customer.userId,
      lines: basket(),
      attempts: [],
      orderId: null,
      refusal: null,
      abandoned: false,
    };
    orders.push(order);
    return order;
  };

  return {
    orders,
    get inFlight() {
      return active.size;
    },
    abandonInFlight() {
      for (const order of active) order.abandoned = true;
      return active.size;
    },
    async placeOne() {
      const order = newOrder();
      await place(order);
      return order;
    },
    start() {
      timer = setInterval(() => track(place(newOrder())), 1_000 / ordersPerSecond);
    },
    async stop() {
      clearInterval(timer);
      while (pending.size > 0) await Promise.all(pending);
    },
    async settle(timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (
        let open = orders.filter((order) => !answered(order) && !order.abandoned);
        open.length > 0 && Date.now() < deadline;
        open = open.filter((order) => !answered(order))
      ) {
        // A dozen at a time: the rate of the load itself, not a burst on a store that just recovered.
        for (let from = 0; from < open.length; from += 12) {
          await Promise.all(open.slice(from, from + 12).map((order) => attempt(order, tokenOf.get(order.userId)!)));
        }
        if (open.some((order) => !answered(order))) await sleep(1_000);
      }
    },
  };
}
