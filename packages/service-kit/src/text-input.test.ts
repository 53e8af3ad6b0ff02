import { describe, expect, it } from 'vitest';
import { errorCodeOf } from './errors';
import { refuseControlCharacters } from './text-input';

const codeOf = (check: () => unknown) => {
  try {
    check();
    return 'accepted';
  } catch (error) {
    return errorCodeOf(error);
  }
};

describe('refuseControlCharacters', () => {
  it('accepts names in any script, with accents and emoji', () => {
    for (const name of ['Grace Hopper', 'Zoë Ångström', '東京タワー', 'مرحبا', 'Teapot ☕️']) {
      expect(refuseControlCharacters('name', name)).toBe(name);
    }
  });

  it('refuses NUL, escape sequences, DEL and bidi overrides as BAD_USER_INPUT', () => {
    for (const name of ['a\u0000b', 'red\u001b[31m', 'x\u007f', 'gpj.\u202Eexe', 'c1\u0085']) {
      expect(codeOf(() => refuseControlCharacters('name', name))).toBe('BAD_USER_INPUT');
    }
  });

  it('allows line breaks and tabs only in multiline text', () => {
    expect(codeOf(() => refuseControlCharacters('name', 'two\nlines'))).toBe('BAD_USER_INPUT');
    expect(refuseControlCharacters('description', 'two\r\nlines\tand a tab', { multiline: true })).toBe('two\r\nlines\tand a tab');
    expect(codeOf(() => refuseControlCharacters('description', 'bell\u0007', { multiline: true }))).toBe('BAD_USER_INPUT');
  });
});
