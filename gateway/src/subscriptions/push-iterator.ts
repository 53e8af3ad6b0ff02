/** An async iterator fed by push(); return() (the client completed or left) runs onClose once. */
export interface PushIterator<T> extends AsyncIterableIterator<T> {
  push(value: T): void;
}

export function createPushIterator<T>(onClose: () => void, maxQueued = 1_000): PushIterator<T> {
  const queue: T[] = [];
  let waiting: ((result: IteratorResult<T>) => void) | undefined;
  let done = false;

  const finish = (): Promise<IteratorResult<T>> => {
    if (!done) {
      done = true;
      queue.length = 0;
      waiting?.({ value: undefined, done: true });
      waiting = undefined;
      onClose();
    }
    return Promise.resolve({ value: undefined, done: true });
  };

  return {
    push(value) {
      if (done) return;
      if (waiting) {
        const resolve = waiting;
        waiting = undefined;
        resolve({ value, done: false });
        return;
      }
      // A subscriber that cannot keep up loses its oldest updates rather than growing without bound.
      if (queue.length >= maxQueued) queue.shift();
      queue.push(value);
    },
    next() {
      if (queue.length > 0) return Promise.resolve({ value: queue.shift() as T, done: false });
      if (done) return Promise.resolve({ value: undefined, done: true });
      return new Promise((resolve) => (waiting = resolve));
    },
    return: finish,
    throw(error?: unknown) {
      void finish();
      return Promise.reject(error);
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
