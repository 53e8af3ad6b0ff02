import { mutationPayload, type MutationPayload } from '@rtc/service-kit';
import type { StockError } from '../__generated__/resolvers-types';
import type { StockRow } from '../db/schema';

/**
 * `{ stock, errors }` for a staff stock mutation. Only BusinessFailures are typed (OUT_OF_STOCK when a correction
 * would take available stock below zero): bad input and authorization stay GraphQL errors.
 */
export async function stockPayload(context: object, mutation: string, run: () => Promise<StockRow>) {
  // The domain raises BusinessFailures with StockErrorCode's words only.
  return (await mutationPayload('stock', run, { context, mutation })) as MutationPayload<'stock', StockRow, StockError>;
}
