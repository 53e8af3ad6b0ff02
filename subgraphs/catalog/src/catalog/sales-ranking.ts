import type { InternalClient } from '@rtc/service-kit';

/** Units ordered per product over a window, as `[productId, units]` pairs of the products that sold any. */
export type UnitsSold = readonly (readonly [productId: number, units: number])[];

export interface SalesWindow {
  readonly from: Date;
  readonly to: Date;
}

/** Where BEST_SELLING gets its figures: orders owns the sales. */
export interface SalesRanking {
  unitsSold(window: SalesWindow): Promise<UnitsSold>;
}

// Windows end on whole minutes and a closed window's figures never change: the last few are kept, so paging
// through a listing asks orders once per minute at most instead of once per page.
const cachedWindows = 4;

/** Orders' `units-sold` procedure, with the last few windows' answers kept. */
export function createSalesRanking(orders: InternalClient): SalesRanking {
  const answers = new Map<string, Promise<UnitsSold>>();
  return {
    unitsSold({ from, to }) {
      const key = `${from.toISOString()}/${to.toISOString()}`;
      const known = answers.get(key);
      if (known) return known;
      const answer = orders
        .call<{ products: UnitsSold }>('units-sold', { from: from.toISOString(), to: to.toISOString() }, { idempotent: true })
        .then((data) => data.products);
      answers.set(key, answer);
      // A failed call is not kept: the next page asks again.
      answer.catch(() => answers.delete(key));
      while (answers.size > cachedWindows) answers.delete(answers.keys().next().value!);
      return answer;
    },
  };
}
