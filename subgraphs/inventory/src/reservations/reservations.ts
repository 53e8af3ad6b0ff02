import { and, asc, eq, inArray, lte, type SQL } from 'drizzle-orm';
import {
  conflict,
  createRowInsert,
  inTransaction,
  isDuplicateKey,
  notFound,
  outOfStock,
  retryTransaction,
  runBatch,
  runnerOnDrizzle,
  type ResultSetHeader,
} from '@rtc/service-kit';
import type { InventoryDb, InventoryTx } from '../db/client';
import { reservationLines, reservations, stock, type ReleaseReason, type ReservationLineRow, type ReservationRow } from '../db/schema';
import { lockStockRowsStatement, movementStatements, recordMovements, shiftStock, type LockedStockRow, type Movement } from '../stock/stock-movements';
import type { ReservationRecord } from './reservation';
import { toReserveRequest, type ReservedLine, type ReserveRequest, type ReserveStockInput } from './reserve-request';

/** Holding, selling and returning stock for checkouts; called by RTC services and the expiry job. */
export interface Reservations {
  /** Idempotent per reference; all lines or none, failing with OUT_OF_STOCK naming every short product. */
  reserve(input: ReserveStockInput, actor: string): Promise<ReservationRecord>;
  /** True when this call sold the held units, false when they were already sold. */
  commit(reference: string, actor: string): Promise<boolean>;
  /** True when this call returned units to stock, false when none were left to return. */
  release(reference: string, reason: ReleaseReason, actor: string): Promise<boolean>;
  /**
   * `release` for many references at once, in few transactions; resolves with how many this call released.
   * With `barUnknown`, a reference never reserved is recorded as RELEASED (no lines), so a reserve that arrives
   * later for it holds nothing: the orders service abandons a checkout this way without racing its reserve call.
   */
  releaseMany(references: readonly string[], reason: ReleaseReason, actor: string, options?: { barUnknown?: boolean }): Promise<number>;
  /** Returns the units of HELD reservations past their expiry; resolves with how many expired. */
  expireDue(): Promise<number>;
}

export interface ReservationsOptions {
  readonly db: InventoryDb;
  readonly defaultTtlSeconds: number;
  readonly onEventsWritten: () => void;
  readonly now?: () => Date;
}

export const expiryActor = 'system:expiry';
const expiryBatchSize = 100;
const readCommitted = { isolationLevel: 'read committed' } as const;
// References per transaction of a batch release: long enough to amortize, short enough to hold stock rows briefly.
const releaseChunkSize = 100;

const insertReservation = createRowInsert(reservations, ['reference', 'status', 'expiresAt', 'createdAt', 'updatedAt']);
const insertBars = createRowInsert(reservations, ['reference', 'status', 'releaseReason', 'expiresAt', 'createdAt', 'updatedAt'], {
  onDuplicateKeyUpdate: '`reference` = `reference`',
});
const insertReservationLines = createRowInsert(reservationLines, ['reservationId', 'productId', 'quantity']);
// Takes units only while enough are available: the row lock serializes concurrent checkouts of a product.
const holdUnits = 'update `stock` set `reserved` = `reserved` + ?, `available` = `available` - ?, `updated_at` = ? where `product_id` = ? and `available` >= ?';

async function linesOf(db: InventoryDb | InventoryTx, reservationId: number): Promise<ReservedLine[]> {
  return db
    .select({ productId: reservationLines.productId, quantity: reservationLines.quantity })
    .from(reservationLines)
    .where(eq(reservationLines.reservationId, reservationId))
    .orderBy(asc(reservationLines.productId));
}

async function lockedReservation(tx: InventoryTx, where: SQL): Promise<ReservationRow | undefined> {
  const [row] = await tx.select().from(reservations).where(where).for('update');
  return row;
}

/** Returns held units to sale (release or expiry): available up, reserved down. */
async function returnHeldUnits(
  tx: InventoryTx,
  row: ReservationRow,
  lines: readonly ReservedLine[],
  kind: 'RELEASE' | 'EXPIRY',
  reason: ReleaseReason,
  actor: string,
  now: Date,
): Promise<void> {
  for (const line of lines) await shiftStock(tx, line.productId, 0, line.quantity, now);
  await tx
    .update(reservations)
    .set({ status: kind === 'EXPIRY' ? 'EXPIRED' : 'RELEASED', releaseReason: reason, updatedAt: now })
    .where(eq(reservations.id, row.id));
  await recordMovements(
    runnerOnDrizzle(tx),
    lines.map((line) => ({ productId: line.productId, kind, deltaOnHand: 0, deltaAvailable: line.quantity, reference: row.reference, reason })),
    actor,
    now,
  );
}

