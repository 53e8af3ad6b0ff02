import { describe, expect, it } from 'vitest';
import { formatSideRows, rowProblems } from './checkout-rows';

const complete = { orders: 10, orderLines: 27, orderPlacedEvents: 10, reservations: 10, reservationLines: 27, ledgerRows: 27, intentsLeft: 0 };

describe('checkout rows', () => {
  it('finds nothing wrong when every order has its event, reservation, reserved lines and ledger rows and claimed its intent', () => {
    expect(rowProblems(complete)).toEqual([]);
  });

  it('names each kind of row a side left out', () => {
    expect(rowProblems({ ...complete, orderPlacedEvents: 9, ledgerRows: 20 })).toEqual([
      '9 OrderPlaced events for 10 orders',
      '20 ledger rows for 27 order lines',
    ]);
    expect(rowProblems({ ...complete, reservations: 11, reservationLines: 26 })).toEqual([
      '11 reservations for 10 orders',
      '26 reserved lines for 27 order lines',
    ]);
  });

  it('names the checkout intents that placed orders did not claim', () => {
    expect(rowProblems({ ...complete, intentsLeft: 3 })).toEqual(['3 checkout intents left by placed orders']);
  });

  it('prints rows per order', () => {
    expect(formatSideRows('raw 1-tx', complete)).toBe(
      'raw 1-tx     10 orders; per order 2.70 lines, 1.00 OrderPlaced, 1.00 reservation, 2.70 reserved lines, 2.70 ledger rows, 0 intents left',
    );
  });
});
