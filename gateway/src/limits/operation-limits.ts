import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import {
  GraphQLError,
  Kind,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';

export interface OperationLimits {
  /** Deepest field nesting allowed. */
  readonly maxDepth: number;
  /** Largest estimated number of resolved fields, lists counted by their page size argument. */
  readonly maxCost: number;
}

const listSizeArguments = new Set(['first', 'limit', 'last']);
const defaultListSize = 20;

function numberOf(value: ValueNode | undefined, variables: Record<string, unknown>): number | undefined {
  if (!value) return undefined;
  if (value.kind === Kind.INT) return Number(value.value);
  if (value.kind === Kind.VARIABLE) {
    const given = variables[value.name.value];
    return typeof given === 'number' ? given : undefined;
  }
  return undefined;
}

interface Measure {
  depth: number;
  cost: number;
}

function measure(
  selectionSet: SelectionSetNode,
  fragments: Map<string, FragmentDefinitionNode>,
  variables: Record<string, unknown>,
  visiting: Set<string>,
): Measure {
  let depth = 0;
  let cost = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      if (!selection.selectionSet) {
        cost += 1;
        depth = Math.max(depth, 1);
        continue;
      }
      const sizeArgument = selection.arguments?.find((argument) => listSizeArguments.has(argument.name.value));
      const multiplier = sizeArgument ? (numberOf(sizeArgument.value, variables) ?? defaultListSize) : 1;
      const inner = measure(selection.selectionSet, fragments, variables, visiting);
      cost += 1 + Math.max(1, multiplier) * inner.cost;
      depth = Math.max(depth, 1 + inner.depth);
      continue;
    }
    const fragment =
      selection.kind === Kind.INLINE_FRAGMENT ? selection.selectionSet : fragments.get(selection.name.value)?.selectionSet;
    if (!fragment) continue;
    // A fragment spread cycle is reported by graphql's own rules; do not recurse forever here.
    const name = selection.kind === Kind.FRAGMENT_SPREAD ? selection.name.value : undefined;
    if (name && visiting.has(name)) continue;
    if (name) visiting.add(name);
    const inner = measure(fragment, fragments, variables, visiting);
    if (name) visiting.delete(name);
    cost += inner.cost;
    depth = Math.max(depth, inner.depth);
  }
  return { depth, cost };
}

/** Measures one operation's depth and cost; `variables` lets `first: $n` count as the page size asked for. */
export function measureOperation(
  selectionSet: SelectionSetNode,
  fragments: readonly FragmentDefinitionNode[],
  variables: Record<string, unknown> = {},
): Measure {
  return measure(selectionSet, new Map(fragments.map((fragment) => [fragment.name.value, fragment])), variables, new Set());
}

/** The first limit an operation breaks, as the message to send; null when it stays within them. */
export function checkLimits(
  operation: OperationDefinitionNode,
  fragments: readonly FragmentDefinitionNode[],
  variables: Record<string, unknown>,
  limits: OperationLimits,
): string | null {
  const { depth, cost } = measureOperation(operation.selectionSet, fragments, variables);
  if (depth > limits.maxDepth) return `Query depth ${depth} exceeds the maximum of ${limits.maxDepth}`;
  if (cost > limits.maxCost) return `Query cost ${cost} exceeds the maximum of ${limits.maxCost}`;
  return null;
}

/**
 * Refuses operations past the limits once variables are known (so `first: $n` counts), before any subgraph is
 * called. A plugin rather than a validation rule: Apollo gives every validation error the same code.
 */
export function createOperationLimitsPlugin<C extends BaseContext>(limits: OperationLimits): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, document, request }) {
          if (!operation) return;
          const fragments = document.definitions.filter(
            (definition): definition is FragmentDefinitionNode => definition.kind === Kind.FRAGMENT_DEFINITION,
          );
          const problem = checkLimits(operation, fragments, request.variables ?? {}, limits);
          if (problem) throw new GraphQLError(problem, { extensions: { code: 'QUERY_TOO_COMPLEX', http: { status: 400 } } });
        },
      };
    },
  };
}
