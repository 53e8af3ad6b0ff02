import { describe, expect, it } from 'vitest';
import { computeTotals, createCountryTaxPolicy, createFlatShippingRule, noDiscount, parsePercent, parseTaxRates, type PricingPolicies } from './order-totals';

const policies: PricingPolicies = {
  shipping: createFlatShippingRule({ fee: 495, freeFrom: 5_000 }),
  tax: createCountryTaxPolicy({ rates: parseTaxRates('DE:19, US:8.875'), defaultRate: parsePercent('20') }),
  discount: noDiscount,
};

describe('order totals', () => {
  it('adds shipping below the free threshold and none from it', () => {
    expect(computeTotals(4_999, { country: 'DE' }, policies)).toMatchObject({ shipping: 495 });
    expect(computeTotals(5_000, { country: 'DE' }, policies)).toMatchObject({ shipping: 0 });
    expect(computeTotals(0, null, policies)).toEqual({ subtotal: 0, shipping: 0, tax: 0, discount: 0, total: 0 });
  });

  it('taxes the goods at the destination country rate, else the default, rounding half up to the minor unit', () => {
    // 1,999 x 19% = 379.81 -> 380; 1,000 x 8.875% = 88.75 -> 89; 1,001 x 8.875% = 88.83875 -> 89; 10 x 20% = 2.
    expect(computeTotals(1_999, { country: 'DE' }, policies)).toEqual({ subtotal: 1_999, shipping: 495, tax: 380, discount: 0, total: 2_874 });
    expect(computeTotals(1_000, { country: 'US' }, policies).tax).toBe(89);
    expect(computeTotals(1_001, { country: 'US' }, policies).tax).toBe(89);
    expect(computeTotals(10, null, policies).tax).toBe(2);
    expect(computeTotals(10, { country: 'FR' }, policies).tax).toBe(2);
    // Exactly half a minor unit rounds up: 50 x 19% = 9.5 -> 10.
    expect(computeTotals(50, { country: 'DE' }, policies).tax).toBe(10);
  });

  it('stays exact on totals too large for floating-point tax arithmetic', () => {
    const subtotal = 50 * 100 * 2_147_483_647;
    const { tax } = computeTotals(subtotal, { country: 'US' }, policies);
    expect(BigInt(tax)).toBe((BigInt(subtotal) * 88_750n + 500_000n) / 1_000_000n);
  });

  it('takes a discount off before tax, never more than the subtotal, and keeps total = subtotal + shipping + tax - discount', () => {
    const halfOff: PricingPolicies = { ...policies, discount: { discountFor: (subtotal) => subtotal * 2 } };
    expect(computeTotals(1_000, { country: 'DE' }, halfOff)).toEqual({ subtotal: 1_000, shipping: 495, tax: 0, discount: 1_000, total: 495 });
    const tenOff: PricingPolicies = { ...policies, discount: { discountFor: () => 100 } };
    for (const subtotal of [1, 99, 1_234, 4_999, 5_000, 123_457]) {
      for (const destination of [null, { country: 'DE' }, { country: 'US' }]) {
        const totals = computeTotals(subtotal, destination, tenOff);
        expect(totals.total).toBe(totals.subtotal + totals.shipping + totals.tax - totals.discount);
        expect(Number.isInteger(totals.tax)).toBe(true);
      }
    }
  });

  it('reads rates as exact parts per million and refuses what it cannot read', () => {
    expect([...parseTaxRates('de:19,US:8.875, GB:0')]).toEqual([
      ['DE', 190_000],
      ['US', 88_750],
      ['GB', 0],
    ]);
    expect(parseTaxRates('')).toEqual(new Map());
    expect(() => parseTaxRates('Germany:19')).toThrow(/COUNTRY:PERCENT/);
    expect(() => parsePercent('101')).toThrow(/over 100%/);
    expect(() => parsePercent('0.12345')).toThrow();
  });
});
