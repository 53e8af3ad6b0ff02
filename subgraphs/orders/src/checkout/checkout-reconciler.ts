import { Counter, type Logger, type ServiceMetrics } from '@rtc/service-kit';
import type { Inventory } from '../clients/inventory';
import type { CheckoutIntents } from './checkout-intents';

export interface ReconcileResult {
  /** Checkouts given up because their order was never written within the grace period. */
  readonly abandoned: number;
  /** Stale references that an order did use after all (its row left behind by a failed duplicate). */
  readonly ordered: number;
  /** Abandoned references whose release inventory confirmed in this pass. */
  readonly released: number;
}

export interface CheckoutReconcilerOptions {
  readonly intents: CheckoutIntents;
  readonly inventory: Inventory;
  readonly logger: Logger;
  /** A checkout still without its order this long after it began reserving is abandoned. */
  readonly graceSeconds: number;
  /** Where `rtc_checkouts_abandoned_total` is registered; absent, nothing is counted. */
  readonly metrics?: ServiceMetrics;
}

// Abandoned references stay this long after their release, so a stuck duplicate still finds them.
const keepAbandonedMs = 7 * 24 * 3_600_000;
const batchSize = 200;
const releaseBatchSize = 500;

/**
 * Releases the stock of checkouts that died between reserving and writing their order (a crash, a lost connection):
 * each pass abandons stale references, then asks inventory to release every abandoned one not yet confirmed.
 */
export function createCheckoutReconciler({ intents, inventory, logger, graceSeconds, metrics }: CheckoutReconcilerOptions) {
  const abandonedTotal =
    metrics &&
    new Counter({
      name: 'rtc_checkouts_abandoned_total',
      help: 'Checkouts the reconciler gave up because their order was never written; their reservations are released',
      registers: [metrics.registry],
    });
  return async function reconcile(now = new Date()): Promise<ReconcileResult> {
    const before = new Date(now.getTime() - graceSeconds * 1000);
    let abandoned = 0;
    let ordered = 0;
    for (;;) {
      const batch = await intents.abandonStale(before, batchSize);
      abandoned += batch.abandoned.length;
      abandonedTotal?.inc(batch.abandoned.length);
      ordered += batch.ordered;
      if (batch.abandoned.length + batch.ordered < batchSize) break;
    }
    let released = 0;
    for (;;) {
      const references = await intents.unreleased(releaseBatchSize);
      if (references.length === 0) break;
      // FAILED bars a reference inventory never saw, so a reserve call still on its way holds nothing.
      await inventory.releaseMany(references, 'FAILED');
      await intents.markReleased(references, new Date());
      released += references.length;
      if (references.length < releaseBatchSize) break;
    }
    await intents.purge(new Date(now.getTime() - keepAbandonedMs), 1_000);
    if (abandoned + ordered + released > 0) logger.info({ abandoned, ordered, released }, 'checkouts reconciled');
    return { abandoned, ordered, released };
  };
}
