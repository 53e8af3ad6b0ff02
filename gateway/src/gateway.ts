import type { IncomingMessage } from 'node:http';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import {
  createApolloHandler,
  createMetricsPlugin,
  createServiceServer,
  type EventBus,
  type Logger,
  type RouteHandler,
  type ServiceMetrics,
} from '@rtc/service-kit';
import { authenticate } from './authenticate';
import type { GatewayContext } from './context';
import { createOperationLimitsRule, type OperationLimits } from './limits/operation-limits';
import { createSubgraphFetchMetrics, SubgraphDataSource } from './subgraph-data-source';
import { readSupergraph, type SubgraphName } from './supergraph';

export interface GatewayConfig {
  readonly production: boolean;
  readonly internalToken: string;
  readonly jwtSecret: string;
  readonly subgraphUrls: Record<SubgraphName, string>;
  readonly limits: OperationLimits;
  readonly bodyLimitBytes: number;
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
export async function createGateway(config: GatewayConfig, { logger, metrics, routes = {} }: GatewayDeps) {
  const fetchMetrics = createSubgraphFetchMetrics(metrics);
  const gateway = new ApolloGateway({
    supergraphSdl: readSupergraph(),
    logger: logger.child({ component: 'apollo-gateway' }),
    buildService: ({ name }) =>
      new SubgraphDataSource({
        name,
        url: config.subgraphUrls[name as SubgraphName],
        internalToken: config.internalToken,
        metrics: fetchMetrics,
      }),
  });
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    introspection: !config.production,
    includeStacktraceInErrorResponses: !config.production,
    validationRules: [createOperationLimitsRule(config.limits)],
    plugins: [createMetricsPlugin(metrics)],
    logger,
  });
  await apollo.start();

  const graphql = createApolloHandler<GatewayContext>({
    server: apollo,
    bodyLimitBytes: config.bodyLimitBytes,
    context: async (req, requestId) => ({
      caller: await authenticate(headerOf(req, 'authorization'), config.jwtSecret),
      requestId,
    }),
  });
  const http = createServiceServer({
    logger,
    metrics,
    ready: async () => true,
    routes: { '/graphql': graphql, ...routes },
  });

  return {
    apollo,
    http,
    async stop() {
      await apollo.stop();
    },
  };
}

export type Gateway = Awaited<ReturnType<typeof createGateway>>;
