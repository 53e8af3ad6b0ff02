import { describe, expect, it } from 'vitest';
import { signAccessToken } from '@rtc/service-kit';
import type { AccountStanding } from './account-standings';
import { createAuthenticator } from './authenticate';

const secret = 'a-test-secret-of-enough-length-0123456789';

// Accounts as the users subgraph would answer for them; the gateway-wide behaviour runs against the real one in the stack tests.
const accounts = new Map<string, AccountStanding>([
  ['1', { userId: '1', role: 'CUSTOMER', tokenVersion: 0, disabled: false }],
  ['2', { userId: '2', role: 'CUSTOMER', tokenVersion: 0, disabled: false }],
  ['7', { userId: '7', role: 'ANALYST', tokenVersion: 3, disabled: false }],
  ['8', { userId: '8', role: 'CUSTOMER', tokenVersion: 0, disabled: true }],
]);
const standings = async (userId: string) => accounts.get(userId) ?? null;
const authenticate = (authorization: string | undefined, jwtSecret = secret) => createAuthenticator({ jwtSecret, standings }).callerOf(authorization);
const unauthenticated = { extensions: { code: 'UNAUTHENTICATED' } };

describe('authenticate', () => {
  it('treats a request without a token as anonymous', async () => {
    await expect(authenticate(undefined)).resolves.toBeNull();
  });

  it('returns the caller of a valid token at the account version', async () => {
    const token = await signAccessToken({ userId: '7', role: 'ANALYST' }, secret, 60, 3);
    await expect(authenticate(`Bearer ${token}`)).resolves.toEqual({ userId: '7', role: 'ANALYST' });
  });

  it('refuses a token signed with another secret', async () => {
    const token = await signAccessToken({ userId: '7', role: 'ADMIN' }, 'another-secret-of-enough-length-987654', 60, 3);
    await expect(authenticate(`Bearer ${token}`)).rejects.toMatchObject(unauthenticated);
  });

  it('refuses an expired token and says so', async () => {
    const token = await signAccessToken({ userId: '7', role: 'CUSTOMER' }, secret, -10);
    await expect(authenticate(`Bearer ${token}`)).rejects.toMatchObject({ message: expect.stringContaining('expired'), extensions: { reason: 'expired' } });
  });

  it('refuses a malformed authorization header', async () => {
    await expect(authenticate('Basic abc')).rejects.toMatchObject(unauthenticated);
  });

  it('refuses a token issued before the account version moved on', async () => {
    const token = await signAccessToken({ userId: '7', role: 'ANALYST' }, secret, 60, 2);
    await expect(authenticate(`Bearer ${token}`)).rejects.toMatchObject({ message: expect.stringContaining('revoked'), ...unauthenticated });
  });

  it('reads the account again for a token newer than the cached standing, as after a password change', async () => {
    const reads: boolean[] = [];
    let version = 0;
    const lookup = async (userId: string, options?: { fresh?: boolean }) => {
      reads.push(options?.fresh ?? false);
      return { userId, role: 'CUSTOMER' as const, tokenVersion: options?.fresh ? version : 0, disabled: false };
    };
    version = 1;
    const token = await signAccessToken({ userId: '5', role: 'CUSTOMER' }, secret, 60, 1);
    await expect(createAuthenticator({ jwtSecret: secret, standings: lookup }).callerOf(`Bearer ${token}`)).resolves.toEqual({ userId: '5', role: 'CUSTOMER' });
    expect(reads).toEqual([false, true]);
    const older = await signAccessToken({ userId: '5', role: 'CUSTOMER' }, secret, 60, 0);
    version = 2;
    reads.length = 0;
    await expect(createAuthenticator({ jwtSecret: secret, standings: lookup }).callerOf(`Bearer ${older}`)).resolves.toEqual({ userId: '5', role: 'CUSTOMER' });
    // An older token is never a reason to read again: the cached standing already decides it (here, in its favour).
    expect(reads).toEqual([false]);
  });

  it('refuses a token whose role the account no longer has', async () => {
    const token = await signAccessToken({ userId: '7', role: 'ADMIN' }, secret, 60, 3);
    await expect(authenticate(`Bearer ${token}`)).rejects.toMatchObject(unauthenticated);
  });

  it('refuses the token of a disabled or deleted account', async () => {
    const disabled = await signAccessToken({ userId: '8', role: 'CUSTOMER' }, secret);
    const deleted = await signAccessToken({ userId: '404', role: 'CUSTOMER' }, secret);
    await expect(authenticate(`Bearer ${disabled}`)).rejects.toMatchObject({ message: expect.stringContaining('disabled'), ...unauthenticated });
    await expect(authenticate(`Bearer ${deleted}`)).rejects.toMatchObject({ message: expect.stringContaining('deleted'), ...unauthenticated });
  });

  it('answers 503 rather than letting a token through when accounts cannot be read', async () => {
    const failing = createAuthenticator({ jwtSecret: secret, standings: () => Promise.reject(new Error('users is down')) });
    const token = await signAccessToken({ userId: '1', role: 'CUSTOMER' }, secret);
    await expect(failing.callerOf(`Bearer ${token}`)).rejects.toMatchObject({ extensions: { http: { status: 503 } } });
  });

  it('remembers a verified token until it expires, and forgets the oldest past its bound', async () => {
    const authenticateOnce = createAuthenticator({ jwtSecret: secret, standings, maxRemembered: 1 });
    const first = await signAccessToken({ userId: '1', role: 'CUSTOMER' }, secret, 1);
    const second = await signAccessToken({ userId: '2', role: 'CUSTOMER' }, secret);
    await expect(authenticateOnce.callerOf(`Bearer ${first}`)).resolves.toEqual({ userId: '1', role: 'CUSTOMER' });
    await expect(authenticateOnce.callerOf(`Bearer ${second}`)).resolves.toEqual({ userId: '2', role: 'CUSTOMER' });
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    await expect(authenticateOnce.callerOf(`Bearer ${first}`)).rejects.toThrow('expired');
  });
});
