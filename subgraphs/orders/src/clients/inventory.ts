import type { GraphQLClient } from '@rtc/service-kit';

export type ReleaseReason = 'CANCELLED' | 'EXPIRED' | 'FAILED';

/** Where a reservation stands; only HELD and COMMITTED still hold units. */
export type ReservationStatus = 'HELD' | 'COMMITTED' | 'RELEASED' | 'EXPIRED';

export interface StockLine {
  readonly productId: number;
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

const reserveMutation = /* GraphQL */ `
  mutation OrdersReserveStock($input: ReserveStockInput!) {
    reserveStock(input: $input) {
      reference
      status
    }
  }
`;

const commitMutation = /* GraphQL */ `
  mutation OrdersCommitReservation($reference: String!) {
    commitReservation(reference: $reference)
  }
`;

const releaseMutation = /* GraphQL */ `
  mutation OrdersReleaseReservation($reference: String!, $reason: ReleaseReason!) {
    releaseReservation(reference: $reference, reason: $reason)
  }
`;

// Every call names its reservation by reference and inventory answers a repeat with the first outcome, so each
// may be sent again when its connection failed; the client never repeats one after a timeout.
const byReference = { idempotent: true } as const;
const releaseManyMutation = /* GraphQL */ `
  mutation OrdersReleaseReservations($references: [String!]!, $reason: ReleaseReason!) {
    releaseReservations(references: $references, reason: $reason)
  }
`;

export function createInventory(client: GraphQLClient): Inventory {
  return {
    async reserve(reference, lines, ttlSeconds) {
      const data = await client.request<{ reserveStock: { status: ReservationStatus } }>(
        reserveMutation,
        {
          input: {
            reference,
            ttlSeconds,
            lines: lines.map((line) => ({ productId: String(line.productId), quantity: line.quantity })),
          },
        },
        byReference,
      );
      return data.reserveStock.status;
    },
    async commit(reference) {
      const data = await client.request<{ commitReservation: boolean }>(commitMutation, { reference }, byReference);
      return data.commitReservation;
    },
    async release(reference, reason) {
      const data = await client.request<{ releaseReservation: boolean }>(releaseMutation, { reference, reason }, byReference);
      return data.releaseReservation;
    },
    async releaseMany(references, reason) {
      const data = await client.request<{ releaseReservations: number }>(releaseManyMutation, { references, reason }, byReference);
      return data.releaseReservations;
    },
  };
}
