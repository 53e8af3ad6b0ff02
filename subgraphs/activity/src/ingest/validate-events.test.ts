import { describe, expect, it } from 'vitest';
import { EventRejection, maxEventsPerBatch, validateEvents, type BehaviourEventArgs } from './validate-events';

const now = Date.parse('2026-03-10T12:00:00Z');
const event = (overrides: Partial<BehaviourEventArgs> = {}): BehaviourEventArgs => ({
  eventId: '7d1f3c3e-0000-4000-8000-000000000001',
  kind: 'PRODUCT_VIEWED',
  sessionId: 'session-0001',
  occurredAt: new Date(now - 1_000),
  productId: '42',
  ...overrides,
});

function rejectionOf(events: BehaviourEventArgs[]): EventRejection {
  try {
    validateEvents(events, now);
  } catch (error) {
    if (error instanceof EventRejection) return error;
    throw error;
  }
  throw new Error('the batch was accepted');
}

describe('validateEvents', () => {
  it('accepts each kind with the fields it needs, in stored form', () => {
    const valid = validateEvents(
      [
        event({ kind: 'SESSION_STARTED', productId: null, path: '/' }),
        event({ kind: 'PRODUCT_VIEWED', productId: '42' }),
        event({ kind: 'SEARCHED', productId: null, searchQuery: '  red shoes ' }),
        event({ kind: 'ADDED_TO_CART', productId: '42', quantity: 2, cartValue: { amount: 5_998, currency: 'USD' } }),
        event({ kind: 'CHECKOUT_STARTED', productId: null, cartValue: { amount: 5_998, currency: 'USD' } }),
      ],
      now,
    );
    expect(valid.map((row) => [row.kind, row.productId, row.quantity, row.searchQuery, row.cartAmount, row.cartCurrency])).toEqual([
      ['SESSION_STARTED', null, null, null, null, null],
      ['PRODUCT_VIEWED', 42, null, null, null, null],
      ['SEARCHED', null, null, 'red shoes', null, null],
      ['ADDED_TO_CART', 42, 2, null, 5_998, 'USD'],
      ['CHECKOUT_STARTED', null, null, null, 5_998, 'USD'],
    ]);
  });

  it('refuses an empty batch and one over the bound', () => {
    expect(rejectionOf([]).message).toBe('input.events: must hold 1 to 100 events, got 0');
    const tooMany = Array.from({ length: maxEventsPerBatch + 1 }, () => event());
    expect(rejectionOf(tooMany)).toMatchObject({ reason: 'batch_size', extensions: { code: 'BAD_USER_INPUT', argumentName: 'input.events' } });
  });

  it('names the index and field of the first bad event', () => {
    const rejection = rejectionOf([event(), event({ occurredAt: new Date(now + 5 * 60_000) })]);
    expect(rejection.message).toBe('input.events[1].occurredAt: must not be in the future');
    expect(rejection.extensions).toMatchObject({ code: 'OCCURRED_AT_OUT_OF_RANGE', index: 1, argumentName: 'input.events[1].occurredAt' });
  });

  it('allows a minute of clock skew but nothing older than a day', () => {
    expect(validateEvents([event({ occurredAt: new Date(now + 59_000) })], now)).toHaveLength(1);
    expect(rejectionOf([event({ occurredAt: new Date(now - 25 * 3_600_000) })]).reason).toBe('timestamp');
  });

  it.each([
    ['a short event id', { eventId: 'abc' }, 'eventId'],
    ['an event id with spaces', { eventId: 'has spaces in it' }, 'eventId'],
    ['an oversized session id', { sessionId: 'x'.repeat(65) }, 'sessionId'],
    ['a view without product', { productId: null }, 'productId'],
    ['a malformed product id', { productId: 'product-42' }, 'productId'],
    ['a quantity on a view', { quantity: 1 }, 'quantity'],
    ['a search text on a view', { searchQuery: 'shoes' }, 'searchQuery'],
    ['a cart value on a view', { cartValue: { amount: 1, currency: 'USD' } }, 'cartValue'],
    ['an oversized path', { path: '/'.repeat(513) }, 'path'],
    ['a path with control characters', { path: '/a\u001b[31m' }, 'path'],
  ])('refuses %s', (_name, overrides, field) => {
    expect(rejectionOf([event(overrides as Partial<BehaviourEventArgs>)]).message).toMatch(new RegExp(`^input\\.events\\[0\\]\\.${field}`));
  });

  it('refuses carts with a bad quantity, amount or currency', () => {
    const cart = (overrides: Partial<BehaviourEventArgs>) => event({ kind: 'ADDED_TO_CART', quantity: 1, ...overrides });
    expect(rejectionOf([cart({ quantity: 0 })]).message).toBe('input.events[0].quantity: must be between 1 and 1000');
    expect(rejectionOf([cart({ quantity: null })]).message).toBe('input.events[0].quantity: is required for ADDED_TO_CART');
    expect(rejectionOf([cart({ cartValue: { amount: -1, currency: 'USD' } })]).reason).toBe('cart_value');
    expect(rejectionOf([cart({ cartValue: { amount: 1, currency: 'usd' } })]).message).toBe(
      'input.events[0].cartValue.currency: must be an ISO 4217 code such as USD',
    );
  });

  it('refuses a search without text or with too much of it', () => {
    const search = (searchQuery: string | null) => event({ kind: 'SEARCHED', productId: null, searchQuery });
    expect(rejectionOf([search('   ')]).message).toBe('input.events[0].searchQuery: is required for SEARCHED');
    expect(rejectionOf([search('x'.repeat(201))]).message).toBe('input.events[0].searchQuery: must be at most 200 characters');
  });
});
