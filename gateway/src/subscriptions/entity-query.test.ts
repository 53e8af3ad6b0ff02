import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { planEntityQuery } from './entity-query';

const flat = (text: string | null) => text?.replace(/\s+/g, ' ').trim();

describe('planning the entity query of a subscription', () => {
  it('moves the entity selection under the matching query field', () => {
    const plan = planEntityQuery(parse('subscription { salesTicks { at order { id user { name } } } }'), undefined, 'order', 'order');
    expect(plan.rootField).toBe('salesTicks');
    expect(flat(plan.query)).toBe('query Live_salesTicks($__rtcEntityId: ID!) { order: order(id: $__rtcEntityId) { id user { name } } }');
  });

  it('keeps aliases, fragments and only the variables the selection uses', () => {
    const document = parse(`
      subscription Ticks($withUser: Boolean!, $unused: Int) {
        salesTicks { o: order { ...OrderBits user @include(if: $withUser) { name } } }
      }
      fragment OrderBits on Order { id lines { ...LineBits } }
      fragment LineBits on OrderLine { quantity }
      fragment Unrelated on Order { id }`);
    const query = flat(planEntityQuery(document, 'Ticks', 'order', 'order').query);
    expect(query).toContain('query Live_salesTicks($__rtcEntityId: ID!, $withUser: Boolean!)');
    expect(query).toContain('o: order(id: $__rtcEntityId) { ...OrderBits user @include(if: $withUser) { name } }');
    expect(query).toContain('fragment OrderBits on Order');
    expect(query).toContain('fragment LineBits on OrderLine');
    expect(query).not.toContain('Unrelated');
    expect(query).not.toContain('$unused');
  });

  it('needs no query when the subscriber selects no entity', () => {
    expect(planEntityQuery(parse('subscription { salesTicks { at } }'), undefined, 'order', 'order').query).toBeNull();
  });

  it('fetches the entity selected inside the list of items with the same query', () => {
    const document = parse('subscription { salesTicks(coalesce: true) { order { id } ticks { at o: order { total } } } }');
    expect(flat(planEntityQuery(document, undefined, 'order', 'order', 'ticks').query)).toBe(
      'query Live_salesTicks($__rtcEntityId: ID!) { order: order(id: $__rtcEntityId) { id } o: order(id: $__rtcEntityId) { total } }',
    );
  });
});
