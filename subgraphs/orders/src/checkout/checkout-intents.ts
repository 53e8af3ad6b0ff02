import { and, eq, inArray, lt, sql } from 'drizzle-orm';
import { conflict, mysqlErrorCode, retryTransaction, runBatch, runnerOn, runnerOnDrizzle, type ResultSetHeader, type Statement } from '@rtc/service-kit';
import type { OrdersDb } from '../db/client';
import { checkoutIntents } from '../db/schema';

/**
 * The orders side of reconciling reservations: a checkout records its reservation reference (PENDING) before it asks
 * inventory to reserve, and the transaction that writes the order deletes that row, under its lock, in the same
 * transaction. Whoever marks the row ABANDONED first (the reconciler, or a checkout that failed) makes the order
 * impossible from then on: only then may the reservation be released.
 */
export interface CheckoutIntents {
  /** Records a checkout about to reserve; ABANDONED when an earlier attempt with this reference was given up. */
  open(reference: string, now: Date): Promise<'PENDING' | 'ABANDONED'>;
  /**
   * `open`, and in the same round trip whether the user already has an order with this idempotency key: then
   * ORDERED, and no intent is left behind. `created` says this call recorded the intent (only then may a checkout
   * that stops before reserving `forget` it).
   */
  openUnlessOrdered(
    userId: number,
    idempotencyKey: string,
    reference: string,
    now: Date,
  ): Promise<{ state: 'PENDING' | 'ABANDONED' | 'ORDERED'; created: boolean }>;
  /**
   * Inside the order's transaction, first: claims the reference and keeps in `@rtc_claimed` whether it took the
   * PENDING intent. The order's status is then written as `claimedStatus` ('?' its value), NULL without the claim, so
   * the order's INSERT fails and the batch stops there: the claim needs no round trip of its own.
   */
  claimStatements(reference: string): Statement[];
  /** See claimStatements. */
  readonly claimedStatus: string;
  /** The error of an order's batch as checkout reports it: CONFLICT when the claim found no PENDING intent. */
  claimRefusalOf(error: unknown): unknown;
  /** Drops a PENDING reference that inventory refused outright (nothing was held). */
  forget(reference: string): Promise<void>;
  /**
   * Gives a reference up unless an order already uses it (then ORDERED, and the row is cleared): after ABANDONED
   * commits, no order can claim it, so its reservation may be released.
   */
  abandon(reference: string, now: Date): Promise<'ABANDONED' | 'ORDERED'>;
  /** Gives up PENDING references older than `before`, oldest first, skipping those a checkout holds right now. */
  abandonStale(before: Date, limit: number): Promise<{ abandoned: string[]; ordered: number }>;
  /** ABANDONED references whose release inventory has not confirmed yet, oldest first. */
  unreleased(limit: number): Promise<string[]>;
  markReleased(references: readonly string[], now: Date): Promise<void>;
  /** Deletes ABANDONED rows released before `before`; inventory keeps barring their references. */
  purge(before: Date, limit: number): Promise<number>;
}

export const checkoutAbandonedMessage = 'An earlier checkout with this idempotencyKey failed; place the order with a new key';

// No gap locks: these transactions must not hold up checkouts inserting their own rows next to the ones read here.
const readCommitted = { isolationLevel: 'read committed' } as const;

// Not `on duplicate key update`: mysql2 asks for found rows, so an existing intent would also answer 1 affected row.
const openIntent = "insert ignore into `checkout_intents` (`reservation_ref`, `state`, `created_at`) values (?, 'PENDING', ?)";
const intentState = 'select `state` from `checkout_intents` where `reservation_ref` = ?';
const orderWithKey = 'select `id` from `orders` where `user_id` = ? and `idempotency_key` = ? limit 1';
const claimIntent = "delete from `checkout_intents` where `reservation_ref` = ? and `state` = 'PENDING'";
// A locking read: sees every order committed before this transaction took the intent's lock, whatever its snapshot.
const ordersUsing = 'select `reservation_ref` from `orders` where `reservation_ref` in (?) lock in share mode';

const keepClaim = 'set @rtc_claimed = row_count()';

/** The order's INSERT refused for its NULL status: what claimedStatus writes without the claim. */
function isUnclaimedStatus(error: unknown): boolean {
  return mysqlErrorCode(error) === 'ER_BAD_NULL_ERROR' && /'status'/.test((error as { sqlMessage?: string }).sqlMessage ?? '');
}

