import { Kind } from 'graphql';
import { describe, expect, it } from 'vitest';
import { errorCodeOf } from './errors';
import { DateTimeScalar, SafeIntScalar } from './scalars';

const codeOfParsing = (parse: () => unknown): string | undefined => {
  try {
    parse();
  } catch (error) {
    return errorCodeOf(error);
  }
  return 'parsed';
};

describe('DateTime', () => {
  it('reads RFC 3339 instants with an offset as UTC', () => {
    expect(DateTimeScalar.parseValue('2026-11-25T18:00:00.123+02:00')).toEqual(new Date('2026-11-25T16:00:00.123Z'));
  });

  it('refuses "1" instead of reading it as 2001-01-01', () => {
    expect(codeOfParsing(() => DateTimeScalar.parseValue('1'))).toBe('BAD_USER_INPUT');
    expect(codeOfParsing(() => DateTimeScalar.parseLiteral({ kind: Kind.STRING, value: '1' }))).toBe('BAD_USER_INPUT');
  });

  it('refuses impossible days, numbers and free text as BAD_USER_INPUT', () => {
    for (const value of ['2026-02-30T00:00:00Z', 'yesterday', 1_700_000_000_000, true]) {
      expect(codeOfParsing(() => DateTimeScalar.parseValue(value))).toBe('BAD_USER_INPUT');
    }
  });

  it('serves instants in UTC with milliseconds', () => {
    expect(DateTimeScalar.serialize(new Date(Date.UTC(2026, 10, 25, 18)))).toBe('2026-11-25T18:00:00.000Z');
  });
});

describe('SafeInt', () => {
  it('holds sums of minor units beyond 32 bits', () => {
    expect(SafeIntScalar.serialize(2 ** 40)).toBe(2 ** 40);
    expect(SafeIntScalar.parseValue(Number.MAX_SAFE_INTEGER)).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('refuses fractions, strings and unsafe integers as BAD_USER_INPUT', () => {
    for (const value of [1.5, '3', 2 ** 53]) {
      expect(codeOfParsing(() => SafeIntScalar.parseValue(value))).toBe('BAD_USER_INPUT');
    }
  });
});
