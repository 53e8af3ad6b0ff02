import { DateTimeISOResolver, SafeIntResolver } from 'graphql-scalars';
import { GraphQLError, GraphQLScalarType, type GraphQLScalarTypeConfig } from 'graphql';
import { ErrorCode } from './errors';

type ScalarConfig<Internal, External> = GraphQLScalarTypeConfig<Internal, External>;

/** graphql-scalars throws code-less errors; clients switch on BAD_USER_INPUT, naming the scalar. */
function withBadInputErrors<Internal, External>(config: ScalarConfig<Internal, External>): ScalarConfig<Internal, External> {
  const named =
    <Args extends unknown[], Result>(parse: (...args: Args) => Result) =>
    (...args: Args): Result => {
      try {
        return parse(...args);
      } catch (error) {
        const message = error instanceof GraphQLError ? error.message : `${config.name} cannot represent this value`;
        throw new GraphQLError(message, { extensions: { code: ErrorCode.BadUserInput } });
      }
    };
  const { parseValue, parseLiteral } = config;
  return {
    ...config,
    ...(parseValue ? { parseValue: named(parseValue) } : {}),
    ...(parseLiteral ? { parseLiteral: named(parseLiteral) } : {}),
  };
}

/**
 * RFC 3339 instants, served in UTC with milliseconds, e.g. 2026-11-25T18:00:00.000Z.
 * Strict where `new Date(text)` is not: "1" or "2026-02-30T00:00:00Z" are refused, never read as some other day.
 */
export const DateTimeScalar = new GraphQLScalarType<Date, string>(
  withBadInputErrors({
    ...(DateTimeISOResolver.toConfig() as ScalarConfig<Date, string>),
    name: 'DateTime',
    description: 'An ISO-8601 instant in UTC',
  }),
);

/** Integers up to 2^53 - 1 either way: sums of minor units outgrow GraphQL's 32-bit Int. */
export const SafeIntScalar = new GraphQLScalarType<number, number>(
  withBadInputErrors({
    ...(SafeIntResolver.toConfig() as ScalarConfig<number, number>),
    name: 'SafeInt',
  }),
);
