import { randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import pLimit from 'p-limit';
import { serverBusy } from '@rtc/service-kit';

// argon2id with OWASP's minimum: 19 MiB, 2 passes, 1 lane.
const options = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/** One hash outside any queue, for seeding and tests. */
export function hashPassword(password: string): Promise<string> {
  return hash(password, options);
}

export interface PasswordHashingLimits {
  /** Hashes computed at once; each holds 19 MiB while it runs. */
  readonly concurrency: number;
  /** Hashes waiting for a slot; beyond this a request is refused with 503 SERVER_BUSY instead of queueing memory. */
  readonly maxQueued: number;
}

export const defaultPasswordHashingLimits: PasswordHashingLimits = { concurrency: 4, maxQueued: 64 };

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /** Checks `password` against `passwordHash`; with no hash (unknown account) it does the same work and answers false. */
  verify(passwordHash: string | undefined, password: string): Promise<boolean>;
}

/** argon2id behind a bounded queue, so a burst of log-ins or sign-ups cannot take all the memory. */
export function createPasswordHasher(limits: PasswordHashingLimits = defaultPasswordHashingLimits): PasswordHasher {
  const slots = pLimit(limits.concurrency);
  const run = <T>(work: () => Promise<T>): Promise<T> => {
    if (slots.pendingCount >= limits.maxQueued) return Promise.reject(serverBusy());
    return slots(work);
  };
  // A hash of a random secret nobody knows: verifying against it costs what verifying a real account costs.
  const decoy = hashPassword(randomBytes(32).toString('hex'));

  return {
    hash: (password) => run(() => hashPassword(password)),
    async verify(passwordHash, password) {
      const target = passwordHash ?? (await decoy);
      const matches = await run(() => verify(target, password).catch(() => false));
      return matches && passwordHash !== undefined;
    },
  };
}
