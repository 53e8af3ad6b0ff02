import type { ReservationStatus } from '../db/schema';
import type { ReservedLine } from './reserve-request';

/** A reservation with its lines, as the internal mutations return it. */
export interface ReservationRecord {
  readonly id: number;
  readonly reference: string;
  readonly status: ReservationStatus;
  readonly expiresAt: Date;
  readonly lines: readonly ReservedLine[];
}
