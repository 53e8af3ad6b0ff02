/** A mutation payload's typed failure, as the storefront schema answers it: `{ <result>, errors: [{ code, message, ... }] }`. */
export interface TypedFailure {
  readonly code: string;
  readonly message: string;
  readonly extensions: Record<string, unknown>;
}

/**
 * The first typed failure among the root fields of an answer's data, or null. The benchmarks and the simulator count
 * it as they counted the GraphQL error the same failure used to be (OUT_OF_STOCK, PAYMENT_DECLINED...), so each
 * selects `errors { code message }` (and `productIds` where it needs them) on every mutation payload.
 */
export function typedFailureOf(data: unknown): TypedFailure | null {
  if (typeof data !== 'object' || data === null) return null;
  for (const payload of Object.values(data)) {
    const errors = (payload as { errors?: unknown } | null)?.errors;
    if (!Array.isArray(errors) || errors.length === 0) continue;
    const { code, message, ...rest } = errors[0] as { code: string; message: string } & Record<string, unknown>;
    return { code, message, extensions: rest };
  }
  return null;
}
