/** Waits on state that event handlers change: `notify()` after each change wakes every `waitFor` to look again. */
export interface ChangeSignal {
  notify(): void;
  /** Resolves with `ready()`'s first defined value, or with `onTimeout` after `timeoutMs`. */
  waitFor<T>(ready: () => T | undefined, timeoutMs: number, onTimeout: T): Promise<T>;
}

export function createChangeSignal(): ChangeSignal {
  const listeners = new Set<() => void>();
  return {
    notify: () => listeners.forEach((listener) => listener()),
    waitFor: <T>(ready: () => T | undefined, timeoutMs: number, onTimeout: T) =>
      new Promise<T>((done) => {
        const check = () => {
          const value = ready();
          if (value === undefined) return;
          listeners.delete(check);
          clearTimeout(timer);
          done(value);
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          done(onTimeout);
        }, timeoutMs);
        listeners.add(check);
        check();
      }),
  };
}
