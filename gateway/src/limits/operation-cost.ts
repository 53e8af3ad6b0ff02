import {
  getNamedType,
  getNullableType,
  isInterfaceType,
  isListType,
  isObjectType,
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import { declaredListBound, defaultSize, sizeArguments } from './list-bounds';

export interface OperationMeasure {
  /** Deepest field nesting. */
  readonly depth: number;
  /** Estimated number of resolved fields: each field under a list counts once per item the list may hold. */
  readonly cost: number;
  /** Fields selected directly under the operation, through fragments too. */
  readonly rootFields: number;
}

type Variables = Readonly<Record<string, unknown>>;

/** The number a size argument asks for: a literal, a variable's value, else that variable's declared default. */
function sizeValue(value: ValueNode, variables: Variables, operation: OperationDefinitionNode): number | undefined {
  if (value.kind === Kind.INT) return Number(value.value);
  if (value.kind !== Kind.VARIABLE) return undefined;
  const name = value.name.value;
  const given = variables[name];
  if (typeof given === 'number') return given;
  if (given !== undefined) return undefined;
  const declared = operation.variableDefinitions?.find((definition) => definition.variable.name.value === name)?.defaultValue;
  return declared?.kind === Kind.INT ? Number(declared.value) : undefined;
}

/** How many times a field's selection is resolved: its page size or limit, else the bound of the list it returns. */
function multiplierOf(
  parent: GraphQLNamedType,
  field: GraphQLField<unknown, unknown>,
  node: FieldNode,
  variables: Variables,
  operation: OperationDefinitionNode,
): number {
  const sizeArgument = field.args.find((argument) => sizeArguments.has(argument.name));
  if (sizeArgument) {
    const given = node.arguments?.find((argument) => argument.name.value === sizeArgument.name);
    const asked = given ? sizeValue(given.value, variables, operation) : undefined;
    const schemaDefault = typeof sizeArgument.defaultValue === 'number' ? sizeArgument.defaultValue : undefined;
    return Math.max(1, asked ?? schemaDefault ?? defaultSize);
  }
  return isListType(getNullableType(field.type)) ? declaredListBound(parent, field) : 1;
}

interface SelectionMeasure {
  depth: number;
  cost: number;
  /**
   * The part of `cost` resolved once per item of the list or page that holds the selection: all of it, except on a
   * connection, where only `edges` (and `nodes`) repeat per item and `pageInfo`, `totalCount` or `facets` are read
   * once per page.
   */
  perItem: number;
  fields: number;
}

/** Fields of a connection resolved once per item; its other fields are read once per page. */
const perItemConnectionFields: ReadonlySet<string> = new Set(['edges', 'nodes']);

const isConnection = (type: GraphQLNamedType) => type.name.endsWith('Connection');

/**
 * Measures an operation against the API schema in time linear in the document: each fragment is measured once and
 * every spread of it reuses that measure, so `F_k = { ...F_{k-1} ...F_{k-1} }` costs k walks, not 2^k.
 */
export function measureOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Variables = {},
): OperationMeasure {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const measured = new Map<string, SelectionMeasure>();
  const none: SelectionMeasure = { depth: 0, cost: 0, perItem: 0, fields: 0 };

  const measureFragment = (name: string): SelectionMeasure => {
    const known = measured.get(name);
    if (known) return known;
    const fragment = fragments.get(name);
    const type = fragment && schema.getType(fragment.typeCondition.name.value);
    if (!fragment || !type) return none;
    // A spread cycle is refused by graphql's own validation; until then it adds nothing.
    measured.set(name, none);
    const result = measureSelections(fragment.selectionSet, type);
    measured.set(name, result);
    return result;
  };

  const measureSelections = (selectionSet: SelectionSetNode, parent: GraphQLNamedType): SelectionMeasure => {
    const total = { depth: 0, cost: 0, perItem: 0, fields: 0 };
    const repeats = (name: string) => !isConnection(parent) || perItemConnectionFields.has(name);
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        total.fields += 1;
        const field = isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[selection.name.value] : undefined;
        if (!selection.selectionSet || !field) {
          total.cost += 1;
          if (repeats(selection.name.value)) total.perItem += 1;
          total.depth = Math.max(total.depth, 1);
          continue;
        }
        const inner = measureSelections(selection.selectionSet, getNamedType(field.type));
        const cost = 1 + multiplierOf(parent, field, selection, variables, operation) * inner.perItem + (inner.cost - inner.perItem);
        total.cost += cost;
        if (repeats(selection.name.value)) total.perItem += cost;
        total.depth = Math.max(total.depth, 1 + inner.depth);
        continue;
      }
      const inner =
        selection.kind === Kind.FRAGMENT_SPREAD
          ? measureFragment(selection.name.value)
          : measureSelections(selection.selectionSet, (selection.typeCondition && schema.getType(selection.typeCondition.name.value)) || parent);
      total.cost += inner.cost;
      total.perItem += inner.perItem;
      total.fields += inner.fields;
      total.depth = Math.max(total.depth, inner.depth);
    }
    return total;
  };

  const root = schema.getRootType(operation.operation);
  if (!root) return { depth: 0, cost: 0, rootFields: 0 };
  const { depth, cost, fields } = measureSelections(operation.selectionSet, root);
  return { depth, cost, rootFields: fields };
}
