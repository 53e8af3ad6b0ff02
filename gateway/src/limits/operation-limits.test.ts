import { Kind, parse, type FragmentDefinitionNode, type OperationDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { checkLimits } from './operation-limits';

const limits = { maxDepth: 4, maxCost: 1_000 };
const problems = (query: string, variables: Record<string, unknown> = {}) => {
  const document = parse(query);
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
  const fragments = document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION);
  const problem = checkLimits(operation, fragments, variables, limits);
  return problem ? [problem] : [];
};

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
    expect(problems('{ products { ...A } } fragment A on Product { related { ...A } }')).toEqual([]);
  });

  it('counts a page size given as a variable', () => {
    const query = 'query($n: Int) { products(first: $n) { related(first: $n) { id } } }';
    expect(problems(query, { n: 10 })).toEqual([]);
    expect(problems(query, { n: 100 })).toHaveLength(1);
  });
});
