import { typedFailureOf } from '../harness/typed-failure';

export interface OperationError {
  readonly message: string;
  /** `extensions.code` or a payload's typed failure code, or NETWORK / TIMEOUT / BAD_RESPONSE when no GraphQL answer came back. */
  readonly code: string;
  readonly extensions: Record<string, unknown>;
}

export type OperationResult<T> =
  { readonly ok: true; readonly data: T; readonly latencyMs: number } | { readonly ok: false; readonly error: OperationError; readonly latencyMs: number };

export type RunOperation = <T>(query: string, variables?: Record<string, unknown>, token?: string) => Promise<OperationResult<T>>;

const REQUEST_TIMEOUT_MS = 10_000;

/** GraphQL over HTTP to one gateway: the only address the simulator ever sends to. */
export function createGatewayClient(gatewayUrl: URL): RunOperation {
  const endpoint = new URL('/graphql', gatewayUrl).toString();
  return async <T>(query: string, variables: Record<string, unknown> = {}, token?: string): Promise<OperationResult<T>> => {
    const started = performance.now();
    const failed = (code: string, message: string, extensions: Record<string, unknown> = {}): OperationResult<T> => ({
      ok: false,
      error: { code, message, extensions },
      latencyMs: performance.now() - started,
    });
    let response: Response;
    try {
      response = await fetch(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, variables }),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      const { name, message, cause } = error as Error & { cause?: { message?: string } };
      if (name === 'TimeoutError') return failed('TIMEOUT', `no answer within ${REQUEST_TIMEOUT_MS} ms`);
      // fetch says only "fetch failed"; the cause says why (refused, reset, a port fetch will not use, …).
      return failed('NETWORK', cause?.message ? `${message}: ${cause.message}` : message);
    }
    let body: { data?: T | null; errors?: { message: string; extensions?: Record<string, unknown> }[] };
    try {
      body = (await response.json()) as typeof body;
    } catch {
      return failed('BAD_RESPONSE', `HTTP ${response.status} without a JSON body`);
    }
    const [first] = body.errors ?? [];
    if (first) return failed(String(first.extensions?.['code'] ?? `HTTP_${response.status}`), first.message, first.extensions ?? {});
    if (!body.data) return failed('BAD_RESPONSE', `HTTP ${response.status} without data`);
    const typed = typedFailureOf(body.data);
    if (typed) return failed(typed.code, typed.message, typed.extensions);
    return { ok: true, data: body.data, latencyMs: performance.now() - started };
  };
}
