import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInternalClient, createPooledFetch, ErrorCode, InternalHeader, type InternalClient } from '@rtc/service-kit';
import { testInternalToken } from '@rtc/testkit';
import { startTestInventory, stockOf, type TestInventory } from '../testing';

let inventory: TestInventory;
let client: InternalClient;
const fetch = createPooledFetch({ timeoutMs: 5_000 });

beforeAll(async () => {
  inventory = await startTestInventory();
  client = createInternalClient({ baseUrl: inventory.service.graphqlUrl, internalToken: testInternalToken, fetch });
});

afterAll(async () => {
  await fetch.close();
  await inventory?.stop();
});

const reserve = (reference: string, lines: [string, number][]) =>
  client.call<{ reference: string; status: string }>('reserve-stock', {
    reference,
    ttlSeconds: 60,
    lines: lines.map(([productId, quantity]) => ({ productId, quantity })),
  });

describe('reservation procedures', () => {
  it('reserves, commits and releases as the internal mutations do, each idempotent by its reference', async () => {
    await inventory.restock('300', 5);
    await expect(reserve('proc-1', [['300', 2]])).resolves.toEqual({ reference: 'proc-1', status: 'HELD' });
    await expect(reserve('proc-1', [['300', 2]])).resolves.toEqual({ reference: 'proc-1', status: 'HELD' });
    expect(await stockOf(inventory, '300')).toEqual({ on_hand: 5, reserved: 2, available: 3 });
    await expect(client.call('commit-reservation', { reference: 'proc-1' })).resolves.toBe(true);
    await expect(client.call('commit-reservation', { reference: 'proc-1' })).resolves.toBe(false);
    await expect(client.call('release-reservation', { reference: 'proc-1', reason: 'CANCELLED' })).resolves.toBe(true);
    expect(await stockOf(inventory, '300')).toEqual({ on_hand: 5, reserved: 0, available: 5 });
    await expect(client.call('release-reservations', { references: ['proc-never', 'proc-1'], reason: 'FAILED' })).resolves.toBe(0);
    // A reference barred by a FAILED release reserves nothing later.
    await expect(reserve('proc-never', [['300', 1]])).resolves.toEqual({ reference: 'proc-never', status: 'RELEASED' });
  });

  it('refuses a short line with OUT_OF_STOCK naming the product, having taken nothing', async () => {
    await inventory.restock('310', 3);
    await inventory.restock('311', 1);
    await expect(
      reserve('proc-short', [
        ['310', 2],
        ['311', 2],
      ]),
    ).rejects.toMatchObject({ extensions: { code: ErrorCode.OutOfStock, productIds: ['311'] } });
    expect(await stockOf(inventory, '310')).toEqual({ on_hand: 3, reserved: 0, available: 3 });
    expect(await inventory.rows(`SELECT id FROM reservations WHERE reference = 'proc-short'`)).toEqual([]);
  });

  it('answers bad input with BAD_USER_INPUT: a malformed shape, and the rules of the GraphQL mutation', async () => {
    await expect(client.call('reserve-stock', { reference: 'x', lines: [{ productId: 1, quantity: 1 }] })).rejects.toMatchObject({
      extensions: { code: ErrorCode.BadUserInput, argumentName: 'lines.0.productId' },
    });
    await expect(reserve('proc-bad', [['abc', 1]])).rejects.toMatchObject({ extensions: { code: ErrorCode.BadUserInput } });
    await expect(client.call('release-reservation', { reference: 'proc-1', reason: 'BORED' })).rejects.toMatchObject({
      extensions: { code: ErrorCode.BadUserInput, argumentName: 'reason' },
    });
    await expect(client.call('release-reservations', { references: [], reason: 'FAILED' })).rejects.toMatchObject({
      extensions: { code: ErrorCode.BadUserInput },
    });
  });

  it('refuses calls without the internal token, and calls on behalf of a user', async () => {
    const stranger = createInternalClient({ baseUrl: inventory.service.graphqlUrl, internalToken: 'wrong-token', fetch });
    await expect(stranger.call('reserve-stock', { reference: 'proc-x', lines: [{ productId: '300', quantity: 1 }] })).rejects.toMatchObject({
      extensions: { code: ErrorCode.Unauthenticated },
    });
    const origin = new URL(inventory.service.graphqlUrl).origin;
    const asUser = await fetch(`${origin}/internal/reserve-stock`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [InternalHeader.Token]: testInternalToken,
        [InternalHeader.UserId]: '1',
        [InternalHeader.UserRole]: 'ADMIN',
      },
      body: JSON.stringify({ reference: 'proc-x', lines: [{ productId: '300', quantity: 1 }] }),
    });
    expect(asUser.status).toBe(403);
    expect(await inventory.rows(`SELECT id FROM reservations WHERE reference = 'proc-x'`)).toEqual([]);
  });
});
