import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCodes } from '@rtc/testkit';
import { asService, asUser, startTestInventory, stockOf, type TestInventory } from '../testing';

const reserve = `mutation Reserve($input: ReserveStockInput!) {
  reserveStock(input: $input) { id reference status expiresAt lines { productId quantity } }
}`;
const commit = `mutation Commit($reference: String!) { commitReservation(reference: $reference) }`;
const release = `mutation Release($reference: String!, $reason: ReleaseReason!) { releaseReservation(reference: $reference, reason: $reason) }`;

interface ReserveData {
  reserveStock: { id: string; reference: string; status: string; expiresAt: string; lines: { productId: string; quantity: number }[] };
}

let inventory: TestInventory;

const reserveLines = (reference: string, lines: [string, number][], extra: Record<string, unknown> = {}, headers = asService) =>
  inventory.call<ReserveData>(reserve, { input: { reference, lines: lines.map(([productId, quantity]) => ({ productId, quantity })), ...extra } }, headers);

const ledgerOf = (reference: string) =>
  inventory.rows<{ product_id: number; kind: string; delta_on_hand: number; delta_available: number; actor: string; reason: string | null }>(
    'SELECT product_id, kind, delta_on_hand, delta_available, actor, reason FROM stock_ledger WHERE reference = ? ORDER BY id',
    [reference],
  );

beforeAll(async () => {
  inventory = await startTestInventory({ expiryIntervalMs: 200 });
});

afterAll(async () => {
  await inventory?.stop();
});

