import { buildSchema, parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { createOperationLimitsRule } from './operation-limits';

const schema = buildSchema(`
  type Query { products(first: Int): [Product!]! }
  type Product { id: ID! related(first: Int): [Product!]! name: String }
`);

const rule = createOperationLimitsRule({ maxDepth: 4, maxCost: 1_000 });
const problems = (query: string) => validate(schema, parse(query), [rule]).map((error) => error.message);

describe('operation limits', () => {
  it('accepts an operation within depth and cost', () => {
    expect(problems('{ products(first: 10) { id related(first: 5) { name } } }')).toEqual([]);
  });

  it('refuses an operation nested deeper than the maximum', () => {
    expect(problems('{ products { related { related { related { related { id } } } } } }')).toEqual([
      'Query depth 6 exceeds the maximum of 4',
    ]);
  });

  it('counts list fields by their page size when estimating cost', () => {
    expect(problems('{ products(first: 100) { related(first: 100) { id name } } }')).toEqual([
      'Query cost 20101 exceeds the maximum of 1000',
    ]);
  });

  it('follows fragments, and survives fragment cycles', () => {
    const query = `
      query { products(first: 100) { ...P } }
      fragment P on Product { related(first: 100) { ...Q } }
      fragment Q on Product { id name }`;
    expect(problems(query)).toHaveLength(1);
    const cyclic = validate(schema, parse('{ products { ...A } } fragment A on Product { related { ...A } }'), [rule]);
    expect(cyclic).toEqual([]);
  });
});
