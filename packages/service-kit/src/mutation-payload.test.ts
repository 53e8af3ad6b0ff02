import { ApolloServer } from '@apollo/server';
import { describe, expect, it } from 'vitest';
import { badInput, ErrorCode, idempotencyKeyReused, outOfStock } from './errors';
import { createMetricsPlugin, createServiceMetrics } from './metrics';
import { businessFailure, mutationPayload, runMutation } from './mutation-payload';

const typed = new Set<string>([ErrorCode.OutOfStock, ErrorCode.IdempotencyKeyReused]);

describe('mutation payloads', () => {
  it('answers the result beside an empty errors list on success', async () => {
    expect(await mutationPayload('order', () => Promise.resolve({ id: 1 }), { typed, context: {}, mutation: 'placeOrder' })).toEqual({
      order: { id: 1 },
      errors: [],
    });
  });

  it('turns a typed code, from this service or another, into errors with the products and the field at fault', async () => {
    expect(await mutationPayload('order', () => Promise.reject(outOfStock(['3', '7'])), { typed, context: {}, mutation: 'placeOrder' })).toEqual({
      order: null,
      errors: [{ code: 'OUT_OF_STOCK', message: 'Out of stock: 3, 7', field: null, productIds: ['3', '7'], variantIds: null }],
    });
    const reused = await runMutation(() => Promise.reject(idempotencyKeyReused('input.idempotencyKey')), { typed, context: {}, mutation: 'placeOrder' });
    expect(reused.errors[0]).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED', field: ['input', 'idempotencyKey'] });
  });

  it('types a BusinessFailure whatever its code, with an indexed field path', async () => {
    const failure = businessFailure(ErrorCode.Conflict, 'taken', { field: ['input', 'email'] });
    expect((await runMutation(() => Promise.reject(failure), { context: {}, mutation: 'signUp' })).errors).toEqual([
      { code: 'CONFLICT', message: 'taken', field: ['input', 'email'], productIds: null, variantIds: null },
    ]);
    const indexed = Object.assign(badInput('input.events[3].occurredAt', 'too old'), {});
    indexed.extensions['code'] = 'OCCURRED_AT_OUT_OF_RANGE';
    const outcome = await runMutation(() => Promise.reject(indexed), { typed: new Set(['OCCURRED_AT_OUT_OF_RANGE']), context: {}, mutation: 'trackEvents' });
    expect(outcome.errors[0]?.field).toEqual(['input', 'events', '3', 'occurredAt']);
  });

  it('throws every other error as before', async () => {
    await expect(runMutation(() => Promise.reject(badInput('input.lines', 'empty')), { typed, context: {}, mutation: 'placeOrder' })).rejects.toMatchObject({
      extensions: { code: 'BAD_USER_INPUT' },
    });
    await expect(runMutation(() => Promise.reject(new Error('boom')), { typed, context: {}, mutation: 'placeOrder' })).rejects.toThrow('boom');
  });

  it('counts a typed failure as a failed request and by mutation and code', async () => {
    const metrics = createServiceMetrics('test', { defaults: false });
    const server = new ApolloServer<object>({
      typeDefs: 'type Query { ok: Boolean } type Mutation { buy: Boolean }',
      resolvers: {
        Mutation: {
          buy: async (_parent: unknown, _args: unknown, context: object) => {
            const { errors } = await runMutation(() => Promise.reject(outOfStock(['5'])), { typed, context, mutation: 'buy' });
            return errors.length === 0;
          },
        },
      },
      plugins: [createMetricsPlugin(metrics)],
    });
    await server.start();
    try {
      await server.executeOperation({ query: 'mutation Buy { buy }' }, { contextValue: {} });
      await server.executeOperation({ query: 'query Ok { ok }' }, { contextValue: {} });
      const text = await metrics.registry.metrics();
      expect(text).toMatch(/^rtc_mutation_failures_total\{mutation="buy",code="OUT_OF_STOCK",service="test"\} 1$/m);
      expect(text).toMatch(/^rtc_graphql_requests_total\{operation="Buy",outcome="error",service="test"\} 1$/m);
      expect(text).toMatch(/^rtc_graphql_requests_total\{operation="Ok",outcome="success",service="test"\} 1$/m);
    } finally {
      await server.stop();
    }
  });

  it("counts a request as failed when a mutation's payload carries typed failures it did not note, as at the gateway", async () => {
    const metrics = createServiceMetrics('gateway', { defaults: false });
    const server = new ApolloServer<object>({
      typeDefs: 'type Query { ok: Boolean } type Failure { code: String } type Payload { errors: [Failure!]! } type Mutation { buy: Payload }',
      resolvers: { Mutation: { buy: () => ({ errors: [{ code: 'OUT_OF_STOCK' }] }) } },
      plugins: [createMetricsPlugin(metrics)],
    });
    await server.start();
    try {
      await server.executeOperation({ query: 'mutation Buy { buy { errors { code } } }' }, { contextValue: {} });
      const text = await metrics.registry.metrics();
      expect(text).toMatch(/^rtc_graphql_requests_total\{operation="Buy",outcome="error",service="gateway"\} 1$/m);
      expect(text).not.toMatch(/^rtc_mutation_failures_total\{/m);
    } finally {
      await server.stop();
    }
  });
});