describe('reserveStock', () => {
  it('gives exactly 50 of 200 concurrent one-unit reserves of 50 available units, and the ledger sums to the stock', async () => {
    await inventory.restock('100', 50);
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => reserveLines(`race-${i}`, [['100', 1]])));
    const succeeded = results.filter((result) => result.data?.reserveStock.status === 'HELD');
    const refused = results.filter((result) => errorCodes(result).join() === 'OUT_OF_STOCK');
    expect(succeeded).toHaveLength(50);
    expect(refused).toHaveLength(150);
    expect(refused[0]?.errors?.[0]?.extensions?.['productIds']).toEqual(['100']);

    expect(await stockOf(inventory, '100')).toEqual({ on_hand: 50, reserved: 50, available: 0 });
    const [ledger] = await inventory.rows<{ on_hand: number; available: number; reservations: number }>(
      `SELECT SUM(delta_on_hand) AS on_hand, SUM(delta_available) AS available, SUM(kind = 'RESERVATION') AS reservations
         FROM stock_ledger WHERE product_id = 100`,
    );
    expect(ledger).toEqual({ on_hand: 50, available: 0, reservations: 50 });
    const [held] = await inventory.rows<{ n: number }>(`SELECT COUNT(*) AS n FROM reservations WHERE reference LIKE 'race-%'`);
    expect(held?.n).toBe(50);
    const [events] = await inventory.rows<{ n: number }>(`SELECT COUNT(*) AS n FROM outbox WHERE type = 'StockChanged' AND aggregate_id = '100'`);
    expect(events?.n).toBe(51);
  });

  it('leaves the first line untouched when the second line is short', async () => {
    await inventory.restock('110', 10);
    await inventory.restock('111', 1);
    const result = await reserveLines('short-second', [
      ['110', 3],
      ['111', 2],
    ]);
    expect(errorCodes(result)).toEqual(['OUT_OF_STOCK']);
    expect(result.errors?.[0]?.extensions?.['productIds']).toEqual(['111']);
    expect(await stockOf(inventory, '110')).toEqual({ on_hand: 10, reserved: 0, available: 10 });
    expect(await stockOf(inventory, '111')).toEqual({ on_hand: 1, reserved: 0, available: 1 });
    expect(await ledgerOf('short-second')).toEqual([]);
    expect(await inventory.rows(`SELECT id FROM reservations WHERE reference = 'short-second'`)).toEqual([]);
  });

  it('names every short product, a product never stocked included', async () => {
    await inventory.restock('120', 5);
    await inventory.restock('121', 5);
    const result = await reserveLines('all-short', [
      ['121', 6],
      ['120', 2],
      ['129', 1],
      ['120', 4],
    ]);
    expect(errorCodes(result)).toEqual(['OUT_OF_STOCK']);
    expect(result.errors?.[0]?.extensions?.['productIds']).toEqual(['120', '121', '129']);
    expect(await stockOf(inventory, '120')).toMatchObject({ available: 5, reserved: 0 });
  });

  it('merges lines of one product and writes a ledger row and an event per product', async () => {
    await inventory.restock('130', 20);
    await inventory.restock('131', 20);
    await inventory.service.service.relay.drain();
    const seen: Record<string, unknown>[] = [];
    const unsubscribe = inventory.service.bus.subscribe((event) => {
      if (event.type === 'StockChanged' && event.aggregateId === '131') seen.push(event.payload);
    });
    const result = await reserveLines('merged', [
      ['131', 2],
      ['130', 1],
      ['131', 3],
    ]);
    expect(result.errors).toBeUndefined();
    expect(result.data?.reserveStock.lines).toEqual([
      { productId: '130', quantity: 1 },
      { productId: '131', quantity: 5 },
    ]);
    expect(await ledgerOf('merged')).toEqual([
      { product_id: 130, kind: 'RESERVATION', delta_on_hand: 0, delta_available: -1, actor: 'service', reason: null },
      { product_id: 131, kind: 'RESERVATION', delta_on_hand: 0, delta_available: -5, actor: 'service', reason: null },
    ]);
    await inventory.service.service.relay.drain();
    unsubscribe();
    expect(seen).toEqual([
      {
        productId: '131',
        variantId: '131',
        available: 15,
        onHand: 20,
        reserved: 5,
        lowStockThreshold: 10,
        previousAvailable: 20,
        status: 'IN_STOCK',
        previousStatus: 'IN_STOCK',
        movement: 'RESERVATION',
      },
    ]);
  });

  it('returns the first reservation for a repeated reference and reserves nothing again', async () => {
    await inventory.restock('140', 10);
    const first = await reserveLines('twice', [['140', 4]]);
    const again = await reserveLines('twice', [['140', 4]]);
    const twins = await Promise.all(Array.from({ length: 5 }, () => reserveLines('twins', [['140', 1]])));
    expect(again.data?.reserveStock).toEqual(first.data?.reserveStock);
    expect(new Set(twins.map((result) => result.data?.reserveStock.id)).size).toBe(1);
    expect(await stockOf(inventory, '140')).toEqual({ on_hand: 10, reserved: 5, available: 5 });
    expect(await ledgerOf('twice')).toHaveLength(1);
    expect(await ledgerOf('twins')).toHaveLength(1);
  });

  it.each([
    [[['150', 0]], 'input.lines[0].quantity'],
    [[['150', -2]], 'input.lines[0].quantity'],
    [[['150', 100_001]], 'input.lines[0].quantity'],
    [
      [
        ['150', 1],
        ['not-a-product', 1],
      ],
      'input.lines[1].productId',
    ],
    [[], 'input.lines'],
  ] as [[string, number][], string][])('refuses lines %j naming %s', async (lines, argument) => {
    const result = await reserveLines(`bad-${argument}`, lines);
    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors?.[0]?.message.startsWith(`${argument}:`)).toBe(true);
  });

  it('refuses a ttl out of range', async () => {
    const result = await reserveLines('bad-ttl', [['150', 1]], { ttlSeconds: 0 });
    expect(result.errors?.[0]?.message).toMatch(/^input\.ttlSeconds:/);
  });
});

describe('internal mutations', () => {
  it.each(['CUSTOMER', 'ANALYST', 'ADMIN'] as const)('refuses a call on behalf of a %s and moves no stock', async (role) => {
    await inventory.restock('160', 5);
    const reserved = await reserveLines(`user-${role}`, [['160', 1]], {}, asUser(role));
    expect(errorCodes(reserved)).toEqual(['FORBIDDEN']);
    await reserveLines(`held-${role}`, [['160', 1]]);
    const committed = await inventory.call(commit, { reference: `held-${role}` }, asUser(role));
    const released = await inventory.call(release, { reference: `held-${role}`, reason: 'CANCELLED' }, asUser(role));
    expect([...errorCodes(committed), ...errorCodes(released)]).toEqual(['FORBIDDEN', 'FORBIDDEN']);
    expect(await inventory.rows('SELECT id FROM reservations WHERE reference = ?', [`user-${role}`])).toEqual([]);
    const [held] = await inventory.rows<{ status: string }>('SELECT status FROM reservations WHERE reference = ?', [`held-${role}`]);
    expect(held?.status).toBe('HELD');
  });

  it('refuses calls without the internal token', async () => {
    const result = await inventory.call(commit, { reference: 'x' }, {});
    expect(result.status).toBe(401);
  });
});

