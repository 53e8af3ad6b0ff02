import { randomUUID, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { GraphQLError } from 'graphql';
import type { z } from 'zod';
import { InternalHeader } from './caller';
import type { CircuitBreaker } from './circuit-breaker';
import { badInput, ErrorCode, serviceUnavailable, serviceUnavailableMessage } from './errors';
import { BodyTooLargeError, readBody, sendJson, sendRefusal, type RouteHandler } from './http-server';
import type { Logger } from './logger';
import type { ServiceMetrics } from './metrics';
import { isDatabaseUnavailable } from './mysql-errors';
import { createPooledFetch, type PooledFetch } from './pooled-http';
import { InternalErrorCode } from './quiet-errors';
import { postToService } from './service-post';
import { inSpan, requestIdAttribute, SpanKind, type Tracer } from './tracing';

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

/** What an internal call is answered: the HTTP status and body the route sends, or a direct call returns. */
export interface InternalAnswer {
  readonly status: number;
  readonly body: { readonly data: unknown } | { readonly errors: readonly WireError[] };
}

/** Answers the calls of a service's procedures once their caller passed the checks: counted in the request metrics. */
function createProcedureAnswers({ metrics, logger }: InternalRoutesOptions) {
  return async (procedure: AnyInternalProcedure, raw: string, requestId: string): Promise<InternalAnswer> => {
    const run = procedure.run as (input: unknown, requestId: string) => Promise<unknown>;
    const end = metrics.graphqlDuration.startTimer({ operation: procedure.name });
    const answer = (status: number, body: InternalAnswer['body']): InternalAnswer => {
      metrics.graphqlRequests.inc({ operation: procedure.name, outcome: 'data' in body ? 'success' : 'error' });
      end();
      return { status, body };
    };
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      return answer(400, { errors: [{ message: 'Request body is not valid JSON', extensions: { code: 'BAD_REQUEST' } }] });
    }
    const parsed = procedure.input.safeParse(body);
    if (!parsed.success) {
      const error = badInputOf(parsed.error.issues);
      return answer(400, { errors: [{ message: error.message, extensions: error.extensions }] });
    }
    try {
      return answer(200, { data: await run(parsed.data, requestId) });
    } catch (error) {
      const wire = wireErrorOf(error, requestId);
      if (wire.extensions['code'] === InternalErrorCode || wire.extensions['code'] === ErrorCode.ServiceUnavailable) {
        logger.error({ err: error, requestId, procedure: procedure.name }, 'internal call failed');
      }
      return answer(200, { errors: [wire] });
    }
  };
}

const notFromRtc = (service: string) => `${service} accepts calls from RTC services only`;

/**
 * The routes of a service's procedures, `/internal/<name>`: POST only, internal token required (401), never on
 * behalf of a user (403 when caller headers are present), a body over the limit refused (413).
 */
