import {
  getOperationAST,
  Kind,
  print,
  visit,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type VariableDefinitionNode,
} from 'graphql';

export const entityIdVariable = '__rtcEntityId';

export interface EntityQueryPlan {
  /** Name of the subscription's root field, e.g. salesTicks. */
  readonly rootField: string;
  /** A gateway query fetching the subscriber's entity selections; null when none are selected. */
  readonly query: string | null;
}

function fieldsOf(selectionSet: SelectionSetNode, fragments: Map<string, FragmentDefinitionNode>): FieldNode[] {
  const fields: FieldNode[] = [];
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) fields.push(selection);
    else if (selection.kind === Kind.INLINE_FRAGMENT) fields.push(...fieldsOf(selection.selectionSet, fragments));
    else {
      const fragment = fragments.get(selection.name.value);
      if (fragment) fields.push(...fieldsOf(fragment.selectionSet, fragments));
    }
  }
  return fields;
}

function namesUsedIn(nodes: readonly (FieldNode | FragmentDefinitionNode)[]): { variables: Set<string>; fragments: Set<string> } {
  const variables = new Set<string>();
  const fragments = new Set<string>();
  for (const node of nodes) {
    visit(node, {
      Variable: (variable) => void variables.add(variable.name.value),
      FragmentSpread: (spread) => void fragments.add(spread.name.value),
    });
  }
  return { variables, fragments };
}

/**
 * Turns `subscription { salesTicks { at order { ...selection } } }` into
 * `query($__rtcEntityId: ID!) { order: order(id: $__rtcEntityId) { ...selection } }`, keeping aliases, fragments,
 * directives and the variables they use, so the gateway resolves the subscriber's selection through a query plan.
 * With `listField`, the entity's selections inside that field (`salesTicks { ticks { order { … } } }`) join the query:
 * selections of one field with one argument merge, whatever their sub-selections.
 */
export function planEntityQuery(
  document: DocumentNode,
  operationName: string | null | undefined,
  entityField: string,
  queryField: string,
  listField?: string,
): EntityQueryPlan {
  const operation = getOperationAST(document, operationName) as OperationDefinitionNode | null;
  if (!operation) throw new Error('no operation to plan');
  const fragments = new Map(
    document.definitions
      .filter((definition): definition is FragmentDefinitionNode => definition.kind === Kind.FRAGMENT_DEFINITION)
      .map((fragment) => [fragment.name.value, fragment]),
  );
  const [root] = fieldsOf(operation.selectionSet, fragments);
  if (!root) throw new Error('a subscription selects one root field');
  const payloadFields = root.selectionSet ? fieldsOf(root.selectionSet, fragments) : [];
  // The entity under the payload's list of items (salesTicks { ticks { order } }) is the same entity: one query serves both.
  const itemFields = payloadFields
    .filter((field) => listField !== undefined && field.name.value === listField && field.selectionSet)
    .flatMap((field) => fieldsOf(field.selectionSet!, fragments));
  const entitySelections = [...payloadFields, ...itemFields].filter((field) => field.name.value === entityField);
  if (entitySelections.length === 0) return { rootField: root.name.value, query: null };

  const rewritten: FieldNode[] = entitySelections.map((field) => ({
    ...field,
    alias: { kind: Kind.NAME, value: field.alias?.value ?? field.name.value },
    name: { kind: Kind.NAME, value: queryField },
    arguments: [
      {
        kind: Kind.ARGUMENT,
        name: { kind: Kind.NAME, value: 'id' },
        value: { kind: Kind.VARIABLE, name: { kind: Kind.NAME, value: entityIdVariable } },
      },
    ],
  }));

  // Fragments used by the entity selections, transitively.
  const neededFragments = new Map<string, FragmentDefinitionNode>();
  let frontier = namesUsedIn(rewritten).fragments;
  while (frontier.size > 0) {
    const next = new Set<string>();
    for (const name of frontier) {
      const fragment = fragments.get(name);
      if (!fragment || neededFragments.has(name)) continue;
      neededFragments.set(name, fragment);
      for (const inner of namesUsedIn([fragment]).fragments) next.add(inner);
    }
    frontier = next;
  }
  const usedVariables = namesUsedIn([...rewritten, ...neededFragments.values()]).variables;
  const variableDefinitions: VariableDefinitionNode[] = [
    {
      kind: Kind.VARIABLE_DEFINITION,
      variable: { kind: Kind.VARIABLE, name: { kind: Kind.NAME, value: entityIdVariable } },
      type: { kind: Kind.NON_NULL_TYPE, type: { kind: Kind.NAMED_TYPE, name: { kind: Kind.NAME, value: 'ID' } } },
    },
    ...(operation.variableDefinitions ?? []).filter((definition) => usedVariables.has(definition.variable.name.value)),
  ];
  const query: DocumentNode = {
    kind: Kind.DOCUMENT,
    definitions: [
      {
        kind: Kind.OPERATION_DEFINITION,
        operation: 'query' as OperationDefinitionNode['operation'],
        name: { kind: Kind.NAME, value: `Live_${root.name.value}` },
        variableDefinitions,
        selectionSet: { kind: Kind.SELECTION_SET, selections: rewritten },
      },
      ...neededFragments.values(),
    ],
  };
  return { rootField: root.name.value, query: print(query) };
}
