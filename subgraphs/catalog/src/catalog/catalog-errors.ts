/** The codes of `CatalogErrorCode`: expected failures of a catalog change, returned in its payload's `errors`. */
export type CatalogErrorCode = 'CONFLICT' | 'OPTIONS_MISMATCH' | 'DEFAULT_VARIANT';

/** One `CatalogError` of a mutation payload. */
export interface CatalogError {
  readonly code: CatalogErrorCode;
  readonly message: string;
  readonly field: string[] | null;
}

/** A catalog change that was refused for a reason the caller can act on; the service wrote nothing. */
export class CatalogRefusal extends Error {
  constructor(readonly error: CatalogError) {
    super(error.message);
  }
}

export function catalogError(code: CatalogErrorCode, message: string, field: string[] | null = null): CatalogRefusal {
  return new CatalogRefusal({ code, message, field });
}

/** Runs a change and turns a refusal into a payload with `errors`; anything else stays a GraphQL error. */
export async function toPayload<K extends string, T>(key: K, change: () => Promise<T>): Promise<Record<K, T | null> & { errors: CatalogError[] }> {
  try {
    const result = await change();
    return { [key]: result, errors: [] } as Record<K, T | null> & { errors: CatalogError[] };
  } catch (error) {
    if (error instanceof CatalogRefusal) return { [key]: null, errors: [error.error] } as Record<K, T | null> & { errors: CatalogError[] };
    throw error;
  }
}
