import { describe, expect, it } from 'vitest';
import { firstFreeHandle, handleFromName, parseHandle } from './handles';

describe('product handles', () => {
  it('derives a handle from the name, or "product" when nothing of it can be kept', () => {
    expect(handleFromName('  Amber Lamp — Large ')).toBe('amber-lamp-large');
    expect(handleFromName('Café Crème')).toBe('cafe-creme');
    expect(handleFromName('!!!')).toBe('product');
    expect(handleFromName('x'.repeat(300)).length).toBeLessThanOrEqual(188);
  });

  it('numbers a derived handle from 2 when it is taken', () => {
    expect(firstFreeHandle('amber-lamp', new Set())).toBe('amber-lamp');
    expect(firstFreeHandle('amber-lamp', new Set(['amber-lamp', 'amber-lamp-2', 'amber-lamp-large']))).toBe('amber-lamp-3');
  });

  it('refuses a handle outside lower-case words joined by single dashes', () => {
    expect(parseHandle('input.handle', ' ok-42 ')).toBe('ok-42');
    for (const bad of ['', 'Upper', 'two--dashes', 'trailing-', 'spa ce', 'é']) {
      expect(() => parseHandle('input.handle', bad)).toThrow(/^input\.handle: /);
    }
  });
});
