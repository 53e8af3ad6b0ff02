import { describe, expect, it } from 'vitest';
import { assertTransition, canTransition, orderStatuses, timestampOf } from './transitions';

const allowed = new Set(['PENDING->PAID', 'PAID->SHIPPED', 'SHIPPED->DELIVERED', 'PENDING->CANCELLED', 'PAID->CANCELLED']);
const pairs = orderStatuses.flatMap((from) => orderStatuses.map((to) => [from, to] as const));

describe('order lifecycle', () => {
  it('covers all 25 pairs of statuses', () => {
    expect(pairs).toHaveLength(25);
  });

  it.each(pairs)('from %s to %s follows the lifecycle graph', (from, to) => {
    const expected = allowed.has(`${from}->${to}`);
    expect(canTransition(from, to)).toBe(expected);
    if (expected) {
      expect(() => assertTransition(from, to)).not.toThrow();
    } else {
      let code: unknown;
      try {
        assertTransition(from, to);
      } catch (error) {
        code = (error as { extensions?: { code?: string }; message: string }).extensions?.code;
        expect((error as Error).message).toBe(`An order cannot go from ${from} to ${to}`);
      }
      expect(code).toBe('INVALID_TRANSITION');
    }
  });

  it('never leaves DELIVERED or CANCELLED', () => {
    for (const to of orderStatuses) {
      expect(canTransition('DELIVERED', to)).toBe(false);
      expect(canTransition('CANCELLED', to)).toBe(false);
    }
  });

  it('stamps the time of each reachable status', () => {
    expect(orderStatuses.map(timestampOf)).toEqual([null, 'paidAt', 'shippedAt', 'deliveredAt', 'cancelledAt']);
  });
});
