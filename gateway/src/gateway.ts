import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { GraphQLError, type ExecutionResult, type GraphQLSchema } from 'graphql';
import {
  createApolloHandler,
  createGraphQLClient,
  createPooledFetch,
  notFound,
  type Caller,
  createMetricsPlugin,
  createServiceServer,
  type EventBus,
  type Logger,
  type RouteHandler,
  type ServiceMetrics,
} from '@rtc/service-kit';
import { createAccountStandings } from './account-standings';
import { createAuthenticator } from './authenticate';
import { createDashboardRoute } from './dashboard-route';
import type { GatewayContext } from './context';
import { createOperationLimitsPlugin, type OperationLimits } from './limits/operation-limits';
import { createSubgraphFetchMetrics, SubgraphDataSource } from './subgraph-data-source';
import { createLiveHub } from './subscriptions/live-hub';
import { createSalesWindow } from '@rtc/orders/live-sales';
import { attachSubscriptionServer } from './subscriptions/subscription-server';
import { readSupergraph, type SubgraphName } from './supergraph';

export interface GatewayConfig {
  readonly production: boolean;
  readonly internalToken: string;
  readonly jwtSecret: string;
  readonly subgraphUrls: Record<SubgraphName, string>;
  readonly limits: OperationLimits;
  readonly bodyLimitBytes: number;
  /** ISO 4217 code of the store's prices; live sales statistics are kept in it. */
  readonly storeCurrency: string;
  /** Request and subgraph-fetch metrics; off only to measure what they cost. */
  readonly metricsEnabled?: boolean;
  /**
   * How long an account's standing (token version, role, disabled) is trusted before it is read again, and how often
   * open sockets are re-checked: a revoked token or disabled account loses access within this time. Default 5 s.
   */
  readonly accountRecheckMs?: number;
}

export interface GatewayDeps {
  readonly logger: Logger;
  readonly metrics: ServiceMetrics;
  readonly bus: EventBus;
  /** Extra HTTP routes, e.g. the dashboard page. */
  readonly routes?: Record<string, RouteHandler>;
}

function headerOf(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === 'string' ? value : undefined;
}

/** Builds the gateway without listening: the committed supergraph, keep-alive subgraph fetches, JWT verification. */
export async function createGateway(config: GatewayConfig, { logger, metrics, bus, routes = {} }: GatewayDeps) {
  const metricsEnabled = config.metricsEnabled ?? true;
  const fetchMetrics = metricsEnabled ? createSubgraphFetchMetrics(metrics) : undefined;
  const subgraphFetch = createPooledFetch();
  const gateway = new ApolloGateway({
    supergraphSdl: readSupergraph(),
    logger: logger.child({ component: 'apollo-gateway' }),
    buildService: ({ name }) =>
      new SubgraphDataSource({
        name,
        url: config.subgraphUrls[name as SubgraphName],
        internalToken: config.internalToken,
        fetch: subgraphFetch,
        metrics: fetchMetrics,
      }),
  });
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    introspection: !config.production,
    includeStacktraceInErrorResponses: !config.production,
    // registerShutdown owns SIGTERM: it closes the HTTP server first, then Apollo.
    stopOnTerminationSignals: false,
    // RTC sets no cache hints: without the cache-control plugin, no hook runs per resolved field.
    plugins: [ApolloServerPluginCacheControlDisabled(), createOperationLimitsPlugin(config.limits), ...(metricsEnabled ? [createMetricsPlugin(metrics)] : [])],
    logger,
  });
  let apiSchema: GraphQLSchema | undefined;
  gateway.onSchemaLoadOrUpdate(({ apiSchema: loaded }) => {
    apiSchema = loaded;
  });
  await apollo.start();
  const schema = () => {
    if (!apiSchema) throw new Error('the supergraph is not loaded');
    return apiSchema;
  };

  /** Runs an operation through the gateway's own pipeline (query planning, subgraph fetches) as `caller`. */
  const runAs = async (caller: Caller, query: string, variables: Record<string, unknown>): Promise<ExecutionResult> => {
    const response = await apollo.executeOperation({ query, variables }, { contextValue: { caller, requestId: randomUUID() } });
    if (response.body.kind !== 'single') throw new Error('incremental delivery is not used by live updates');
    const { data, errors } = response.body.singleResult;
    return {
      data: data ?? null,
      ...(errors ? { errors: errors.map((e) => new GraphQLError(e.message, { extensions: e.extensions ?? {} })) } : {}),
    };
  };

  const accountRecheckMs = config.accountRecheckMs ?? 5_000;
  const authenticator = createAuthenticator({
    jwtSecret: config.jwtSecret,
    standings: createAccountStandings({
      users: createGraphQLClient({ url: config.subgraphUrls.users, internalToken: config.internalToken, fetch: subgraphFetch }),
      ttlMs: accountRecheckMs,
    }),
  });
  const graphql = createApolloHandler<GatewayContext>({
    server: apollo,
    bodyLimitBytes: config.bodyLimitBytes,
    context: async (req, requestId) => ({
      caller: await authenticator.callerOf(headerOf(req, 'authorization')),
      requestId,
    }),
  });
  const http = createServiceServer({
    logger,
    metrics,
    ready: async () => true,
    routes: { '/graphql': graphql, ...createDashboardRoute(), ...routes },
  });

  const hub = createLiveHub({
    schema,
    resolve: runAs,
    bus,
    salesWindow: createSalesWindow(),
    storeCurrency: config.storeCurrency,
    metrics,
    logger: logger.child({ component: 'live-hub' }),
  });
  const subscriptions = attachSubscriptionServer({
    server: http.server,
    path: '/graphql',
    schema,
    authenticator,
    recheckMs: accountRecheckMs,
    hub,
    checkOrderAccess: async (caller, orderId) => {
      const result = await runAs(caller, 'query LiveOrderAccess($id: ID!) { order(id: $id) { id } }', { id: orderId });
      const [denied] = result.errors ?? [];
      if (denied) return denied;
      return (result.data as { order: unknown } | null)?.order ? null : notFound(`order ${orderId}`);
    },
    metrics,
    logger: logger.child({ component: 'subscriptions' }),
  });

  return {
    apollo,
    http,
    hub,
    runAs,
    async stop() {
      await subscriptions.close();
      await hub.stop();
      await apollo.stop();
      await subgraphFetch.close();
    },
  };
}

export type Gateway = Awaited<ReturnType<typeof createGateway>>;
