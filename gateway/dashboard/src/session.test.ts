import { describe, expect, it } from 'vitest';
import { isUsable, renewalDue, sessionFrom, type Session } from './session';

const now = Date.parse('2026-03-01T12:00:00Z');
const session: Session = sessionFrom({
  token: 'access',
  expiresAt: new Date(now + 15 * 60_000).toISOString(),
  refreshToken: 'refresh',
  refreshExpiresAt: new Date(now + 30 * 86_400_000).toISOString(),
  user: { name: 'Ada', role: 'ANALYST' },
  errors: [],
});

describe('dashboard session', () => {
  it("throws a payload's typed failure with its code, as a GraphQL error's", () => {
    const refused = () =>
      sessionFrom({
        token: null,
        expiresAt: null,
        refreshToken: null,
        refreshExpiresAt: null,
        user: null,
        errors: [{ code: 'UNAUTHENTICATED', message: 'Email or password is wrong' }],
      });
    expect(refused).toThrow(expect.objectContaining({ code: 'UNAUTHENTICATED', unauthenticated: true }));
  });

  it('renews a minute before the access token lapses, not earlier', () => {
    expect(renewalDue(session, now)).toBe(false);
    expect(renewalDue(session, now + 14 * 60_000)).toBe(true);
  });

  it('stays usable after the access token lapsed while the refresh token lives', () => {
    expect(isUsable(session, now + 60 * 60_000)).toBe(true);
    expect(isUsable(session, now + 31 * 86_400_000)).toBe(false);
  });

  it('never renews a session saved without a refresh token, and ends it with its access token', () => {
    const legacy: Session = { token: 'access', expiresAt: now + 60_000, name: 'Ada', role: 'ADMIN' };
    expect(renewalDue(legacy, now + 59_000)).toBe(false);
    expect(isUsable(legacy, now + 61_000)).toBe(false);
  });
});
