/** RFC 6902 operations, the patch format the overlays use (kustomize's `patches` with a list of ops). */
export type JsonPatchOperation =
  { op: 'add' | 'replace' | 'test'; path: string; value: unknown } | { op: 'remove'; path: string } | { op: 'move' | 'copy'; from: string; path: string };

type Container = Record<string, unknown> | unknown[];

export class JsonPatchError extends Error {
  constructor(operation: JsonPatchOperation, reason: string) {
    super(`${operation.op} ${operation.path}: ${reason}`);
    this.name = 'JsonPatchError';
  }
}

function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new Error(`JSON pointer must start with "/": ${pointer}`);
  return pointer
    .slice(1)
    .split('/')
    .map((token) => token.replaceAll('~1', '/').replaceAll('~0', '~'));
}

function isContainer(value: unknown): value is Container {
  return typeof value === 'object' && value !== null;
}

function child(container: Container, token: string): unknown {
  if (Array.isArray(container)) return container[Number(token)];
  return Object.hasOwn(container, token) ? container[token] : undefined;
}

/** Walks to the parent of the pointer's last token; every step must exist. */
function resolveParent(document: unknown, tokens: string[], operation: JsonPatchOperation): { parent: Container; key: string } {
  let current = document;
  for (const token of tokens.slice(0, -1)) {
    if (!isContainer(current)) throw new JsonPatchError(operation, `no object at "${token}"`);
    current = child(current, token);
  }
  if (!isContainer(current)) throw new JsonPatchError(operation, 'the parent does not exist');
  return { parent: current, key: tokens[tokens.length - 1]! };
}

function arrayIndex(array: unknown[], key: string, operation: JsonPatchOperation, allowEnd: boolean): number {
  if (key === '-' && allowEnd) return array.length;
  if (!/^(0|[1-9]\d*)$/.test(key)) throw new JsonPatchError(operation, `"${key}" is not an array index`);
  const index = Number(key);
  if (index > array.length || (!allowEnd && index === array.length)) throw new JsonPatchError(operation, `index ${index} is out of range`);
  return index;
}

function read(document: unknown, pointer: string, operation: JsonPatchOperation): unknown {
  let current = document;
  for (const token of parsePointer(pointer)) {
    if (!isContainer(current)) throw new JsonPatchError(operation, `nothing at ${pointer}`);
    current = child(current, token);
    if (current === undefined) throw new JsonPatchError(operation, `nothing at ${pointer}`);
  }
  return current;
}

function add(document: unknown, pointer: string, value: unknown, operation: JsonPatchOperation): unknown {
  const tokens = parsePointer(pointer);
  if (tokens.length === 0) return value;
  const { parent, key } = resolveParent(document, tokens, operation);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, key, operation, true), 0, value);
  else parent[key] = value;
  return document;
}

function remove(document: unknown, pointer: string, operation: JsonPatchOperation): unknown {
  const tokens = parsePointer(pointer);
  if (tokens.length === 0) throw new JsonPatchError(operation, 'cannot remove the whole document');
  const { parent, key } = resolveParent(document, tokens, operation);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, key, operation, false), 1);
  else if (Object.hasOwn(parent, key)) delete parent[key];
  else throw new JsonPatchError(operation, `nothing at ${pointer}`);
  return document;
}

function deepEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Applies the operations in order to a copy of `document`; any failing operation throws. */
export function applyJsonPatch<T>(document: T, operations: readonly JsonPatchOperation[]): T {
  let result: unknown = structuredClone(document);
  for (const operation of operations) {
    switch (operation.op) {
      case 'add':
        result = add(result, operation.path, structuredClone(operation.value), operation);
        break;
      case 'remove':
        result = remove(result, operation.path, operation);
        break;
      case 'replace':
        read(result, operation.path, operation);
        result = add(remove(result, operation.path, operation), operation.path, structuredClone(operation.value), operation);
        break;
      case 'test':
        if (!deepEqual(read(result, operation.path, operation), operation.value)) {
          throw new JsonPatchError(operation, 'the value differs');
        }
        break;
      case 'move': {
        const value = read(result, operation.from, operation);
        result = add(remove(result, operation.from, operation), operation.path, value, operation);
        break;
      }
      case 'copy':
        result = add(result, operation.path, structuredClone(read(result, operation.from, operation)), operation);
        break;
      default:
        throw new Error(`unknown JSON patch operation ${JSON.stringify(operation)}`);
    }
  }
  return result as T;
}
