export { createGateway, type Gateway, type GatewayConfig, type GatewayRateLimits } from './gateway';
export { defaultSubgraphCallPolicy, type SubgraphCallPolicy } from './subgraph-data-source';
export { defaultApiRateLimits, type ApiRateLimitsConfig } from './rate-limits/api-rate-limits';
export { composeSupergraph, subgraphNames, defaultSubgraphPorts, type SubgraphName } from './supergraph';
export { defaultOperationLimits, type OperationLimits } from './limits/operation-limits';
