import { readFileSync } from 'node:fs';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';

export const subgraphNames = ['users', 'catalog', 'orders', 'inventory', 'activity'] as const;
export type SubgraphName = (typeof subgraphNames)[number];

/** Subgraphs a gateway stays ready without: behaviour tracking must never take checkout down with it. */
export const optionalSubgraphs: readonly SubgraphName[] = ['activity'];

export const defaultSubgraphPorts: Record<SubgraphName, number> = { users: 4001, catalog: 4002, orders: 4003, inventory: 4004, activity: 4005 };

export const supergraphPath = new URL('../supergraph.graphql', import.meta.url);

const schemaPathOf = (name: SubgraphName) => new URL(`../../subgraphs/${name}/schema.graphql`, import.meta.url);

/** Composes the five subgraph SDLs; the URLs in the result are placeholders, the gateway routes by name. */
export function composeSupergraph(): string {
  const result = composeServices(
    subgraphNames.map((name) => ({
      name,
      url: `http://${name}:${defaultSubgraphPorts[name]}/graphql`,
      typeDefs: parse(readFileSync(schemaPathOf(name), 'utf8')),
    })),
  );
  if (result.errors) throw new AggregateError(result.errors, `composition failed:\n${result.errors.map((e) => e.message).join('\n')}`);
  return result.supergraphSdl;
}

export function readSupergraph(): string {
  return readFileSync(supergraphPath, 'utf8');
}
