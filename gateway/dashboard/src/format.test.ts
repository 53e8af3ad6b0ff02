import { describe, expect, it } from 'vitest';
import { formatChange, formatMoney, minorUnitsPerMajor } from './format';

describe('money formatting', () => {
  it('reads amounts as minor units of their currency', () => {
    expect(formatMoney({ amount: 123456, currency: 'USD' }, 'en-US')).toBe('$1,234.56');
    expect(formatMoney({ amount: 1500, currency: 'JPY' }, 'en-US')).toBe('¥1,500');
  });

  it('knows how many minor units make a major unit', () => {
    expect(minorUnitsPerMajor('EUR')).toBe(100);
    expect(minorUnitsPerMajor('JPY')).toBe(1);
    expect(minorUnitsPerMajor('KWD')).toBe(1000);
  });
});

describe('change formatting', () => {
  it('signs increases and decreases and shows a dash without a comparison', () => {
    expect(formatChange(0.125, 'en-US')).toBe('+12.5%');
    expect(formatChange(-0.03, 'en-US')).toBe('−3%');
    expect(formatChange(0, 'en-US')).toBe('0%');
    expect(formatChange(null, 'en-US')).toBe('—');
  });
});
