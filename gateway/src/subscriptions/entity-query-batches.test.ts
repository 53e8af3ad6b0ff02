import { parse, type ExecutionResult } from 'graphql';
import { describe, expect, it } from 'vitest';
import type { Caller } from '@rtc/service-kit';
import { entityIdVariable, planEntityQuery } from './entity-query';
import { createEntityQueryBatches } from './entity-query-batches';
import type { FederatedResolver } from './live-hub';
import { runOn } from './orders-fixture';

const analyst: Caller = { userId: '2', role: 'ANALYST' };
const customer: Caller = { userId: '9', role: 'CUSTOMER' };
const entityQueryOf = (subscription: string) => planEntityQuery(parse(subscription), undefined, 'order', 'order').query!;
const detailed = entityQueryOf('subscription { salesTicks { at order { id total user { name } } } }');
const brief = entityQueryOf('subscription { salesTicks { order { id } } }');
const request = (query: string, id: string) => ({ query, variables: { [entityIdVariable]: id } });

/** Runs queries on the orders fixture, recording who ran what. */
function recordingRunner(refuse?: (query: string) => boolean) {
  const runs: { caller: Caller; query: string }[] = [];
  const run: FederatedResolver = async (caller, query, variables) => {
    runs.push({ caller, query });
    if (refuse?.(query)) return { data: null, errors: [{ message: 'too complex', extensions: { code: 'QUERY_TOO_COMPLEX' } }] } as unknown as ExecutionResult;
    return runOn(query, variables);
  };
  return { runs, run };
}

describe('entity query batches', () => {
  it('runs the requests of one scope and turn as one query, and each scope apart', async () => {
    const { runs, run } = recordingRunner();
    let queries = 0;
    const batches = createEntityQueryBatches({ run, onQuery: () => void (queries += 1) });
    const results = await Promise.all([
      batches.resolve('ANALYST', analyst, request(detailed, '4')),
      batches.resolve('ANALYST', analyst, request(brief, '4')),
      batches.resolve('ANALYST', analyst, request(detailed, '5')),
      batches.resolve('CUSTOMER:9', customer, request(brief, '6')),
      // The same request twice (two groups with one selection) is asked once.
      batches.resolve('ANALYST', analyst, request(brief, '4')),
    ]);
    expect(results).toEqual([
      { data: { order: { id: '4', total: 4, user: { name: 'customer of 4' } } } },
      { data: { order: { id: '4' } } },
      { data: { order: { id: '5', total: 5, user: { name: 'customer of 5' } } } },
      { data: { order: { id: '6' } } },
      { data: { order: { id: '4' } } },
    ]);
    expect(queries).toBe(2);
    expect(runs.map(({ caller, query }) => [caller.role, (query.match(/: order\(/g) ?? []).length])).toEqual([
      ['ANALYST', 3],
      ['CUSTOMER', 1],
    ]);
    // A later turn is a batch of its own.
    await batches.resolve('ANALYST', analyst, request(brief, '7'));
    expect(queries).toBe(3);
  });

  it('puts at most the bound of requests in one query', async () => {
    const { runs, run } = recordingRunner();
    const batches = createEntityQueryBatches({ run, maxRequestsPerQuery: 2 });
    const results = await Promise.all(['1', '2', '3', '4', '5'].map((id) => batches.resolve('ANALYST', analyst, request(brief, id))));
    expect(results.map((result) => (result.data as { order: { id: string } }).order.id)).toEqual(['1', '2', '3', '4', '5']);
    expect(runs).toHaveLength(3);
  });

  it('sends apart the requests of a merged query the gateway refuses, and keeps doing so for that query', async () => {
    const { runs, run } = recordingRunner((query) => query.includes('r1_order'));
    let queries = 0;
    const batches = createEntityQueryBatches({ run, onQuery: () => void (queries += 1) });
    const both = () => Promise.all(['1', '3'].map((id) => batches.resolve('ANALYST', analyst, request(detailed, id))));
    expect(await both()).toEqual([
      { data: { order: { id: '1', total: 1, user: { name: 'customer of 1' } } } },
      { data: { order: { id: '3', total: 3, user: { name: 'customer of 3' } } } },
    ]);
    expect(runs).toHaveLength(3);
    expect(queries).toBe(3);
    await both();
    expect(runs).toHaveLength(5);
  });

  it('fails every request of a query that could not be run', async () => {
    const batches = createEntityQueryBatches({ run: async () => Promise.reject(new Error('connect refused')) });
    const outcomes = await Promise.allSettled([
      batches.resolve('ANALYST', analyst, request(brief, '1')),
      batches.resolve('ANALYST', analyst, request(detailed, '1')),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected']);
  });
});
