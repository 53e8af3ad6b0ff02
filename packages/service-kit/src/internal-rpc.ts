import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { GraphQLError } from 'graphql';
import type { z } from 'zod';
import { callerHeadersOf, InternalHeader } from './caller';
import type { CircuitBreaker } from './circuit-breaker';
import { badInput, ErrorCode, serviceUnavailable, serviceUnavailableMessage } from './errors';
import { BodyTooLargeError, readBody, sendJson, sendRefusal, type RouteHandler } from './http-server';
import type { Logger } from './logger';
import type { ServiceMetrics } from './metrics';
import { isDatabaseUnavailable } from './mysql-errors';
import { createPooledFetch, upstreamFailureOf, withRetry, type PooledFetch, type RetryPolicy } from './pooled-http';
import { InternalErrorCode } from './quiet-errors';
import type { Tracer } from './tracing';

/**
 * Service-to-service calls on the checkout's hot path, without a GraphQL request pipeline on either side: a JSON
 * body in, `{ data }` or `{ errors: [{ message, extensions }] }` out, the same shapes a GraphQL answer has, so errors
 * keep their codes. Same internal token, same request id, traces and request metrics as `/graphql`.
 */
export const internalPathPrefix = '/internal/';

/** One procedure: its name (the path after `/internal/`, and its operation label in the request metrics). */
export interface InternalProcedure<I = unknown, O = unknown> {
  readonly name: string;
  /** The shape of the body; what it refuses is a BAD_USER_INPUT naming the field. */
  readonly input: z.ZodType<I>;
  readonly run: (input: I, requestId: string) => Promise<O>;
}

/** Any procedure, whatever its input: what a service's route table holds. */
export interface AnyInternalProcedure {
  readonly name: string;
  readonly input: z.ZodType<unknown>;
  readonly run: (input: never, requestId: string) => Promise<unknown>;
}

/** Declares a procedure with its input type inferred from the schema. */
export function defineInternalProcedure<I, O>(procedure: InternalProcedure<I, O>): InternalProcedure<I, O> {
  return procedure;
}

export interface InternalRoutesOptions {
  readonly service: string;
  readonly internalToken: string;
  readonly metrics: ServiceMetrics;
  readonly logger: Logger;
  readonly bodyLimitBytes?: number;
}