describe('commitReservation and releaseReservation', () => {
  it('sells held units once, however often payment is reported', async () => {
    await inventory.restock('170', 10);
    await reserveLines('paid', [['170', 3]]);
    const first = await inventory.call<{ commitReservation: boolean }>(commit, { reference: 'paid' }, asService);
    const second = await inventory.call<{ commitReservation: boolean }>(commit, { reference: 'paid' }, asService);
    expect([first.data?.commitReservation, second.data?.commitReservation]).toEqual([true, false]);
    expect(await stockOf(inventory, '170')).toEqual({ on_hand: 7, reserved: 0, available: 7 });
    expect((await ledgerOf('paid')).map((row) => [row.kind, row.delta_on_hand, row.delta_available])).toEqual([
      ['RESERVATION', 0, -3],
      ['SALE', -3, 0],
    ]);
  });

  it('returns held units to sale once', async () => {
    await inventory.restock('171', 10);
    await reserveLines('abandoned', [['171', 4]]);
    const first = await inventory.call<{ releaseReservation: boolean }>(release, { reference: 'abandoned', reason: 'FAILED' }, asService);
    const second = await inventory.call<{ releaseReservation: boolean }>(release, { reference: 'abandoned', reason: 'FAILED' }, asService);
    expect([first.data?.releaseReservation, second.data?.releaseReservation]).toEqual([true, false]);
    expect(await stockOf(inventory, '171')).toEqual({ on_hand: 10, reserved: 0, available: 10 });
    expect((await ledgerOf('abandoned')).at(-1)).toMatchObject({ kind: 'RELEASE', delta_on_hand: 0, delta_available: 4, reason: 'FAILED' });
  });

  it('puts the units of a cancelled paid order back on hand and on sale once', async () => {
    await inventory.restock('172', 10);
    await reserveLines('refunded', [['172', 2]]);
    await inventory.call(commit, { reference: 'refunded' }, asService);
    const first = await inventory.call<{ releaseReservation: boolean }>(release, { reference: 'refunded', reason: 'CANCELLED' }, asService);
    const second = await inventory.call<{ releaseReservation: boolean }>(release, { reference: 'refunded', reason: 'CANCELLED' }, asService);
    expect([first.data?.releaseReservation, second.data?.releaseReservation]).toEqual([true, false]);
    expect(await stockOf(inventory, '172')).toEqual({ on_hand: 10, reserved: 0, available: 10 });
    expect((await ledgerOf('refunded')).at(-1)).toMatchObject({ kind: 'CANCELLATION', delta_on_hand: 2, delta_available: 2 });
    const [ledger] = await inventory.rows<{ on_hand: number; available: number }>(
      'SELECT SUM(delta_on_hand) AS on_hand, SUM(delta_available) AS available FROM stock_ledger WHERE product_id = 172',
    );
    expect(ledger).toEqual({ on_hand: 10, available: 10 });
  });

  it('answers false to releasing an unknown reference, NOT_FOUND to committing one, CONFLICT to committing a released one', async () => {
    const released = await inventory.call<{ releaseReservation: boolean }>(release, { reference: 'never', reason: 'FAILED' }, asService);
    expect(released.data?.releaseReservation).toBe(false);
    expect(errorCodes(await inventory.call(commit, { reference: 'never' }, asService))).toEqual(['NOT_FOUND']);
    expect(errorCodes(await inventory.call(commit, { reference: 'abandoned' }, asService))).toEqual(['CONFLICT']);
  });
});

describe('reservation expiry', () => {
  it('returns held units of an unpaid reservation once its time is up, and leaves committed ones alone', async () => {
    await inventory.restock('180', 10);
    await reserveLines('slow', [['180', 3]], { ttlSeconds: 1 });
    await reserveLines('quick', [['180', 2]], { ttlSeconds: 1 });
    await inventory.call(commit, { reference: 'quick' }, asService);
    expect(await stockOf(inventory, '180')).toEqual({ on_hand: 8, reserved: 3, available: 5 });

    const deadline = Date.now() + 8_000;
    let status = 'HELD';
    while (status === 'HELD' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const [row] = await inventory.rows<{ status: string }>(`SELECT status FROM reservations WHERE reference = 'slow'`);
      status = row?.status ?? 'missing';
    }
    expect(status).toBe('EXPIRED');
    expect(await stockOf(inventory, '180')).toEqual({ on_hand: 8, reserved: 0, available: 8 });
    expect((await ledgerOf('slow')).at(-1)).toMatchObject({ kind: 'EXPIRY', delta_available: 3, actor: 'system:expiry' });
    const [quick] = await inventory.rows<{ status: string }>(`SELECT status FROM reservations WHERE reference = 'quick'`);
    expect(quick?.status).toBe('COMMITTED');
    const [events] = await inventory.rows<{ n: number }>(
      `SELECT COUNT(*) AS n FROM outbox WHERE type = 'StockChanged' AND aggregate_id = '180' AND JSON_VALUE(payload, '$.movement') = 'EXPIRY'`,
    );
    expect(events?.n).toBe(1);
    expect(errorCodes(await inventory.call(commit, { reference: 'slow' }, asService))).toEqual(['CONFLICT']);
  });
});

