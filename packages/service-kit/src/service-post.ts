import { callerHeadersOf, type Caller } from './caller';
import { serviceUnavailable } from './errors';
import { upstreamFailureOf, withRetry, type PooledFetch, type RetryPolicy } from './pooled-http';

const idempotentRetry: RetryPolicy = { retries: 1, backoffMs: 50 };

export interface ServicePost {
  readonly internalToken: string;
  readonly caller?: Caller | null | undefined;
  readonly requestId?: string | undefined;
  readonly timeoutMs: number;
  /** Safe to send twice: retried once when the connection failed, never after a timeout. */
  readonly idempotent?: boolean | undefined;
}

/**
 * POSTs `body` as JSON to another RTC service with the internal token, and reads its JSON answer (null when it is
 * not JSON). A service that cannot be reached or answers too slowly is SERVICE_UNAVAILABLE, without its address.
 */
export async function postToService(fetch: PooledFetch, url: string, body: unknown, post: ServicePost): Promise<{ status: number; body: unknown }> {
  const send = () =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...callerHeadersOf(post.caller ?? null, post.internalToken, post.requestId) },
      body: JSON.stringify(body),
      timeoutMs: post.timeoutMs,
    });
  let response: Awaited<ReturnType<PooledFetch>>;
  try {
    response = post.idempotent ? await withRetry(send, idempotentRetry, (error) => upstreamFailureOf(error) === 'unreachable') : await send();
  } catch (error) {
    if (upstreamFailureOf(error)) throw serviceUnavailable();
    throw error;
  }
  return { status: response.status, body: await response.json().catch(() => null) };
}
