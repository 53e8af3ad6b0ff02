import { ApolloGateway } from '@apollo/gateway';
import { getOperationAST, parse, specifiedRules, validate, type GraphQLSchema } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { readSupergraph } from '../supergraph';
import { fragmentBomb } from './fragment-bomb';
import { measureOperation } from './operation-cost';
import { checkOperationLimits, defaultOperationLimits, limitValidationRules } from './operation-limits';

let schema: GraphQLSchema;
beforeAll(async () => {
  const gateway = new ApolloGateway({ supergraphSdl: readSupergraph() });
  schema = (await gateway.load()).schema;
  await gateway.stop();
});

const measure = (query: string, variables: Record<string, unknown> = {}) => {
  const document = parse(query);
  return measureOperation(schema, document, getOperationAST(document)!, variables);
};

const refusal = (query: string, variables: Record<string, unknown> = {}, limits = defaultOperationLimits) => {
  const document = parse(query);
  const [invalid] = validate(schema, document, [...specifiedRules, ...limitValidationRules(limits)]);
  if (invalid) return { code: invalid.extensions['code'], message: invalid.message };
  const problem = checkOperationLimits(schema, document, getOperationAST(document)!, variables, limits);
  return problem && { code: problem.extensions['code'], message: problem.message };
};

describe('operation limits', () => {
  it('accepts a catalog page with stock within every limit', () => {
    expect(refusal('{ products(first: 20) { edges { node { id name price { amount currency } stock { available } } } } }')).toBeNull();
  });

  it('refuses an operation nested deeper than the maximum', () => {
    const levels = [
      'products(first: 1)',
      'edges',
      'node',
      'category',
      'products(first: 1)',
      'edges',
      'node',
      'category',
      'products(first: 1)',
      'edges',
      'node',
      'category',
    ];
    const deep = `{ ${levels.join(' { ')} { id ${'} '.repeat(levels.length)}}`;
    expect(refusal(deep)).toEqual({ code: 'QUERY_TOO_COMPLEX', message: 'Query depth 13 exceeds the maximum of 12' });
  });

  it('prices a connection by its page size', () => {
    expect(measure('{ products(first: 100) { edges { node { id name } } } }').cost).toBe(1 + 100 * (1 + 1 * (1 + 2)));
    expect(measure('{ products { edges { node { id name } } } }').cost).toBe(1 + 20 * 4);
  });

  it('prices what a connection reads once per page (pageInfo, totalCount, facets) once, not per edge', () => {
    const facets = 'facets { categories { count } priceBands { count } }';
    const facetsCost = 1 + (1 + 100 * 1) + (1 + 6 * 1);
    expect(measure(`{ products(first: 100) { totalCount pageInfo { hasNextPage } ${facets} } }`).cost).toBe(1 + 1 + (1 + 1) + facetsCost);
    expect(measure(`{ products(first: 100) { edges { node { id } } ${facets} } }`).cost).toBe(1 + 100 * (1 + 1 * (1 + 1)) + facetsCost);
    expect(refusal(`{ products(first: 100) { edges { node { id name } } ${facets} } }`)).toBeFalsy();
  });

  it('counts a variable default as the page size asked for', () => {
    const query = 'query($n: Int = 100) { products(first: $n) { edges { node { id name } } } }';
    expect(measure(query).cost).toBe(measure('{ products(first: 100) { edges { node { id name } } } }').cost);
    expect(measure(query, { n: 5 }).cost).toBe(measure('{ products(first: 5) { edges { node { id name } } } }').cost);
  });

  it('prices a limit argument left out by its schema default', () => {
    const window = 'from: "2026-01-01T00:00:00Z", to: "2026-01-02T00:00:00Z"';
    expect(measure(`{ topProducts(${window}) { units } }`).cost).toBe(1 + 10 * 1);
    expect(measure(`{ topProducts(${window}, limit: 50) { units } }`).cost).toBe(1 + 50 * 1);
  });

  it('prices lists without a size argument by their declared bound', () => {
    expect(measure('{ categories { id } }').cost).toBe(1 + 100 * 1);
    expect(measure('{ order(id: "1") { lines { quantity } } }').cost).toBe(1 + (1 + 50 * 1));
  });

  it('refuses 40 aliased categories each listing a hundred products with their stock', () => {
    const aliased = Array.from({ length: 40 }, (_, i) => `c${i}: categories { products(first: 100) { edges { node { id stock { available } } } } }`);
    expect(refusal(`{ ${aliased.join(' ')} }`)?.code).toBe('QUERY_TOO_COMPLEX');
    expect(refusal('{ categories { products(first: 100) { edges { node { id stock { onHand } } } } } }')?.message).toMatch(/^Query cost \d+ exceeds/);
  });

  it('refuses more aliases than the maximum, counting those inside fragments once per spread', () => {
    const aliases = Array.from({ length: 31 }, (_, i) => `a${i}: id`).join(' ');
    expect(refusal(`{ product(id: "1") { ${aliases} } }`)).toEqual({
      code: 'QUERY_TOO_COMPLEX',
      message: 'Aliases limit of 30 exceeded, found 31.',
    });
    const fragmentAliases = Array.from({ length: 16 }, (_, i) => `a${i}: id`).join(' ');
    expect(refusal(`{ product(id: "1") { ...A ...A } } fragment A on Product { ${fragmentAliases} }`)?.code).toBe('QUERY_TOO_COMPLEX');
  });

  it('refuses more root fields than the maximum', () => {
    const roots = Array.from({ length: 21 }, (_, i) => `p${i}: product(id: "${i}") { id }`).join(' ');
    expect(refusal(`{ ${roots} }`, {}, { ...defaultOperationLimits, maxAliases: 100 })).toEqual({
      code: 'QUERY_TOO_COMPLEX',
      message: 'Query selects 21 root fields, more than the maximum of 20',
    });
  });

  it('refuses more directives than the maximum', () => {
    const fields = Array.from({ length: 51 }, () => 'id @include(if: true)').join(' ');
    expect(refusal(`{ product(id: "1") { ${fields} } }`)).toEqual({ code: 'QUERY_TOO_COMPLEX', message: 'Directives limit of 50 exceeded, found 51.' });
  });

  it('measures a fragment spread cycle without looping, leaving its refusal to validation', () => {
    const cycle = '{ product(id: "1") { ...A } } fragment A on Product { category { products { edges { node { ...A } } } } }';
    expect(measure(cycle).depth).toBe(5);
    expect(refusal(cycle)?.message).toBe('Cannot spread fragment "A" within itself.');
  });

  it('measures a fragment bomb in time linear in its size', () => {
    // CPU time, not wall time: another test beside this one may hold the core, and 2^40 unshared walks would never end.
    const started = process.cpuUsage();
    const { depth, cost } = measure(fragmentBomb(40));
    const { user, system } = process.cpuUsage(started);
    expect(depth).toBe(2);
    expect(cost).toBe(1 + 2 ** 41);
    expect((user + system) / 1000).toBeLessThan(50);
  });
});