describe('releaseReservations', () => {
  const releaseMany = `mutation ReleaseMany($references: [String!]!, $reason: ReleaseReason!) { releaseReservations(references: $references, reason: $reason) }`;
  const callRelease = (references: string[], reason: string, headers = asService) =>
    inventory.call<{ releaseReservations: number }>(releaseMany, { references, reason }, headers);

  it('returns held and sold units of many reservations at once, once, with a ledger row per reservation and product', async () => {
    await inventory.restock('190', 20);
    await inventory.restock('191', 20);
    await reserveLines('batch-a', [
      ['190', 2],
      ['191', 1],
    ]);
    await reserveLines('batch-b', [['190', 3]]);
    await reserveLines('batch-c', [['191', 4]]);
    await inventory.call(commit, { reference: 'batch-c' }, asService);

    const first = await callRelease(['batch-a', 'batch-b', 'batch-c', 'batch-a', 'batch-unknown'], 'CANCELLED');
    const second = await callRelease(['batch-a', 'batch-b', 'batch-c'], 'CANCELLED');
    expect([first.data?.releaseReservations, second.data?.releaseReservations]).toEqual([3, 0]);
    expect(await stockOf(inventory, '190')).toEqual({ on_hand: 20, reserved: 0, available: 20 });
    expect(await stockOf(inventory, '191')).toEqual({ on_hand: 20, reserved: 0, available: 20 });
    expect((await ledgerOf('batch-a')).slice(2).map((row) => [row.product_id, row.kind, row.delta_available, row.reason])).toEqual([
      [190, 'RELEASE', 2, 'CANCELLED'],
      [191, 'RELEASE', 1, 'CANCELLED'],
    ]);
    expect((await ledgerOf('batch-c')).at(-1)).toMatchObject({ kind: 'CANCELLATION', delta_on_hand: 4, delta_available: 4 });
    const ledger = await inventory.rows<{ product_id: number; on_hand: number; available: number }>(
      'SELECT product_id, SUM(delta_on_hand) AS on_hand, SUM(delta_available) AS available FROM stock_ledger WHERE product_id IN (190, 191) GROUP BY product_id ORDER BY product_id',
    );
    expect(ledger).toEqual([
      { product_id: 190, on_hand: 20, available: 20 },
      { product_id: 191, on_hand: 20, available: 20 },
    ]);
    // Other reasons leave an unknown reference alone: it may still be reserved.
    expect(await inventory.rows(`SELECT id FROM reservations WHERE reference = 'batch-unknown'`)).toEqual([]);
  });

  it('with FAILED bars a reference never reserved, so a reserve arriving later answers RELEASED and holds nothing', async () => {
    await inventory.restock('192', 5);
    await reserveLines('abandoned-held', [['192', 2]]);
    const released = await callRelease(['abandoned-held', 'abandoned-late'], 'FAILED');
    expect(released.data?.releaseReservations).toBe(1);
    const late = await reserveLines('abandoned-late', [['192', 1]]);
    expect(late.data?.reserveStock).toMatchObject({ status: 'RELEASED', lines: [] });
    expect(await stockOf(inventory, '192')).toEqual({ on_hand: 5, reserved: 0, available: 5 });
    expect(await ledgerOf('abandoned-late')).toEqual([]);
    expect(errorCodes(await inventory.call(commit, { reference: 'abandoned-late' }, asService))).toEqual(['CONFLICT']);
  });

  it('refuses an empty or oversized batch, and any caller but an RTC service', async () => {
    expect(errorCodes(await callRelease([], 'FAILED'))).toEqual(['BAD_USER_INPUT']);
    expect(
      errorCodes(
        await callRelease(
          Array.from({ length: 501 }, (_, i) => `r-${i}`),
          'FAILED',
        ),
      ),
    ).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await callRelease(['ok', ''], 'FAILED'))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await callRelease(['batch-x'], 'FAILED', asUser('ADMIN')))).toEqual(['FORBIDDEN']);
    expect(await inventory.rows(`SELECT id FROM reservations WHERE reference IN ('ok', 'batch-x')`)).toEqual([]);
  });
});