export function createReservations({ db, defaultTtlSeconds, onEventsWritten, now = () => new Date() }: ReservationsOptions): Reservations {
  const find = async (reference: string): Promise<ReservationRecord | null> => {
    const [row] = await db.select().from(reservations).where(eq(reservations.reference, reference)).limit(1);
    if (!row) return null;
    return { id: row.id, reference: row.reference, status: row.status, expiresAt: row.expiresAt, lines: await linesOf(db, row.id) };
  };

  const reserveNew = (request: ReserveRequest, actor: string): Promise<ReservationRecord> => {
    const at = now();
    const expiresAt = new Date(at.getTime() + request.ttlSeconds * 1000);
    // Straight on the pool: the statements of a checkout's reservation are rendered once (see createRowInsert).
    // Two round trips: the reservation, every line's hold and the rows' new figures; then the lines, the ledger,
    // the events and the commit.
    return inTransaction(db.$client, async (tx) => {
      const updatedAt = stock.updatedAt.mapToDriverValue(at);
      // The unique reference makes a concurrent twin wait here, then fail as a duplicate and read this one.
      const results = await runBatch(tx, [
        insertReservation.statement([{ reference: request.reference, status: 'HELD', expiresAt, createdAt: at, updatedAt: at }]),
        // One statement per line, in product order: each takes units only while enough are available.
        ...request.lines.map((line) => ({ text: holdUnits, values: [line.quantity, line.quantity, updatedAt, line.productId, line.quantity] })),
        lockStockRowsStatement(request.lines.map((line) => line.productId)),
      ]);
      const header = results[0] as ResultSetHeader;
      const short = request.lines.filter((_line, index) => (results[index + 1] as ResultSetHeader).affectedRows === 0);
      // Rolling back returns whatever this call took. The products short, and their variants that are.
      if (short.length > 0) {
        const products = [...new Set(short.map((line) => String(line.parentProductId ?? line.productId)))];
        throw outOfStock(
          products,
          short.map((line) => String(line.productId)),
        );
      }
      const movements: Movement[] = request.lines.map((line) => ({
        productId: line.productId,
        kind: 'RESERVATION',
        deltaOnHand: 0,
        deltaAvailable: -line.quantity,
        reference: request.reference,
      }));
      const recorded = movementStatements(results[request.lines.length + 1] as LockedStockRow[], movements, actor, at);
      await tx.commitWith([
        insertReservationLines.statement(request.lines.map((line) => ({ reservationId: header.insertId, productId: line.productId, quantity: line.quantity }))),
        ...recorded.statements,
      ]);
      return { id: header.insertId, reference: request.reference, status: 'HELD' as const, expiresAt, lines: request.lines };
    });
  };

  /** One transaction of a batch release: reservations locked in reference order, stock rows in product order. */
  const releaseChunk = (references: readonly string[], reason: ReleaseReason, actor: string, barUnknown: boolean) =>
    retryTransaction(() =>
      db.transaction(async (tx) => {
        const at = now();
        const lockAll = () =>
          tx
            .select()
            .from(reservations)
            .where(inArray(reservations.reference, [...references]))
            .orderBy(asc(reservations.reference))
            .for('update');
        let rows = await lockAll();
        if (barUnknown && rows.length < references.length) {
          const known = new Set(rows.map((row) => row.reference));
          const unknown = references.filter((reference) => !known.has(reference));
          // A reserve still in flight holds its reference's key: this insert waits for it, then leaves its row alone.
          await insertBars.run(
            runnerOnDrizzle(tx),
            unknown.map((reference) => ({ reference, status: 'RELEASED' as const, releaseReason: reason, expiresAt: at, createdAt: at, updatedAt: at })),
          );
          rows = await lockAll();
        }
        const movable = rows.filter((row) => row.status === 'HELD' || row.status === 'COMMITTED');
        if (movable.length === 0) return 0;
        const lines = await tx
          .select()
          .from(reservationLines)
          .where(
            inArray(
              reservationLines.reservationId,
              movable.map((row) => row.id),
            ),
          );
        const linesByReservation = new Map<number, ReservationLineRow[]>();
        for (const line of lines) linesByReservation.set(line.reservationId, [...(linesByReservation.get(line.reservationId) ?? []), line]);
        const movements: Movement[] = [];
        for (const row of movable) {
          for (const line of linesByReservation.get(row.id) ?? []) {
            // Held units go back on sale; sold units of a cancelled paid order come back on hand and on sale.
            const sold = row.status === 'COMMITTED';
            movements.push({
              productId: line.productId,
              kind: sold ? 'CANCELLATION' : 'RELEASE',
              deltaOnHand: sold ? line.quantity : 0,
              deltaAvailable: line.quantity,
              reference: row.reference,
              reason,
            });
          }
        }
        const byProduct = new Map<number, { onHand: number; available: number }>();
        for (const movement of movements) {
          const sum = byProduct.get(movement.productId) ?? { onHand: 0, available: 0 };
          byProduct.set(movement.productId, { onHand: sum.onHand + movement.deltaOnHand, available: sum.available + movement.deltaAvailable });
        }
        for (const productId of [...byProduct.keys()].sort((a, b) => a - b)) {
          const sum = byProduct.get(productId)!;
          await shiftStock(tx, productId, sum.onHand, sum.available, at);
        }
        await tx
          .update(reservations)
          .set({ status: 'RELEASED', releaseReason: reason, updatedAt: at })
          .where(
            inArray(
              reservations.id,
              movable.map((row) => row.id),
            ),
          );
        if (movements.length > 0) await recordMovements(runnerOnDrizzle(tx), movements, actor, at);
        return movable.length;
        // No gap locks around unknown references: concurrent reserves insert there.
      }, readCommitted),
    );

  return {
    async releaseMany(references, reason, actor, { barUnknown = false } = {}) {
      const unique = [...new Set(references)].sort();
      let released = 0;
      for (let start = 0; start < unique.length; start += releaseChunkSize) {
        released += await releaseChunk(unique.slice(start, start + releaseChunkSize), reason, actor, barUnknown);
      }
      if (released > 0) onEventsWritten();
      return released;
    },

    async reserve(input, actor) {
      const request = toReserveRequest(input, defaultTtlSeconds);
      // No read first: the unique reference turns a repeated or concurrent call into a duplicate key, answered below.
      try {
        const reservation = await retryTransaction(() => reserveNew(request, actor));
        onEventsWritten();
        return reservation;
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
        const twin = await find(request.reference);
        if (!twin) throw error;
        return twin;
      }
    },

    async commit(reference, actor) {
      const at = now();
      const committed = await retryTransaction(() =>
        db.transaction(async (tx) => {
          const row = await lockedReservation(tx, eq(reservations.reference, reference));
          if (!row) throw notFound(`Reservation ${reference}`);
          if (row.status === 'COMMITTED') return false;
          if (row.status !== 'HELD') throw conflict(`Reservation ${reference} is ${row.status.toLowerCase()}; its units are no longer held`);
          const lines = await linesOf(tx, row.id);
          for (const line of lines) await shiftStock(tx, line.productId, -line.quantity, 0, at);
          await tx.update(reservations).set({ status: 'COMMITTED', updatedAt: at }).where(eq(reservations.id, row.id));
          await recordMovements(
            runnerOnDrizzle(tx),
            lines.map((line) => ({ productId: line.productId, kind: 'SALE', deltaOnHand: -line.quantity, deltaAvailable: 0, reference })),
            actor,
            at,
          );
          return true;
        }),
      );
      if (committed) onEventsWritten();
      return committed;
    },

    async release(reference, reason, actor) {
      const at = now();
      const released = await retryTransaction(() =>
        db.transaction(async (tx) => {
          const row = await lockedReservation(tx, eq(reservations.reference, reference));
          if (!row || row.status === 'RELEASED' || row.status === 'EXPIRED') return false;
          const lines = await linesOf(tx, row.id);
          if (row.status === 'HELD') {
            await returnHeldUnits(tx, row, lines, 'RELEASE', reason, actor, at);
            return true;
          }
          // A paid order was cancelled: the sold units come back on hand and on sale.
          for (const line of lines) await shiftStock(tx, line.productId, line.quantity, line.quantity, at);
          await tx.update(reservations).set({ status: 'RELEASED', releaseReason: reason, updatedAt: at }).where(eq(reservations.id, row.id));
          await recordMovements(
            runnerOnDrizzle(tx),
            lines.map((line) => ({
              productId: line.productId,
              kind: 'CANCELLATION',
              deltaOnHand: line.quantity,
              deltaAvailable: line.quantity,
              reference,
              reason,
            })),
            actor,
            at,
          );
          return true;
        }),
      );
      if (released) onEventsWritten();
      return released;
    },

    async expireDue() {
      let expired = 0;
      for (;;) {
        const at = now();
        const due = await db
          .select({ id: reservations.id })
          .from(reservations)
          .where(and(eq(reservations.status, 'HELD'), lte(reservations.expiresAt, at)))
          .orderBy(asc(reservations.expiresAt))
          .limit(expiryBatchSize);
        for (const { id } of due) {
          const done = await retryTransaction(() =>
            db.transaction(async (tx) => {
              // Re-read under lock: a commit or release may have won the race since the scan.
              const row = await lockedReservation(tx, eq(reservations.id, id));
              if (!row || row.status !== 'HELD' || row.expiresAt > at) return false;
              await returnHeldUnits(tx, row, await linesOf(tx, row.id), 'EXPIRY', 'EXPIRED', expiryActor, at);
              return true;
            }),
          );
          if (done) expired += 1;
        }
        if (due.length < expiryBatchSize) break;
      }
      if (expired > 0) onEventsWritten();
      return expired;
    },
  };
}
