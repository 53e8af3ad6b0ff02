import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { entityIdVariable, planEntityQuery } from './entity-query';
import { mergeEntityQueries } from './merged-entity-query';
import { runOn } from './orders-fixture';

const entityQueryOf = (subscription: string) => planEntityQuery(parse(subscription), undefined, 'order', 'order').query!;

describe('merging entity queries', () => {
  const detailed = entityQueryOf(`
    subscription Detailed($currency: String) { salesTicks { at order { ...Bits user { name } } } }
    fragment Bits on Order { id total(currency: $currency) lines { ...LineBits } }
    fragment LineBits on Line { quantity }`);
  const brief = entityQueryOf('subscription Brief { salesTicks { o: order { id ...Bits } } } fragment Bits on Order { total }');

  it('answers each request as its own query would, in one query', async () => {
    const requests = [
      { query: detailed, variables: { currency: 'EUR', [entityIdVariable]: '7' } },
      { query: brief, variables: { [entityIdVariable]: '7' } },
      { query: detailed, variables: { currency: 'EUR', [entityIdVariable]: '8' } },
      { query: brief, variables: { [entityIdVariable]: '404' } },
    ];
    const merged = mergeEntityQueries(requests);
    const alone = await Promise.all(requests.map((request) => runOn(request.query, request.variables)));
    expect(merged.split(await runOn(merged.query, merged.variables))).toEqual(alone);
    expect(alone[0]).toEqual({ data: { order: { id: '7', total: 14, lines: [{ quantity: 1 }], user: { name: 'customer of 7' } } } });
    // Each distinct query's fragments once, each request's entity under an alias of its own.
    expect(merged.query.match(/fragment /g)).toHaveLength(3);
    expect(merged.query).toContain('r2_order: order(id: $r2)');
    expect(merged.variables).toEqual({ q0_currency: 'EUR', r0: '7', r1: '7', r2: '8', r3: '404' });
  });

  it('gives each request the errors of its own fields, and every request an error of the whole query', async () => {
    const requests = [
      { query: brief, variables: { [entityIdVariable]: '1' } },
      { query: detailed, variables: { currency: null, [entityIdVariable]: '2' } },
    ];
    const merged = mergeEntityQueries(requests);
    const [first, second] = merged.split(await runOn(merged.query, merged.variables));
    expect(first).toEqual({ data: { o: { id: '1', total: 1 } } });
    expect(second!.data).toEqual({ order: { id: '2', total: 2, lines: [{ quantity: 1 }, { quantity: 2 }], user: null } });
    expect(second!.errors?.map((error) => [error.message, error.path])).toEqual([['users is unavailable', ['order', 'user']]]);

    const [a, b] = merged.split({ data: null, errors: [{ message: 'down', extensions: { code: 'SERVICE_UNAVAILABLE' } }] as never });
    expect(a).toEqual({ data: null, errors: [expect.objectContaining({ message: 'down', extensions: { code: 'SERVICE_UNAVAILABLE' } })] });
    expect(b!.errors).toHaveLength(1);
  });
});