function tokenMatches(given: string | string[] | undefined, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

interface WireError {
  readonly message: string;
  readonly extensions: Record<string, unknown>;
}

/** What a failed procedure tells its caller: a coded GraphQLError as is, anything else without its detail. */
function wireErrorOf(error: unknown, requestId: string): WireError {
  if (error instanceof GraphQLError && typeof error.extensions['code'] === 'string') {
    return { message: error.message, extensions: error.extensions };
  }
  if (isDatabaseUnavailable(error)) {
    return { message: serviceUnavailableMessage, extensions: { code: ErrorCode.ServiceUnavailable, retryAfterSeconds: 1, requestId } };
  }
  return { message: 'Internal error', extensions: { code: InternalErrorCode, requestId } };
}

function badInputOf(issues: readonly z.core.$ZodIssue[]): GraphQLError {
  const first = issues[0];
  const path = first && first.path.length > 0 ? first.path.map(String).join('.') : 'input';
  return badInput(path, first?.message ?? 'is not valid');
}

/**
 * The routes of a service's procedures, `/internal/<name>`: POST only, internal token required (401), never on
 * behalf of a user (403 when caller headers are present), a body over the limit refused (413).
 */
export function createInternalRoutes(
  procedures: readonly AnyInternalProcedure[],
  { service, internalToken, metrics, logger, bodyLimitBytes = 256_000 }: InternalRoutesOptions,
): Record<string, RouteHandler> {
  const refuse = (req: IncomingMessage, res: ServerResponse, status: number, code: string, message: string) =>
    sendRefusal(req, res, status, { errors: [{ message, extensions: { code } }] });

  const routeOf = (procedure: AnyInternalProcedure): RouteHandler => {
    const run = procedure.run as (input: unknown, requestId: string) => Promise<unknown>;
    return async (req, res, requestId) => {
      if (!tokenMatches(req.headers[InternalHeader.Token], internalToken)) {
        refuse(req, res, 401, ErrorCode.Unauthenticated, `${service} accepts calls from RTC services only`);
        return;
      }
      if (req.method !== 'POST') {
        res.setHeader('allow', 'POST');
        refuse(req, res, 405, 'METHOD_NOT_ALLOWED', `${procedure.name} takes a POST`);
        return;
      }
      if (req.headers[InternalHeader.UserId] !== undefined || req.headers[InternalHeader.UserRole] !== undefined) {
        refuse(req, res, 403, ErrorCode.Forbidden, `${procedure.name} is called by RTC services only, never on behalf of a user`);
        return;
      }
      const end = metrics.graphqlDuration.startTimer({ operation: procedure.name });
      const answer = (status: number, body: { data: unknown } | { errors: WireError[] }) => {
        metrics.graphqlRequests.inc({ operation: procedure.name, outcome: 'data' in body ? 'success' : 'error' });
        end();
        sendJson(res, status, body);
      };
      let raw: string;
      try {
        raw = await readBody(req, bodyLimitBytes);
      } catch (error) {
        if (!(error instanceof BodyTooLargeError)) throw error;
        metrics.graphqlRequests.inc({ operation: procedure.name, outcome: 'error' });
        refuse(req, res, 413, 'PAYLOAD_TOO_LARGE', error.message);
        return;
      }
      let body: unknown;
      try {
        body = JSON.parse(raw);
      } catch {
        answer(400, { errors: [{ message: 'Request body is not valid JSON', extensions: { code: 'BAD_REQUEST' } }] });
        return;
      }
      const parsed = procedure.input.safeParse(body);
      if (!parsed.success) {
        const error = badInputOf(parsed.error.issues);
        answer(400, { errors: [{ message: error.message, extensions: error.extensions }] });
        return;
      }
      try {
        answer(200, { data: await run(parsed.data, requestId) });
      } catch (error) {
        const wire = wireErrorOf(error, requestId);
        if (wire.extensions['code'] === InternalErrorCode || wire.extensions['code'] === ErrorCode.ServiceUnavailable) {
          logger.error({ err: error, requestId, procedure: procedure.name }, 'internal call failed');
        }
        answer(200, { errors: [wire] });
      }
    };
  };

  return Object.fromEntries(procedures.map((procedure) => [`${internalPathPrefix}${procedure.name}`, routeOf(procedure)]));
}

export interface InternalClientOptions {
  /**
   * The service's origin, e.g. `http://inventory:4004`; a function when it is known only once that service listens
   * (services that call each other, started in one process), read on each call.
   */
  readonly baseUrl: string | (() => string);
  readonly internalToken: string;
  /** How long each call waits for the answer before failing with SERVICE_UNAVAILABLE. */
  readonly timeoutMs?: number;
  /** Share one set of connection pools between clients; each client gets its own otherwise. */
  readonly fetch?: PooledFetch;
  readonly tracer?: Tracer | undefined;
  /** Fails calls at once while the service is known to be down (see createCircuitBreaker). */
  readonly breaker?: CircuitBreaker | undefined;
}

export interface InternalCallOptions {
  readonly requestId?: string;
  /** Safe to send twice (see GraphQLClient's RequestOptions): retried once when the connection failed, never after a timeout. */
  readonly idempotent?: boolean;
}

export interface InternalClient {
  call<T>(procedure: string, input: unknown, options?: InternalCallOptions): Promise<T>;
}

const idempotentRetry: RetryPolicy = { retries: 1, backoffMs: 50 };

interface InternalResponse<T> {
  data?: T;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

/**
 * Calls another service's procedures over pooled keep-alive HTTP. An error from the other side is rethrown as a
 * GraphQLError with its code; a service that cannot be reached, answers too slowly or fails without an answer
 * becomes SERVICE_UNAVAILABLE, without its address or the transport's error.
 */
export function createInternalClient({
  baseUrl,
  internalToken,
  timeoutMs = 5_000,
  tracer,
  fetch = createPooledFetch({ timeoutMs, tracer }),
  breaker,
}: InternalClientOptions): InternalClient {
  const fixedOrigin = typeof baseUrl === 'string' ? new URL(baseUrl).origin : null;
  const client: InternalClient = {
    async call<T>(procedure: string, input: unknown, options: InternalCallOptions = {}): Promise<T> {
      const origin = fixedOrigin ?? new URL((baseUrl as () => string)()).origin;
      const url = `${origin}${internalPathPrefix}${procedure}`;
      const send = () =>
        fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...callerHeadersOf(null, internalToken, options.requestId) },
          body: JSON.stringify(input),
          timeoutMs,
        });
      let response: Awaited<ReturnType<PooledFetch>>;
      try {
        response = options.idempotent ? await withRetry(send, idempotentRetry, (error) => upstreamFailureOf(error) === 'unreachable') : await send();
      } catch (error) {
        if (upstreamFailureOf(error)) throw serviceUnavailable();
        throw error;
      }
      const body = (await response.json().catch(() => null)) as InternalResponse<T> | null;
      const first = body?.errors?.[0];
      if (first) throw new GraphQLError(first.message, { extensions: first.extensions ?? {} });
      if (!response.ok || !body || !('data' in body)) {
        if (!body || response.status >= 500) throw serviceUnavailable();
        throw new Error(`${url} answered ${response.status} without data`);
      }
      return body.data as T;
    },
  };
  return breaker ? { call: (procedure, input, options) => breaker.execute(() => client.call(procedure, input, options)) } : client;
}
