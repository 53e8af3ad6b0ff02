import type { BuiltService, ServiceDeps } from '@rtc/service-kit';
import type { SubgraphName } from '@rtc/gateway';
import { createUsersSubgraph } from '@rtc/users';
import type { RunningSubgraph, StackOptions } from './stack';

/** Each subgraph's factory with the configuration the stack gives it; `started` holds the subgraphs already listening. */
export async function buildSubgraph(
  name: SubgraphName,
  options: StackOptions,
  started: Partial<Record<SubgraphName, RunningSubgraph>>,
  deps: ServiceDeps,
): Promise<BuiltService> {
  const common = { production: false, internalToken: options.internalToken };
  switch (name) {
    case 'users':
      return createUsersSubgraph({ ...common, jwtSecret: options.jwtSecret, tokenTtlSeconds: 3600 }, deps);
    default:
      throw new Error(`${name}: ${JSON.stringify(Object.keys(started))}`);
  }
}
