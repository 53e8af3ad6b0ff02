import { describe, expect, it } from 'vitest';
import { errorCodeOf } from '@rtc/service-kit';
import { createPasswordHasher, hashPassword } from './password';

describe('password hasher', () => {
  it('verifies the right password and refuses a wrong one', async () => {
    const hasher = createPasswordHasher();
    const hash = await hasher.hash('correct horse battery');
    await expect(hasher.verify(hash, 'correct horse battery')).resolves.toBe(true);
    await expect(hasher.verify(hash, 'wrong horse battery')).resolves.toBe(false);
  });

  it('answers false for an account that does not exist, whatever the password', async () => {
    await expect(createPasswordHasher().verify(undefined, '')).resolves.toBe(false);
  });

  it('refuses with SERVER_BUSY instead of queueing hashes past its limit', async () => {
    const hasher = createPasswordHasher({ concurrency: 1, maxQueued: 2 });
    const hash = await hashPassword('correct horse battery');
    const outcomes = await Promise.allSettled(Array.from({ length: 10 }, () => hasher.verify(hash, 'correct horse battery')));
    const refused = outcomes.filter((outcome) => outcome.status === 'rejected');
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled' && outcome.value)).toHaveLength(3);
    expect(refused.map((outcome) => errorCodeOf((outcome as PromiseRejectedResult).reason))).toEqual(Array(7).fill('SERVER_BUSY'));
  });
});
