import { isScalarType, type GraphQLScalarType, type GraphQLSchema } from 'graphql';
import { DateTimeScalar, SafeIntScalar } from '@rtc/service-kit';

/** The custom scalars of the subgraphs, with the parsers they use. */
const subgraphScalars: readonly GraphQLScalarType[] = [DateTimeScalar, SafeIntScalar];

/**
 * A composed supergraph knows its custom scalars by name only and lets any value through to the subgraphs, whose
 * refusal the gateway could only report as a failed fetch. Parsing inputs here as the subgraphs do refuses a bad
 * value before planning, on every transport: a bad variable is a 400 BAD_USER_INPUT, a bad literal a validation error.
 * Results pass through untouched: subgraphs already serialized them.
 */
export function parseInputScalarsAsSubgraphs(schema: GraphQLSchema): void {
  for (const scalar of subgraphScalars) {
    const type = schema.getType(scalar.name);
    if (!isScalarType(type)) continue;
    type.parseValue = scalar.parseValue;
    type.parseLiteral = scalar.parseLiteral;
  }
}
