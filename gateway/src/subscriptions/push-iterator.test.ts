import { describe, expect, it, vi } from 'vitest';
import { createPushIterator } from './push-iterator';

describe('push iterator', () => {
  it('delivers pushed values in order, to a waiting reader too', async () => {
    const iterator = createPushIterator<number>(() => undefined);
    const first = iterator.next();
    iterator.push(1);
    iterator.push(2);
    expect(await first).toEqual({ value: 1, done: false });
    expect(await iterator.next()).toEqual({ value: 2, done: false });
  });

  it('runs onClose once when the reader returns, and ignores later pushes', async () => {
    const onClose = vi.fn();
    const iterator = createPushIterator<number>(onClose);
    const pending = iterator.next();
    await iterator.return!();
    await iterator.return!();
    iterator.push(3);
    expect(await pending).toEqual({ value: undefined, done: true });
    expect(onClose).toHaveBeenCalledTimes(1);
  });

  it('drops the oldest values of a reader that does not keep up', async () => {
    const iterator = createPushIterator<number>(() => undefined, 2);
    iterator.push(1);
    iterator.push(2);
    iterator.push(3);
    expect((await iterator.next()).value).toBe(2);
  });
});
