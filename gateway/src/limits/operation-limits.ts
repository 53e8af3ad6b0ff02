import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import type { GraphQLArmorRejectCallback } from '@escape.tech/graphql-armor-types';
import {
  GraphQLError,
  type DocumentNode,
  type GraphQLFormattedError,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type ParseOptions,
  type ValidationRule,
} from 'graphql';
import { measureOperation } from './operation-cost';

export interface OperationLimits {
  /** Deepest field nesting allowed. */
  readonly maxDepth: number;
  /** Largest estimated number of resolved fields, every list priced by its real bound. */
  readonly maxCost: number;
  /** Most aliased fields in one operation, through fragments too. */
  readonly maxAliases: number;
  /** Most fields selected directly under the operation. */
  readonly maxRootFields: number;
  /** Most directives in one operation. */
  readonly maxDirectives: number;
  /** Most lexical tokens in one document; parsing stops there. */
  readonly maxTokens: number;
  /** Most subscriptions running at once on one graphql-ws socket. */
  readonly maxSubscriptionsPerSocket: number;
}

/** Room for the dashboard, the simulator and the benchmarks, far below what would hurt the store. */
export const defaultOperationLimits: OperationLimits = {
  maxDepth: 12,
  maxCost: 25_000,
  maxAliases: 30,
  maxRootFields: 20,
  maxDirectives: 50,
  maxTokens: 5_000,
  maxSubscriptionsPerSocket: 100,
};

export const QueryTooComplex = 'QUERY_TOO_COMPLEX';

export function queryTooComplex(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: QueryTooComplex, http: { status: 400 } } });
}

/** graphql-js' own token limit: the parser stops at it, before the document is built. */
export function limitedParseOptions(limits: OperationLimits): ParseOptions {
  return { maxTokens: limits.maxTokens };
}

// graphql-js 16 words a token limit breach "Document contains more that N tokens" (sic); a fixed spelling still matches.
const tooManyTokens = /Document contains more th(?:at|an) \d+ tokens/;

/** A syntax error raised by the token limit, as QUERY_TOO_COMPLEX; any other syntax error unchanged. */
export function tokenLimitAsTooComplex(error: GraphQLError): GraphQLError {
  return tooManyTokens.test(error.message) ? queryTooComplex(error.message.replace(/^Syntax Error: /, '')) : error;
}

const reportAsTooComplex: GraphQLArmorRejectCallback = (context, error) => context?.reportError(queryTooComplex(error.message.replace(/^Syntax Error: /, '')));

/** GraphQL Armor's alias and directive limits, each fragment counted once however often it is spread. */
export function limitValidationRules(limits: OperationLimits): ValidationRule[] {
  const callbacks = { onReject: [reportAsTooComplex], propagateOnRejection: false, exposeLimits: true };
  // Armor types its visitors loosely (Record<string, any>); they are graphql-js validation rules all the same.
  return [
    maxAliasesRule({ n: limits.maxAliases, ...callbacks }) as unknown as ValidationRule,
    maxDirectivesRule({ n: limits.maxDirectives, ...callbacks }) as unknown as ValidationRule,
  ];
}

/** The first depth, cost or root-field limit `operation` breaks, once its variables are known; null within them. */
export function checkOperationLimits(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Readonly<Record<string, unknown>>,
  limits: OperationLimits,
): GraphQLError | null {
  const { depth, cost, rootFields } = measureOperation(schema, document, operation, variables);
  if (rootFields > limits.maxRootFields) return queryTooComplex(`Query selects ${rootFields} root fields, more than the maximum of ${limits.maxRootFields}`);
  if (depth > limits.maxDepth) return queryTooComplex(`Query depth ${depth} exceeds the maximum of ${limits.maxDepth}`);
  if (cost > limits.maxCost) return queryTooComplex(`Query cost ${cost} exceeds the maximum of ${limits.maxCost}`);
  return null;
}

/**
 * Apollo gives every parse and validation error its own code; a limit breach keeps QUERY_TOO_COMPLEX so clients can
 * tell "too big" from "wrong".
 */
export function keepLimitCode(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
  const fromLimit =
    (original instanceof GraphQLError && original.extensions['code'] === QueryTooComplex) ||
    (formatted.extensions?.['code'] === 'GRAPHQL_PARSE_FAILED' && tooManyTokens.test(formatted.message));
  return fromLimit ? { ...formatted, extensions: { ...formatted.extensions, code: QueryTooComplex } } : formatted;
}

/**
 * Refuses operations past the limits once variables are known (so `first: $n` counts), before any subgraph is
 * called; an operationName that names no operation in the document, and a subscription (served over graphql-ws
 * only), with a 400.
 */
export function createOperationLimitsPlugin<C extends BaseContext>(limits: OperationLimits): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, document, request, schema }) {
          if (!operation) {
            const message = request.operationName
              ? `Unknown operation named "${request.operationName}"`
              : 'Must provide operation name if query contains multiple operations';
            throw new GraphQLError(message, { extensions: { code: 'OPERATION_RESOLUTION_FAILURE', http: { status: 400 } } });
          }
          if (operation.operation === 'subscription') {
            throw new GraphQLError('Subscriptions are served over graphql-ws, not over HTTP', { extensions: { code: 'BAD_REQUEST', http: { status: 400 } } });
          }
          const problem = checkOperationLimits(schema, document, operation, request.variables ?? {}, limits);
          if (problem) throw problem;
        },
      };
    },
  };
}
