import { describe, expect, it } from 'vitest';
import { typedFailureOf } from './typed-failure';

describe('typed failures of mutation payloads', () => {
  it('reads the first failure of a payload with its code, message and the rest as extensions', () => {
    const data = { placeOrder: { order: null, errors: [{ code: 'OUT_OF_STOCK', message: 'Out of stock: 7', productIds: ['7'] }] } };
    expect(typedFailureOf(data)).toEqual({ code: 'OUT_OF_STOCK', message: 'Out of stock: 7', extensions: { productIds: ['7'] } });
  });

  it('finds none in a successful payload or in query data', () => {
    expect(typedFailureOf({ placeOrder: { order: { id: '1' }, errors: [] } })).toBeNull();
    expect(typedFailureOf({ products: { edges: [] } })).toBeNull();
    expect(typedFailureOf(null)).toBeNull();
  });
});
