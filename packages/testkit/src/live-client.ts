import type { FormattedExecutionResult } from 'graphql';
import { createClient, type Client } from 'graphql-ws';

export type ExecutionResult<T> = FormattedExecutionResult<T, unknown>;
import WebSocket from 'ws';

export interface LiveClient {
  readonly client: Client;
  /**
   * Subscribes and collects every result; `next()` waits for the next one. It remembers the `eventPosition` of the
   * last update and, when the client reconnects, subscribes again with `resumeAfter` it, to be sent what it missed.
   */
  subscribe<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, options?: LiveSubscribeOptions): LiveSubscription<T>;
  /** The close code the server ended the connection with, once it did. */
  closed(): Promise<number>;
  /** Every close code seen so far, one per connection that ended (a client that reconnects sees several). */
  readonly closeCodes: readonly number[];
  dispose(): Promise<void>;
}

export interface LiveSubscription<T> {
  readonly results: ExecutionResult<T>[];
  readonly errors: unknown[];
  next(timeoutMs?: number): Promise<ExecutionResult<T>>;
  /** Resolves with the error the server sent for this operation. */
  failure(timeoutMs?: number): Promise<unknown>;
  /** The event position of the last update received (what a resubscription resumes after). */
  position(): string | undefined;
  stop(): void;
}

export interface LiveSubscribeOptions {
  /** Resume after this event position from the start (as a client that reconnects from another process would). */
  readonly resumeAfter?: string;
}

/** The `eventPosition` an event-driven update carries in its extensions. */
export function eventPositionOf(result: { readonly extensions?: unknown }): string | undefined {
  const extensions = result.extensions;
  const position = typeof extensions === 'object' && extensions !== null ? (extensions as Record<string, unknown>)['eventPosition'] : undefined;
  return typeof position === 'string' ? position : undefined;
}

export type LiveConnectionParams = Record<string, unknown> | (() => Record<string, unknown>);

export interface LiveClientOptions {
  /** Reconnect (and resubscribe) this many times after a retryable close; 0 keeps refusals and close codes visible. */
  readonly retryAttempts?: number;
}

/**
 * A graphql-ws client for tests: no retries by default, so refusals and close codes stay visible. `httpUrl` may be a
 * function, asked again at every reconnect (a client that moves to another gateway replica).
 */
export function connectLive(
  httpUrl: string | (() => string),
  connectionParams?: LiveConnectionParams,
  { retryAttempts = 0 }: LiveClientOptions = {},
): LiveClient {
  let resolveClosed: (code: number) => void = () => undefined;
  const closedCode = new Promise<number>((resolve) => (resolveClosed = resolve));
  const closeCodes: number[] = [];
  const wsUrl = (url: string) => url.replace(/^http/, 'ws');
  const client = createClient({
    url: typeof httpUrl === 'string' ? wsUrl(httpUrl) : () => wsUrl(httpUrl()),
    webSocketImpl: WebSocket,
    retryAttempts,
    // A refused or reset connection is an error, not a close event: retried too, as a network fault would be.
    shouldRetry: () => true,
    retryWait: () => new Promise((resolve) => setTimeout(resolve, 100)),
    lazy: false,
    connectionParams,
    on: {
      closed: (event) => {
        closeCodes.push((event as { code: number }).code);
        resolveClosed((event as { code: number }).code);
      },
    },
    onNonLazyError: () => undefined,
  });
  return {
    client,
    subscribe<T>(query: string, variables: Record<string, unknown> = {}, { resumeAfter }: LiveSubscribeOptions = {}): LiveSubscription<T> {
      // graphql-ws sends this same object again on every reconnect, so the position written into it is what it resumes after.
      const payload: { query: string; variables: Record<string, unknown>; extensions: Record<string, unknown> } = {
        query,
        variables,
        extensions: resumeAfter === undefined ? {} : { resumeAfter },
      };
      let position = resumeAfter;
      const results: ExecutionResult<T>[] = [];
      const errors: unknown[] = [];
      const waiters: (() => void)[] = [];
      const wake = () => waiters.splice(0).forEach((waiter) => waiter());
      let delivered = 0;
      const stop = client.subscribe<T>(payload, {
        next: (result) => {
          const eventPosition = eventPositionOf(result);
          if (eventPosition !== undefined) {
            position = eventPosition;
            payload.extensions = { ...payload.extensions, resumeAfter: eventPosition };
          }
          results.push(result);
          wake();
        },
        error: (error) => {
          errors.push(error);
          wake();
        },
        complete: () => wake(),
      });
      const waitFor = (ready: () => boolean, timeoutMs: number, what: string) =>
        new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`no ${what} within ${timeoutMs} ms`)), timeoutMs);
          const check = () => {
            if (ready()) {
              clearTimeout(timer);
              resolve();
            } else waiters.push(check);
          };
          check();
        });
      return {
        results,
        errors,
        async next(timeoutMs = 5_000) {
          await waitFor(() => results.length > delivered, timeoutMs, 'result');
          return results[delivered++]!;
        },
        async failure(timeoutMs = 5_000) {
          await waitFor(() => errors.length > 0, timeoutMs, 'error');
          return errors[0];
        },
        position: () => position,
        stop,
      };
    },
    closed: () => closedCode,
    closeCodes,
    dispose: () => client.dispose() as Promise<void>,
  };
}
