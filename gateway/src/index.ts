export { createGateway, type Gateway, type GatewayConfig } from './gateway';
export { composeSupergraph, subgraphNames, defaultSubgraphPorts, type SubgraphName } from './supergraph';
export { defaultOperationLimits, type OperationLimits } from './limits/operation-limits';
