import { describe, expect, it } from 'vitest';
import { signAccessToken } from '@rtc/service-kit';
import { authenticate } from './authenticate';

const secret = 'a-test-secret-of-enough-length-0123456789';

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
});
