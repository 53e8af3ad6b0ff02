import {
  GraphQLError,
  Kind,
  parse,
  print,
  visit,
  type DocumentNode,
  type ExecutionResult,
  type FieldNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type VariableDefinitionNode,
} from 'graphql';
import { entityIdVariable } from './entity-query';

/** One entity query of `planEntityQuery` with the variables of one resolution (its entity id among them). */
export interface EntityQueryRequest {
  /** The planned query's text; requests of one text share its fragments and other variables in a merged query. */
  readonly query: string;
  readonly variables: Record<string, unknown>;
}

export interface MergedEntityQuery {
  readonly query: string;
  readonly variables: Record<string, unknown>;
  /** The result of each request, in order, from the result of the merged query. */
  split(result: ExecutionResult): ExecutionResult[];
}

interface PlannedQuery {
  readonly operation: OperationDefinitionNode;
  readonly fragments: readonly FragmentDefinitionNode[];
  /** Response keys of the root fields: the entity selections' aliases. */
  readonly rootKeys: readonly string[];
}

const planned = new Map<string, PlannedQuery>();
/** Planned queries are few (one per distinct subscription selection); the bound only keeps a churn of them from growing memory. */
const plannedQueriesKept = 1_000;

function plannedQueryOf(text: string): PlannedQuery {
  let known = planned.get(text);
  if (!known) {
    const document = parse(text);
    const operation = document.definitions.find((definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION)!;
    const fragments = document.definitions.filter((definition): definition is FragmentDefinitionNode => definition.kind === Kind.FRAGMENT_DEFINITION);
    const rootKeys = operation.selectionSet.selections.map((selection) => {
      const field = selection as FieldNode;
      return field.alias?.value ?? field.name.value;
    });
    if (planned.size >= plannedQueriesKept) planned.clear();
    planned.set(text, (known = { operation, fragments, rootKeys }));
  }
  return known;
}

const name = (value: string) => ({ kind: Kind.NAME, value }) as const;

/** Renames the variables and fragments of a query's nodes: `$x` → `$<prefix>x`, `...F` → `...<prefix>F`, the entity id to `entityId`. */
function renamed<T extends FieldNode | FragmentDefinitionNode>(node: T, prefix: string, entityId?: string): T {
  return visit(node, {
    Variable: (variable) => ({ ...variable, name: name(variable.name.value === entityIdVariable && entityId ? entityId : `${prefix}${variable.name.value}`) }),
    FragmentSpread: (spread) => ({ ...spread, name: name(`${prefix}${spread.name.value}`) }),
    FragmentDefinition: (fragment) => ({ ...fragment, name: name(`${prefix}${fragment.name.value}`) }),
  }) as T;
}

const requestPrefix = (index: number) => `r${index}_`;
const requestOfKey = /^r(\d+)_/;

/**
 * One gateway query for several entity queries: request i's root fields under aliases prefixed `r<i>_`, its entity id
 * as `$r<i>`, and the fragments and other variables of each distinct query once, prefixed `q<k>_`. The gateway then
 * plans one fetch per subgraph for all of them (one read of the orders, one `_entities` call for all their products)
 * instead of one per request. Requests of one query text must agree on its other variables (one subscription's).
 */
export function mergeEntityQueries(requests: readonly EntityQueryRequest[]): MergedEntityQuery {
  const queryIndex = new Map<string, number>();
  const selections: FieldNode[] = [];
  const variableDefinitions: VariableDefinitionNode[] = [];
  const fragments: FragmentDefinitionNode[] = [];
  const variables: Record<string, unknown> = {};
  const rootKeys: (readonly string[])[] = [];
  requests.forEach((request, index) => {
    const query = plannedQueryOf(request.query);
    let k = queryIndex.get(request.query);
    if (k === undefined) {
      queryIndex.set(request.query, (k = queryIndex.size));
      const prefix = `q${k}_`;
      fragments.push(...query.fragments.map((fragment) => renamed(fragment, prefix)));
      for (const definition of query.operation.variableDefinitions ?? []) {
        const variable = definition.variable.name.value;
        if (variable === entityIdVariable) continue;
        variableDefinitions.push({ ...definition, variable: { ...definition.variable, name: name(`${prefix}${variable}`) } });
        if (variable in request.variables) variables[`${prefix}${variable}`] = request.variables[variable];
      }
    }
    const entityId = `r${index}`;
    const idDefinition = query.operation.variableDefinitions?.find((definition) => definition.variable.name.value === entityIdVariable);
    if (idDefinition) {
      variableDefinitions.push({ ...idDefinition, variable: { ...idDefinition.variable, name: name(entityId) } });
      variables[entityId] = request.variables[entityIdVariable];
    }
    query.operation.selectionSet.selections.forEach((selection, position) => {
      const field = renamed(selection as FieldNode, `q${k}_`, entityId);
      selections.push({ ...field, alias: name(`${requestPrefix(index)}${query.rootKeys[position]}`) });
    });
    rootKeys.push(query.rootKeys);
  });
  const document: DocumentNode = {
    kind: Kind.DOCUMENT,
    definitions: [
      {
        kind: Kind.OPERATION_DEFINITION,
        operation: 'query' as OperationDefinitionNode['operation'],
        name: name('Live_entities'),
        variableDefinitions,
        selectionSet: { kind: Kind.SELECTION_SET, selections },
      },
      ...fragments,
    ],
  };
  return {
    query: print(document),
    variables,
    split(result) {
      const errorsOf = requests.map((): GraphQLError[] => []);
      for (const error of result.errors ?? []) {
        const owner = typeof error.path?.[0] === 'string' ? requestOfKey.exec(error.path[0]) : null;
        const index = owner ? Number(owner[1]) : -1;
        // As a request alone would have got it: the path of its own query, or none for an error of the whole query.
        const path = owner ? [error.path![0]!.toString().slice(owner[0].length), ...error.path!.slice(1)] : error.path;
        const own = new GraphQLError(error.message, { ...(path ? { path } : {}), extensions: error.extensions ?? {} });
        if (index >= 0 && index < requests.length) errorsOf[index]!.push(own);
        else for (const errors of errorsOf) errors.push(own);
      }
      return requests.map((_, index) => {
        const data = result.data
          ? Object.fromEntries(rootKeys[index]!.map((key) => [key, (result.data as Record<string, unknown>)[`${requestPrefix(index)}${key}`] ?? null]))
          : null;
        return { data, ...(errorsOf[index]!.length > 0 ? { errors: errorsOf[index] } : {}) };
      });
    },
  };
}
