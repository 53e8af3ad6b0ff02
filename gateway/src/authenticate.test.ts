import { describe, expect, it } from 'vitest';
import { signAccessToken } from '@rtc/service-kit';
import { createAuthenticator } from './authenticate';

const secret = 'a-test-secret-of-enough-length-0123456789';
const authenticate = (authorization: string | undefined, jwtSecret: string) => createAuthenticator(jwtSecret)(authorization);

describe('authenticate', () => {
  it('treats a request without a token as anonymous', async () => {
    await expect(authenticate(undefined, secret)).resolves.toBeNull();
  });

  it('returns the caller of a valid token', async () => {
    const token = await signAccessToken({ userId: '7', role: 'ANALYST' }, secret);
    await expect(authenticate(`Bearer ${token}`, secret)).resolves.toEqual({ userId: '7', role: 'ANALYST' });
  });

  it('refuses a token signed with another secret', async () => {
    const token = await signAccessToken({ userId: '7', role: 'ADMIN' }, 'another-secret-of-enough-length-987654');
    await expect(authenticate(`Bearer ${token}`, secret)).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
  });

  it('refuses an expired token and says so', async () => {
    const token = await signAccessToken({ userId: '7', role: 'CUSTOMER' }, secret, -10);
    await expect(authenticate(`Bearer ${token}`, secret)).rejects.toThrow('expired');
  });

  it('refuses a malformed authorization header', async () => {
    await expect(authenticate('Basic abc', secret)).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
  });

  it('remembers a verified token until it expires, and forgets the oldest past its bound', async () => {
    const authenticateOnce = createAuthenticator(secret, { maxRemembered: 1 });
    const first = await signAccessToken({ userId: '1', role: 'CUSTOMER' }, secret, 1);
    const second = await signAccessToken({ userId: '2', role: 'CUSTOMER' }, secret);
    await expect(authenticateOnce(`Bearer ${first}`)).resolves.toEqual({ userId: '1', role: 'CUSTOMER' });
    await expect(authenticateOnce(`Bearer ${second}`)).resolves.toEqual({ userId: '2', role: 'CUSTOMER' });
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    await expect(authenticateOnce(`Bearer ${first}`)).rejects.toThrow('expired');
  });
});