export function createInternalRoutes(procedures: readonly AnyInternalProcedure[], options: InternalRoutesOptions): Record<string, RouteHandler> {
  const { service, internalToken, metrics, bodyLimitBytes = 256_000 } = options;
  const answer = createProcedureAnswers(options);
  const refuse = (req: IncomingMessage, res: ServerResponse, status: number, code: string, message: string) =>
    sendRefusal(req, res, status, { errors: [{ message, extensions: { code } }] });

  const routeOf =
    (procedure: AnyInternalProcedure): RouteHandler =>
    async (req, res, requestId) => {
      if (!tokenMatches(req.headers[InternalHeader.Token], internalToken)) {
        refuse(req, res, 401, ErrorCode.Unauthenticated, notFromRtc(service));
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
      let raw: string;
      try {
        raw = await readBody(req, bodyLimitBytes);
      } catch (error) {
        if (!(error instanceof BodyTooLargeError)) throw error;
        metrics.graphqlRequests.inc({ operation: procedure.name, outcome: 'error' });
        refuse(req, res, 413, 'PAYLOAD_TOO_LARGE', error.message);
        return;
      }
      const { status, body } = await answer(procedure, raw, requestId);
      sendJson(res, status, body);
    };

  return Object.fromEntries(procedures.map((procedure) => [`${internalPathPrefix}${procedure.name}`, routeOf(procedure)]));
}

/** One internal call made without HTTP: the token, the JSON body and the request id the HTTP call would carry. */
export interface DirectInternalCall {
  readonly token: string;
  readonly body: string;
  readonly requestId: string;
}

/** A service's procedures as a service in the same thread calls them. */
export type InternalEndpoint = (procedure: string, call: DirectInternalCall) => Promise<InternalAnswer>;

/**
 * The procedures of `procedures` answered without HTTP: the same token check, input parsing, request metrics and
 * errors as the routes, and (with a tracer) the same server span, `POST /internal/<name>`.
 */
export function createInternalEndpoint(
  procedures: readonly AnyInternalProcedure[],
  options: InternalRoutesOptions & { readonly tracer?: Tracer | undefined },
): InternalEndpoint {
  const byName = new Map(procedures.map((procedure) => [procedure.name, procedure]));
  const answer = createProcedureAnswers(options);
  return async (name, { token, body, requestId }) => {
    if (!tokenMatches(token, options.internalToken)) {
      return { status: 401, body: { errors: [{ message: notFromRtc(options.service), extensions: { code: ErrorCode.Unauthenticated } }] } };
    }
    const procedure = byName.get(name);
    if (!procedure) return { status: 404, body: { errors: [{ message: `${options.service} has no procedure ${name}`, extensions: { code: 'NOT_FOUND' } }] } };
    const path = `${internalPathPrefix}${name}`;
    // The caller gets what it would have parsed from the HTTP answer, never objects the procedure still holds.
    const asSent = async () => {
      const answered = await answer(procedure, body, requestId);
      return { status: answered.status, body: JSON.parse(JSON.stringify(answered.body)) as InternalAnswer['body'] };
    };
    if (!options.tracer) return asSent();
    return inSpan(
      options.tracer,
      `POST ${path}`,
      { kind: SpanKind.SERVER, attributes: { 'http.request.method': 'POST', 'url.path': path, [requestIdAttribute]: requestId } },
      async (span) => {
        const answered = await asSent();
        span.setAttribute('http.response.status_code', answered.status);
        return answered;
      },
    );
  };
}

/**
 * The services of one thread that call each other's procedures directly, by name: a checkout's call from orders to
 * inventory then costs a function call instead of an HTTP request on each side. A service is here while it listens.
 */
export interface InternalEndpoints {
  /** Serves `service`'s procedures here; returns what withdraws them. */
  register(service: string, endpoint: InternalEndpoint): () => void;
  endpointOf(service: string): InternalEndpoint | undefined;
}

export function createInternalEndpoints(): InternalEndpoints {
  const endpoints = new Map<string, InternalEndpoint>();
  return {
    register(service, endpoint) {
      endpoints.set(service, endpoint);
      return () => {
        if (endpoints.get(service) === endpoint) endpoints.delete(service);
      };
    },
    endpointOf: (service) => endpoints.get(service),
  };
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
  /** The service's procedures in this thread, when it runs here: called directly instead of over HTTP. */
  readonly direct?: () => InternalEndpoint | undefined;
}

export interface InternalCallOptions {
  readonly requestId?: string;
  /** Safe to send twice (see GraphQLClient's RequestOptions): retried once when the connection failed, never after a timeout. */
  readonly idempotent?: boolean;
}

export interface InternalClient {
  call<T>(procedure: string, input: unknown, options?: InternalCallOptions): Promise<T>;
}

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
  direct,
}: InternalClientOptions): InternalClient {
  // A direct call that outlives the timeout fails as an HTTP call would; the procedure itself runs on.
  const callDirectly = (endpoint: InternalEndpoint, procedure: string, body: string, requestId: string) =>
    new Promise<InternalAnswer>((resolve, reject) => {
      const timer = setTimeout(() => reject(serviceUnavailable()), timeoutMs);
      endpoint(procedure, { token: internalToken, body, requestId })
        // As over HTTP: a failure without an answer is the service being unavailable.
        .then(resolve, (error: unknown) => reject(error instanceof GraphQLError ? error : serviceUnavailable()))
        .finally(() => clearTimeout(timer));
    });
  const fixedOrigin = typeof baseUrl === 'string' ? new URL(baseUrl).origin : null;
  const client: InternalClient = {
    async call<T>(procedure: string, input: unknown, options: InternalCallOptions = {}): Promise<T> {
      const origin = fixedOrigin ?? new URL((baseUrl as () => string)()).origin;
      const url = `${origin}${internalPathPrefix}${procedure}`;
      const endpoint = direct?.();
      let status: number;
      let body: InternalResponse<T> | null;
      if (endpoint) {
        ({ status, body } = (await callDirectly(endpoint, procedure, JSON.stringify(input), options.requestId ?? randomUUID())) as {
          status: number;
          body: InternalResponse<T>;
        });
      } else {
        ({ status, body } = (await postToService(fetch, url, input, {
          internalToken,
          requestId: options.requestId,
          timeoutMs,
          idempotent: options.idempotent,
        })) as {
          status: number;
          body: InternalResponse<T> | null;
        });
      }
      const first = body?.errors?.[0];
      if (first) throw new GraphQLError(first.message, { extensions: first.extensions ?? {} });
      if (status >= 300 || !body || !('data' in body)) {
        if (!body || status >= 500) throw serviceUnavailable();
        throw new Error(`${url} answered ${status} without data`);
      }
      return body.data as T;
    },
  };
  return breaker ? { call: (procedure, input, options) => breaker.execute(() => client.call(procedure, input, options)) } : client;
}