export function createCheckoutIntents(db: OrdersDb): CheckoutIntents {
  const toDb = (at: Date) => checkoutIntents.createdAt.mapToDriverValue(at);

  return {
    async open(reference, now) {
      const [result] = await db.$client.query<ResultSetHeader>(openIntent, [reference, toDb(now)]);
      if (result.affectedRows === 1) return 'PENDING';
      const [row] = await db.select({ state: checkoutIntents.state }).from(checkoutIntents).where(eq(checkoutIntents.reservationRef, reference));
      return row?.state ?? 'PENDING';
    },

    async openUnlessOrdered(userId, idempotencyKey, reference, now) {
      const [ordered, opened, intent] = (await runBatch(runnerOn(db.$client), [
        { text: orderWithKey, values: [userId, idempotencyKey] },
        { text: openIntent, values: [reference, toDb(now)] },
        { text: intentState, values: [reference] },
      ])) as [unknown[], ResultSetHeader, { state: 'PENDING' | 'ABANDONED' }[]];
      const created = opened.affectedRows === 1;
      if (ordered.length > 0) {
        // A repeat of a placed order: the intent this call recorded bridges nothing.
        if (created) await db.$client.query(claimIntent, [reference]);
        return { state: 'ORDERED', created: false };
      }
      return { state: intent[0]?.state ?? 'PENDING', created };
    },

    claimStatements: (reference) => [
      { text: claimIntent, values: [reference] },
      { text: keepClaim, values: [] },
    ],

    claimedStatus: 'if(@rtc_claimed = 1, ?, null)',

    claimRefusalOf: (error) => (isUnclaimedStatus(error) ? conflict(checkoutAbandonedMessage) : error),

    async forget(reference) {
      await db.$client.query(claimIntent, [reference]);
    },

    abandon: (reference, now) =>
      retryTransaction(() =>
        db.transaction(async (tx) => {
          await tx
            .insert(checkoutIntents)
            .values({ reservationRef: reference, state: 'ABANDONED', createdAt: now })
            .onDuplicateKeyUpdate({ set: { state: 'ABANDONED' } });
          const ordered = await runnerOnDrizzle(tx).run<unknown[]>(ordersUsing, [[reference]]);
          if (ordered.length === 0) return 'ABANDONED' as const;
          await tx.delete(checkoutIntents).where(eq(checkoutIntents.reservationRef, reference));
          return 'ORDERED' as const;
        }, readCommitted),
      ),

    abandonStale: (before, limit) =>
      retryTransaction(() =>
        db.transaction(async (tx) => {
          const stale = await tx
            .select({ reference: checkoutIntents.reservationRef })
            .from(checkoutIntents)
            .where(and(eq(checkoutIntents.state, 'PENDING'), sql`${checkoutIntents.releasedAt} is null`, lt(checkoutIntents.createdAt, before)))
            .orderBy(checkoutIntents.createdAt)
            .limit(limit)
            .for('update', { skipLocked: true });
          if (stale.length === 0) return { abandoned: [], ordered: 0 };
          const references = stale.map((row) => row.reference);
          const rows = await runnerOnDrizzle(tx).run<{ reservation_ref: string }[]>(ordersUsing, [references]);
          const ordered = new Set(rows.map((row) => row.reservation_ref));
          // An order that used the reference and then failed to commit leaves its row behind: resolved, not abandoned.
          if (ordered.size > 0) await tx.delete(checkoutIntents).where(inArray(checkoutIntents.reservationRef, [...ordered]));
          const abandoned = references.filter((reference) => !ordered.has(reference));
          if (abandoned.length > 0) {
            await tx.update(checkoutIntents).set({ state: 'ABANDONED' }).where(inArray(checkoutIntents.reservationRef, abandoned));
          }
          return { abandoned, ordered: ordered.size };
        }, readCommitted),
      ),

    async unreleased(limit) {
      const rows = await db
        .select({ reference: checkoutIntents.reservationRef })
        .from(checkoutIntents)
        .where(and(eq(checkoutIntents.state, 'ABANDONED'), sql`${checkoutIntents.releasedAt} is null`))
        .orderBy(checkoutIntents.createdAt)
        .limit(limit);
      return rows.map((row) => row.reference);
    },

    async markReleased(references, now) {
      if (references.length === 0) return;
      await db
        .update(checkoutIntents)
        .set({ releasedAt: now })
        .where(and(eq(checkoutIntents.state, 'ABANDONED'), inArray(checkoutIntents.reservationRef, [...references])));
    },

    async purge(before, limit) {
      const [result] = await db.$client.query<ResultSetHeader>(
        "delete from `checkout_intents` where `state` = 'ABANDONED' and `released_at` < ? order by `released_at` limit ?",
        [toDb(before), limit],
      );
      return result.affectedRows;
    },
  };
}
