import { businessFailure, mutationPayload, type BusinessFailure, type MutationPayload } from '@rtc/service-kit';
import type { CatalogError } from '../__generated__/resolvers-types';

/**
 * `{ [key]: result, errors }` for a catalog mutation. Only BusinessFailures are typed (a SKU or slug taken, CONFLICT):
 * bad input, authorization and NOT_FOUND stay GraphQL errors.
 */
export async function catalogPayload<K extends string, T>(context: object, mutation: string, key: K, run: () => Promise<T>) {
  // The domain raises BusinessFailures with CatalogErrorCode's words only.
  return (await mutationPayload(key, run, { context, mutation })) as MutationPayload<K, T, CatalogError>;
}

/** The words of `CatalogErrorCode`: expected failures of a catalog change, returned in its payload's `errors`. */
export type CatalogErrorWord = CatalogError['code'];

/** A catalog change refused for a reason the caller can act on; catalogPayload() answers it in `errors`. */
export function catalogError(code: CatalogErrorWord, message: string, field: string[] | null = null): BusinessFailure {
  return businessFailure(code, message, field ? { field } : {});
}
