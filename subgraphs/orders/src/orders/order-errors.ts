import type { OrderErrorCode } from '../__generated__/resolvers-types';

/** An expected failure of an order or cart mutation, answered in the payload's `errors` instead of as a GraphQL error. */
export interface OrderErrorView {
  readonly code: OrderErrorCode;
  readonly message: string;
  /** The path into the input of the field at fault, e.g. ['input', 'productId']. */
  readonly field: string[] | null;
  readonly productIds: string[] | null;
}

/** Thrown by the domain for an expected failure; the resolver turns it into the payload's `errors`. A failed mutation writes nothing. */
export class OrderFailure extends Error {
  readonly view: OrderErrorView;

  constructor(code: OrderErrorCode, message: string, field: string[] | null, productIds: string[] | null = null) {
    super(message);
    this.view = { code, message, field, productIds };
  }
}

/** Runs a mutation and answers `{ [key]: result, errors: [] }`, or `{ [key]: null, errors }` when it failed as expected. */
export async function payloadOf<K extends string, T>(key: K, run: () => Promise<T>): Promise<Record<K, T | null> & { errors: OrderErrorView[] }> {
  try {
    const result = await run();
    return { [key]: result, errors: [] } as unknown as Record<K, T | null> & { errors: OrderErrorView[] };
  } catch (error) {
    if (!(error instanceof OrderFailure)) throw error;
    return { [key]: null, errors: [error.view] } as unknown as Record<K, T | null> & { errors: OrderErrorView[] };
  }
}
