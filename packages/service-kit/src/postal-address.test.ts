import { describe, expect, it } from 'vitest';
import { GraphQLError } from 'graphql';
import { validatePostalAddress } from './postal-address';

const address = { name: ' Ada Lovelace ', line1: '12 St James Square', city: 'London', postalCode: 'SW1Y 4JH', country: 'gb' };

function refusal(run: () => unknown): { code: unknown; argumentName: unknown } {
  try {
    run();
  } catch (error) {
    if (error instanceof GraphQLError) return { code: error.extensions['code'], argumentName: error.extensions['argumentName'] };
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('validatePostalAddress', () => {
  it('trims the parts, upper-cases the country and turns blank optional parts into null', () => {
    expect(validatePostalAddress({ ...address, line2: '  ', region: null }, 'input.address')).toEqual({
      name: 'Ada Lovelace',
      line1: '12 St James Square',
      line2: null,
      city: 'London',
      region: null,
      postalCode: 'SW1Y 4JH',
      country: 'GB',
      phone: null,
    });
  });

  it('names the field at fault', () => {
    expect(refusal(() => validatePostalAddress({ ...address, country: 'GBR' }, 'input.address'))).toEqual({
      code: 'BAD_USER_INPUT',
      argumentName: 'input.address.country',
    });
    expect(refusal(() => validatePostalAddress({ ...address, city: ' ' }, 'input'))).toMatchObject({ argumentName: 'input.city' });
    expect(refusal(() => validatePostalAddress({ ...address, name: 'x'.repeat(101) }, 'input'))).toMatchObject({ argumentName: 'input.name' });
    expect(refusal(() => validatePostalAddress({ ...address, line1: 'Main St\u202E' }, 'input'))).toMatchObject({ argumentName: 'input.line1' });
    expect(refusal(() => validatePostalAddress({ ...address, phone: 'call me' }, 'input'))).toMatchObject({ argumentName: 'input.phone' });
  });
});
