import { GraphQLScalarType, Kind } from 'graphql';
import { badInput } from './errors';

function toDate(value: unknown): Date {
  const date = value instanceof Date ? value : new Date(String(value));
  if (Number.isNaN(date.getTime())) throw badInput('DateTime', `not an ISO-8601 date-time: ${String(value)}`);
  return date;
}

/** ISO-8601 instants in UTC, e.g. 2026-11-25T18:00:00.000Z. */
export const DateTimeScalar = new GraphQLScalarType<Date, string>({
  name: 'DateTime',
  description: 'An ISO-8601 instant in UTC',
  serialize: (value) => toDate(value).toISOString(),
  parseValue: (value) => toDate(value),
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.STRING) throw badInput('DateTime', 'must be a string');
    return toDate(ast.value);
  },
});
