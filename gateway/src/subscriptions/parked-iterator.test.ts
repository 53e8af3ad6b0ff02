import { describe, expect, it, vi } from 'vitest';
import { createParkedIterator } from './parked-iterator';

describe('the parked iterator', () => {
  it('yields nothing and ends when returned, calling onClose once', async () => {
    const onClose = vi.fn();
    const iterator = createParkedIterator<number>(onClose);
    const pending = iterator.next();
    await iterator.return!();
    await iterator.return!();
    expect(await pending).toEqual({ value: undefined, done: true });
    expect(await iterator.next()).toEqual({ value: undefined, done: true });
    expect(onClose).toHaveBeenCalledTimes(1);
  });
});
