import { mutationPayload, type MutationPayload } from '@rtc/service-kit';
import type { CatalogError } from '../__generated__/resolvers-types';

/**
 * `{ [key]: result, errors }` for a catalog mutation. Only BusinessFailures are typed (a SKU or slug taken, CONFLICT):
 * bad input, authorization and NOT_FOUND stay GraphQL errors.
 */
export async function catalogPayload<K extends string, T>(context: object, mutation: string, key: K, run: () => Promise<T>) {
  // The domain raises BusinessFailures with CatalogErrorCode's words only.
  return (await mutationPayload(key, run, { context, mutation })) as MutationPayload<K, T, CatalogError>;
}
