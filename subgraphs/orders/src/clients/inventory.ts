import type { InternalClient } from '@rtc/service-kit';

export type ReleaseReason = 'CANCELLED' | 'EXPIRED' | 'FAILED';

/** Where a reservation stands; only HELD and COMMITTED still hold units. */
export type ReservationStatus = 'HELD' | 'COMMITTED' | 'RELEASED' | 'EXPIRED';

/** Units of one variant; `variantId` equals `productId` for the product's default variant. */
export interface StockLine {
  readonly productId: number;
  readonly variantId: number;
  readonly quantity: number;
}

/** Inventory's internal stock reservation mutations, called as the orders service (no end-user caller). */
export interface Inventory {
  /**
   * Idempotent per reference: a second call returns the first reservation, whatever its status now.
   * Fails with OUT_OF_STOCK (extensions.productIds) having taken nothing.
   */
  reserve(reference: string, lines: readonly StockLine[], ttlSeconds: number): Promise<ReservationStatus>;
  /** Sells the held units: true when this call did, false when they were already sold; CONFLICT once released or expired. */
  commit(reference: string): Promise<boolean>;
  /** Returns held or sold units to stock: true when this call did, false when nothing was left to return. */
  release(reference: string, reason: ReleaseReason): Promise<boolean>;
  /**
   * `release` for up to 500 references in one call; resolves with how many this call released. With FAILED, a reference
   * never reserved is barred from reserving later, which is what abandoning a checkout needs.
   */
  releaseMany(references: readonly string[], reason: ReleaseReason): Promise<number>;
}

// Every call names its reservation by reference and inventory answers a repeat with the first outcome, so each
// may be sent again when its connection failed; the client never repeats one after a timeout.
const byReference = { idempotent: true } as const;

/** Inventory's reservation procedures (the internal twins of its `@inaccessible` reservation mutations). */
export function createInventory(client: InternalClient): Inventory {
  return {
    async reserve(reference, lines, ttlSeconds) {
      const input = {
        reference,
        ttlSeconds,
        lines: lines.map((line) => ({ productId: String(line.productId), variantId: String(line.variantId), quantity: line.quantity })),
      };
      const reserved = await client.call<{ status: ReservationStatus }>('reserve-stock', input, byReference);
      return reserved.status;
    },
    commit: (reference) => client.call<boolean>('commit-reservation', { reference }, byReference),
    release: (reference, reason) => client.call<boolean>('release-reservation', { reference, reason }, byReference),
    releaseMany: (references, reason) => client.call<number>('release-reservations', { references, reason }, byReference),
  };
}
