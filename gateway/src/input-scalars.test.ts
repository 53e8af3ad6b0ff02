import { buildSchema, getVariableValues, parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { parseInputScalarsAsSubgraphs } from './input-scalars';

// As composition leaves them: custom scalars known by name only.
const schema = buildSchema('scalar DateTime\nscalar SafeInt\ntype Query { series(from: DateTime!, limit: SafeInt): Int }');
parseInputScalarsAsSubgraphs(schema);
const [operation] = parse('query($from: DateTime!) { series(from: $from) }').definitions;

describe('input scalars at the gateway', () => {
  it('refuses a DateTime variable the subgraphs would refuse, as BAD_USER_INPUT', () => {
    if (operation?.kind !== 'OperationDefinition') throw new Error('no operation');
    const { errors } = getVariableValues(schema, operation.variableDefinitions ?? [], { from: '1' });
    expect(errors).toHaveLength(1);
    expect(getVariableValues(schema, operation.variableDefinitions ?? [], { from: '2026-11-25T18:00:00Z' }).errors).toBeUndefined();
  });

  it('refuses malformed DateTime and SafeInt literals in validation', () => {
    expect(validate(schema, parse('{ series(from: "1") }'))).toHaveLength(1);
    expect(validate(schema, parse('{ series(from: "2026-11-25T18:00:00Z", limit: 1.5) }'))).toHaveLength(1);
    expect(validate(schema, parse('{ series(from: "2026-11-25T18:00:00Z", limit: 5000000000) }'))).toEqual([]);
  });
});
