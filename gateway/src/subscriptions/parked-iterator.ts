/**
 * The async iterator graphql-ws holds for a live subscription. Updates bypass it (the hub writes each group's
 * serialized result straight to the sockets), so it never yields; it only tells the hub when the client
 * completes or leaves, through onClose, exactly once.
 */
export function createParkedIterator<T>(onClose: () => void): AsyncIterableIterator<T> {
  let release: ((result: IteratorResult<T>) => void) | undefined;
  let done = false;
  const finish = (): Promise<IteratorResult<T>> => {
    if (!done) {
      done = true;
      release?.({ value: undefined, done: true });
      onClose();
    }
    return Promise.resolve({ value: undefined, done: true });
  };
  return {
    next: () => (done ? Promise.resolve({ value: undefined, done: true }) : new Promise((resolve) => (release = resolve))),
    return: finish,
    throw: (error?: unknown) => finish().then(() => Promise.reject(error)),
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
