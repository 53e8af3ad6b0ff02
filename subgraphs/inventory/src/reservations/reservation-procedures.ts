import { z } from 'zod';
import { defineInternalProcedure } from '@rtc/service-kit';
import { releaseReasons } from '../db/schema';
import { MAX_RELEASE_BATCH, MAX_RESERVATION_LINES } from './reserve-request';
import type { Reservations } from './reservations';
import { toReleaseBatch } from './reserve-request';

// Internal calls carry no user; the ledger records that a service moved the stock, as the GraphQL mutations do.
const serviceActor = 'service';

const reference = z.string().max(100);
const reason = z.enum(releaseReasons);

const reserveInput = z.object({
  reference,
  lines: z
    .array(z.object({ productId: z.string().max(32), variantId: z.string().max(32).nullish(), quantity: z.number().int() }))
    .min(1)
    .max(MAX_RESERVATION_LINES),
  ttlSeconds: z.number().int().nullish(),
});

/**
 * The reservation calls of the orders service (the internal twins of reserveStock, commitReservation,
 * releaseReservation and releaseReservations), with the same rules: the argument checks of toReserveRequest and
 * toReleaseBatch run on what the shapes admit.
 */
export function createReservationProcedures(reservations: Reservations) {
  return [
    defineInternalProcedure({
      name: 'reserve-stock',
      input: reserveInput,
      async run(input) {
        const { reference: reserved, status } = await reservations.reserve(input, serviceActor);
        return { reference: reserved, status };
      },
    }),
    defineInternalProcedure({
      name: 'commit-reservation',
      input: z.object({ reference }),
      run: ({ reference: given }) => reservations.commit(given, serviceActor),
    }),
    defineInternalProcedure({
      name: 'release-reservation',
      input: z.object({ reference, reason }),
      run: ({ reference: given, reason: why }) => reservations.release(given, why, serviceActor),
    }),
    defineInternalProcedure({
      name: 'release-reservations',
      input: z.object({ references: z.array(reference).max(MAX_RELEASE_BATCH), reason }),
      run: ({ references, reason: why }) => reservations.releaseMany(toReleaseBatch(references), why, serviceActor, { barUnknown: why === 'FAILED' }),
    }),
  ];
}
