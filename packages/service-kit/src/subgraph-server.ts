import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControl } from '@apollo/server/plugin/cacheControl';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema, type GraphQLResolverMap } from '@apollo/subgraph';
import type { DocumentNode } from 'graphql';
import { createApolloHandler } from './apollo-handler';
import { InternalHeader, readCaller, readClientAddress, type Caller } from './caller';
import { createServiceServer, sendRefusal, type ServiceServer } from './http-server';
import { createInternalEndpoint, createInternalRoutes, type AnyInternalProcedure } from './internal-rpc';
import type { Logger } from './logger';
import { createMetricsPlugin } from './metrics';
import { pingDatabase } from './mysql';
import { createErrorLoggingPlugin, quietError, unavailableDependency } from './quiet-errors';
import { createOutboxRelay, type OutboxRelay } from './outbox';
import type { ServiceDeps } from './serve';

/** What every subgraph resolver gets; services extend it with their own database and loaders. */
export interface BaseContext {
  readonly caller: Caller | null;
  /** Set by the gateway for end users' requests; null on service-to-service calls. */
  readonly clientAddress: string | null;
  readonly requestId: string;
  readonly logger: Logger;
}

export interface SubgraphServerOptions<C extends BaseContext> {
  readonly name: string;
  readonly typeDefs: DocumentNode;
  // Codegen's resolver types are stricter than @apollo/subgraph's map; both describe the same object.
  readonly resolvers: unknown;
  readonly config: { readonly internalToken: string; readonly production: boolean };
  /** The service's pool (readiness pings it), bus, logger and metrics. */
  readonly deps: ServiceDeps;
  readonly createContext: (base: BaseContext) => C;
  readonly plugins?: ApolloServerPlugin<C>[];
  /**
   * Honour the schema's `@cacheControl` hints and answer each read with a `Cache-Control` header (`max-age=N, public`
   * when every field it resolved is cacheable, else `no-store`), which the gateway's response cache reads. Off: no
   * header, so the gateway never caches an answer of this subgraph, and no hook runs per resolved field.
   */
  readonly cacheHints?: boolean;
  /** Service-to-service procedures served beside `/graphql` at `/internal/<name>` (see createInternalRoutes). */
  readonly procedures?: readonly AnyInternalProcedure[];
}

export interface SubgraphServer<C extends BaseContext> {
  readonly apollo: ApolloServer<C>;
  readonly http: ServiceServer;
}

function headerOf(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === 'string' ? value : undefined;
}

function tokenMatches(given: string | string[] | undefined, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * A federated subgraph on the shared HTTP surface. Only callers holding the internal token
 * (the gateway, other RTC services) reach its GraphQL endpoint; caller headers are trusted only then.
 */
export async function createSubgraphServer<C extends BaseContext>(options: SubgraphServerOptions<C>): Promise<SubgraphServer<C>> {
  const { name, typeDefs, resolvers, createContext } = options;
  const { internalToken, production } = options.config;
  const { pool, logger, metrics, tracer } = options.deps;
  const ready = () => pingDatabase(pool);
  const apollo = new ApolloServer<C>({
    schema: buildSubgraphSchema([{ typeDefs, resolvers: resolvers as GraphQLResolverMap<C> }]),
    introspection: !production,
    includeStacktraceInErrorResponses: !production,
    hideSchemaDetailsFromClientErrors: production,
    formatError: production ? (formatted, error) => quietError(unavailableDependency(formatted, error)) : unavailableDependency,
    // registerShutdown owns SIGTERM: it closes the HTTP server first, then Apollo.
    stopOnTerminationSignals: false,
    // Without cache hints and inline traces, no hook runs per resolved field.
    plugins: [
      options.cacheHints ? ApolloServerPluginCacheControl({ defaultMaxAge: 0, calculateHttpHeaders: true }) : ApolloServerPluginCacheControlDisabled(),
      ApolloServerPluginInlineTraceDisabled(),
      createMetricsPlugin(metrics),
      ...(production ? [createErrorLoggingPlugin<C>(logger)] : []),
      ...(options.plugins ?? []),
    ],
    logger,
  });
  await apollo.start();
  const graphql = createApolloHandler<C>({
    server: apollo,
    context: async (req: IncomingMessage, requestId: string) =>
      createContext({
        caller: readCaller((header) => headerOf(req, header)),
        clientAddress: readClientAddress((header) => headerOf(req, header)),
        requestId,
        logger: logger.child({ requestId }),
      }),
  });
  const http = createServiceServer({
    logger,
    metrics,
    tracer,
    ready,
    routes: {
      '/graphql': async (req, res, requestId) => {
        if (!tokenMatches(req.headers[InternalHeader.Token], internalToken)) {
          sendRefusal(req, res, 401, {
            errors: [{ message: `${name} accepts calls from RTC services only`, extensions: { code: 'UNAUTHENTICATED' } }],
          });
          return;
        }
        await graphql(req, res, requestId);
      },
      ...createInternalRoutes(options.procedures ?? [], { service: name, internalToken, metrics, logger }),
    },
  });
  const endpoints = options.deps.internalEndpoints;
  if (endpoints && options.procedures?.length) {
    // Reachable directly exactly while it is over HTTP: from listening until it closes.
    const endpoint = createInternalEndpoint(options.procedures, { service: name, internalToken, metrics, logger, tracer });
    const { listen, close } = http;
    let withdraw = () => undefined as void;
    http.listen = async (port, host) => {
      const url = await listen(port, host);
      withdraw = endpoints.register(name, endpoint);
      return url;
    };
    http.close = (deadline) => {
      withdraw();
      return close(deadline);
    };
  }
  return { apollo, http };
}

/** The relay of a service's own outbox, publishing to its bus. */
export function createServiceRelay({ pool, bus, logger, metrics, tracer }: ServiceDeps): OutboxRelay {
  return createOutboxRelay({ pool, bus, logger: logger.child({ component: 'outbox-relay' }), metrics, tracer });
}
