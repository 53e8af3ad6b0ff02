import { describe, expect, it } from 'vitest';
import { errorCodeOf } from './errors';
import { refuseControlCharacters } from './text-input';

describe('refuseControlCharacters', () => {
  it('keeps names in any script, with punctuation and emoji', () => {
    for (const name of ["Robert'); DROP TABLE users; --", 'Zoë Åkesson', '山田 太郎', 'Mug ☕']) expect(refuseControlCharacters('name', name)).toBe(name);
  });

  it.each(['Ada\u0000Lovelace', '\u001b[2J', 'two\nlines', 'tab\there', 'bell\u0007', 'c1\u0085'])('refuses %j with BAD_USER_INPUT', (text) => {
    expect(() => refuseControlCharacters('name', text)).toThrow('name: must not contain control characters');
    try {
      refuseControlCharacters('name', text);
    } catch (error) {
      expect(errorCodeOf(error)).toBe('BAD_USER_INPUT');
    }
  });
});
