import { and, asc, eq, lte, type SQL } from 'drizzle-orm';
import {
  conflict,
  createRowInsert,
  inTransaction,
  isDuplicateKey,
  notFound,
  outOfStock,
  retryTransaction,
  runnerOnDrizzle,
  type ResultSetHeader,
} from '@rtc/service-kit';
import type { InventoryDb, InventoryTx } from '../db/client';
import { reservationLines, reservations, stock, type ReleaseReason, type ReservationRow } from '../db/schema';
import { recordMovements, shiftStock, type Movement } from '../stock/stock-movements';
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

const insertReservation = createRowInsert(reservations, ['reference', 'status', 'expiresAt', 'createdAt', 'updatedAt']);
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
    return inTransaction(db.$client, async (tx) => {
      // The unique reference makes a concurrent twin wait here, then fail as a duplicate and read this one.
      const header = await insertReservation.run(tx, [{ reference: request.reference, status: 'HELD', expiresAt, createdAt: at, updatedAt: at }]);
      const short: number[] = [];
      const updatedAt = stock.updatedAt.mapToDriverValue(at);
      for (const line of request.lines) {
        const result = await tx.run<ResultSetHeader>(holdUnits, [line.quantity, line.quantity, updatedAt, line.productId, line.quantity]);
        if (result.affectedRows === 0) short.push(line.productId);
      }
      // Rolling back returns whatever this call took.
      if (short.length > 0) throw outOfStock(short.map(String));
      await insertReservationLines.run(
        tx,
        request.lines.map((line) => ({ reservationId: header.insertId, ...line })),
      );
      const movements: Movement[] = request.lines.map((line) => ({
        productId: line.productId,
        kind: 'RESERVATION',
        deltaOnHand: 0,
        deltaAvailable: -line.quantity,
        reference: request.reference,
      }));
      await recordMovements(tx, movements, actor, at);
      return { id: header.insertId, reference: request.reference, status: 'HELD' as const, expiresAt, lines: request.lines };
    });
  };

  return {
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
