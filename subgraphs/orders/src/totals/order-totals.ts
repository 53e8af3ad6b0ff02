/**
 * An order's (or a cart's) money, broken down: total = subtotal + shipping + tax - discount, every part in minor
 * units of one currency. Each part comes from a small policy so that a store can swap its rules.
 */
export interface OrderTotals {
  /** Sum of the line totals. */
  readonly subtotal: number;
  readonly shipping: number;
  readonly tax: number;
  readonly discount: number;
  readonly total: number;
}

/** Where the order goes, as far as its prices care. Null when no address was given (a cart, an order without one). */
export interface Destination {
  /** ISO 3166-1 alpha-2. */
  readonly country: string;
}

/** What a shipment costs. */
export interface ShippingRule {
  shippingFor(subtotal: number, destination: Destination | null): number;
}

/** How much tax an amount carries where it goes. */
export interface TaxPolicy {
  taxFor(taxable: number, destination: Destination | null): number;
}

/** What comes off an order; never more than its subtotal. */
export interface DiscountPolicy {
  discountFor(subtotal: number): number;
}

export interface PricingPolicies {
  readonly shipping: ShippingRule;
  readonly tax: TaxPolicy;
  readonly discount: DiscountPolicy;
}

/** A flat fee per order, waived from `freeFrom` (subtotal, minor units) when set; an empty cart ships nothing. */
export function createFlatShippingRule({ fee, freeFrom }: { fee: number; freeFrom?: number | null | undefined }): ShippingRule {
  return {
    shippingFor: (subtotal) => (subtotal === 0 || (freeFrom !== null && freeFrom !== undefined && subtotal >= freeFrom) ? 0 : fee),
  };
}

/** Rates are parts per million (19% is 190000), so rates such as 8.875% stay exact. */
export const ratePartsPerMillion = 1_000_000;

/**
 * A rate per destination country, else `defaultRate` (also for no destination). Tax is taken on the goods after
 * discount (not on shipping) and rounded half up to the minor unit, in BigInt so that large orders stay exact.
 */
export function createCountryTaxPolicy({ rates, defaultRate }: { rates: ReadonlyMap<string, number>; defaultRate: number }): TaxPolicy {
  return {
    taxFor(taxable, destination) {
      const rate = (destination && rates.get(destination.country)) ?? defaultRate;
      if (rate === 0 || taxable <= 0) return 0;
      const million = BigInt(ratePartsPerMillion);
      return Number((BigInt(taxable) * BigInt(rate) + million / 2n) / million);
    },
  };
}

/** No discounts yet: the seam where coupons or promotions plug in. */
export const noDiscount: DiscountPolicy = { discountFor: () => 0 };

/** Breaks down the money of lines worth `subtotal` going to `destination`. */
export function computeTotals(subtotal: number, destination: Destination | null, policies: PricingPolicies): OrderTotals {
  const discount = Math.min(subtotal, Math.max(0, policies.discount.discountFor(subtotal)));
  const shipping = policies.shipping.shippingFor(subtotal, destination);
  const tax = policies.tax.taxFor(subtotal - discount, destination);
  return { subtotal, shipping, tax, discount, total: subtotal + shipping + tax - discount };
}

/**
 * Reads `TAX_RATES`: `DE:19,FR:20,US:8.875` style pairs of a two-letter country and a percentage with up to four
 * decimals. Throws with the pair at fault.
 */
export function parseTaxRates(text: string): Map<string, number> {
  const rates = new Map<string, number>();
  for (const pair of text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length > 0)) {
    const match = /^([A-Za-z]{2})\s*:\s*(\d{1,3}(?:\.\d{1,4})?)$/.exec(pair);
    if (!match) throw new Error(`"${pair}" is not COUNTRY:PERCENT, e.g. DE:19`);
    rates.set(match[1]!.toUpperCase(), parsePercent(match[2]!));
  }
  return rates;
}

/** A percentage such as "8.875" as parts per million, exactly (no float arithmetic). */
export function parsePercent(text: string): number {
  const match = /^(\d{1,3})(?:\.(\d{1,4}))?$/.exec(text.trim());
  if (!match) throw new Error(`"${text}" is not a percentage such as 19 or 8.875`);
  const rate = Number(match[1]) * 10_000 + Number((match[2] ?? '').padEnd(4, '0'));
  if (rate > ratePartsPerMillion) throw new Error(`"${text}" is over 100%`);
  return rate;
}

/** The store's pricing rules as configured (env `SHIPPING_FLAT_FEE`, `SHIPPING_FREE_FROM`, `TAX_RATES`, `TAX_DEFAULT_RATE`). */
export interface PricingConfig {
  /** Minor units per order; default 0. */
  readonly shippingFee?: number;
  /** Subtotal (minor units) from which shipping is free; null or absent: never. */
  readonly shippingFreeFrom?: number | null;
  /** Parts per million per ISO country code. */
  readonly taxRates?: ReadonlyMap<string, number>;
  /** Parts per million where no country rate applies; default 0. */
  readonly defaultTaxRate?: number;
}

/** The policies of a configuration; every part left out charges nothing, so totals equal subtotals by default. */
export function createPricingPolicies(config: PricingConfig = {}): PricingPolicies {
  return {
    shipping: createFlatShippingRule({ fee: config.shippingFee ?? 0, freeFrom: config.shippingFreeFrom ?? null }),
    tax: createCountryTaxPolicy({ rates: config.taxRates ?? new Map(), defaultRate: config.defaultTaxRate ?? 0 }),
    discount: noDiscount,
  };
}
