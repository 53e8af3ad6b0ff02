import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer, type BaseContext } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { BodyTooLargeError, readBody, sendJson, sendRefusal, type RouteHandler } from './http-server';

export interface ApolloHandlerOptions<C extends BaseContext> {
  readonly server: ApolloServer<C>;
  readonly context: (req: IncomingMessage, requestId: string) => Promise<C>;
  readonly bodyLimitBytes?: number;
  /**
   * Rewrites a parsed JSON body before Apollo reads it, e.g. a trusted document's `documentId`, or refuses it by
   * throwing a GraphQLError (status from `extensions.http.status`, 400 when absent) before anything is parsed.
   */
  readonly prepareBody?: (body: unknown) => unknown;
  /**
   * Runs after `prepareBody`, before Apollo or `context`: may answer the request itself (e.g. from a cache) and
   * resolve true, or resolve false to let Apollo run it. The route's own guards (rate limits) have run already.
   */
  readonly answerEarly?: (req: IncomingMessage, body: unknown, res: ServerResponse) => boolean | Promise<boolean>;
}

/** Serves an started ApolloServer on a plain node http route. */
export function createApolloHandler<C extends BaseContext>({
  server,
  context,
  bodyLimitBytes = 1_000_000,
  prepareBody,
  answerEarly,
}: ApolloHandlerOptions<C>): RouteHandler {
  return async (req: IncomingMessage, res: ServerResponse, requestId: string) => {
    let raw: string;
    try {
      raw = req.method === 'POST' ? await readBody(req, bodyLimitBytes) : '';
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        sendRefusal(req, res, 413, { errors: [{ message: error.message, extensions: { code: 'PAYLOAD_TOO_LARGE' } }] });
        return;
      }
      throw error;
    }
    let body: unknown = raw;
    if (raw && req.headers['content-type']?.includes('application/json')) {
      try {
        body = JSON.parse(raw);
      } catch {
        sendJson(res, 400, { errors: [{ message: 'Request body is not valid JSON', extensions: { code: 'BAD_REQUEST' } }] });
        return;
      }
    }
    if (prepareBody && typeof body !== 'string') {
      try {
        body = prepareBody(body);
      } catch (refusal) {
        if (!(refusal instanceof GraphQLError)) throw refusal;
        const { http, ...extensions } = refusal.extensions as { http?: { status?: number } };
        sendJson(res, http?.status ?? 400, { errors: [{ message: refusal.message, extensions }] });
        return;
      }
    }
    if (answerEarly && (await answerEarly(req, body, res))) return;
    const headers = new HeaderMap();
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    const response = await server.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: req.method ?? 'GET', headers, search: url.search, body },
      context: () => context(req, requestId),
    });
    res.statusCode = response.status ?? 200;
    for (const [name, value] of response.headers) res.setHeader(name, value);
    if (response.body.kind === 'complete') {
      res.end(response.body.string);
      return;
    }
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  };
}
