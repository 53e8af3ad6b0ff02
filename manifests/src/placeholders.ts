/**
 * Values only known where the overlay is deployed (the AWS account id) are written `${NAME}` in the
 * overlays, the syntax envsubst also fills, and replaced in the rendered objects.
 */
const placeholder = /\$\{([A-Z][A-Z0-9_]*)\}/g;

export function findPlaceholders(value: unknown, found = new Set<string>()): Set<string> {
  if (typeof value === 'string') for (const match of value.matchAll(placeholder)) found.add(match[1]!);
  else if (Array.isArray(value)) value.forEach((item) => findPlaceholders(item, found));
  else if (typeof value === 'object' && value !== null) Object.values(value).forEach((item) => findPlaceholders(item, found));
  return found;
}

export class MissingValuesError extends Error {
  constructor(readonly names: string[]) {
    super(`no value for ${names.map((name) => `\${${name}}`).join(', ')}`);
    this.name = 'MissingValuesError';
  }
}

function substitute<T>(value: T, values: Readonly<Record<string, string>>): T {
  if (typeof value === 'string') return value.replace(placeholder, (_, name: string) => values[name]!) as T;
  if (Array.isArray(value)) return value.map((item) => substitute(item, values)) as T;
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, substitute(item, values)])) as T;
  }
  return value;
}

/** Replaces every `${NAME}`; throws naming all placeholders that have no value, so nothing half-filled ships. */
export function fillPlaceholders<T>(value: T, values: Readonly<Record<string, string | undefined>>): T {
  const missing = [...findPlaceholders(value)].filter((name) => values[name] === undefined || values[name] === '');
  if (missing.length > 0) throw new MissingValuesError(missing.sort());
  return substitute(value, values as Record<string, string>);
}
