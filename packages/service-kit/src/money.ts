/** An amount in minor units (cents) of an ISO 4217 currency; never a float. */
export interface Money {
  readonly amount: number;
  readonly currency: string;
}

export function money(amount: number, currency: string): Money {
  if (!Number.isSafeInteger(amount)) throw new RangeError(`money amount must be an integer of minor units, got ${amount}`);
  return { amount, currency };
}

export function sumMoney(items: readonly Money[], currency: string): Money {
  let amount = 0;
  for (const item of items) {
    if (item.currency !== currency) throw new RangeError(`cannot add ${item.currency} to ${currency}`);
    amount += item.amount;
  }
  return money(amount, currency);
}
