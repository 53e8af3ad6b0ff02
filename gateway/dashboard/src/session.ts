import { GraphQLRequestError } from './api/graphql-http';
import type { AuthPayload } from './api/operations';

export type Role = 'CUSTOMER' | 'ANALYST' | 'ADMIN';

export interface Session {
  readonly token: string;
  /** Epoch milliseconds after which the gateway refuses the token. */
  readonly expiresAt: number;
  /** Exchanged for a new pair shortly before `expiresAt`; absent in sessions saved before refresh tokens existed. */
  readonly refreshToken?: string;
  readonly refreshExpiresAt?: number;
  readonly name: string;
  readonly role: Role;
}

// sessionStorage: the token lives as long as the tab, and other sites' scripts cannot read it.
const KEY = 'rtc.dashboard.session';

// Renew this long before the access token lapses, so no request or socket ever carries an expired one.
const RENEW_BEFORE_MS = 60_000;

export const isStaffRole = (role: Role) => role === 'ANALYST' || role === 'ADMIN';

/** The session a payload carries; its typed failure (e.g. UNAUTHENTICATED for a wrong password) is thrown like a GraphQL error's code. */
export function sessionFrom(payload: AuthPayload): Session {
  const [failure] = payload.errors;
  if (failure || !payload.token || !payload.expiresAt || !payload.refreshToken || !payload.refreshExpiresAt || !payload.user) {
    throw new GraphQLRequestError(failure?.message ?? 'No session was issued', failure?.code);
  }
  return {
    token: payload.token,
    expiresAt: Date.parse(payload.expiresAt),
    refreshToken: payload.refreshToken,
    refreshExpiresAt: Date.parse(payload.refreshExpiresAt),
    name: payload.user.name,
    role: payload.user.role,
  };
}

/** The session can still be used: its access token is valid, or its refresh token can get a new one. */
export function isUsable(session: Session, now: number): boolean {
  return session.expiresAt > now || (session.refreshToken !== undefined && (session.refreshExpiresAt ?? 0) > now);
}

/** Time to exchange the refresh token for a new pair. */
export function renewalDue(session: Session, now: number): boolean {
  return session.refreshToken !== undefined && session.expiresAt - RENEW_BEFORE_MS <= now;
}

export function loadSession(now = Date.now()): Session | null {
  try {
    const raw = sessionStorage.getItem(KEY);
    if (!raw) return null;
    const session = JSON.parse(raw) as Session;
    if (typeof session.token !== 'string' || !isUsable(session, now) || !isStaffRole(session.role)) return null;
    return session;
  } catch {
    return null;
  }
}

export function saveSession(session: Session): void {
  sessionStorage.setItem(KEY, JSON.stringify(session));
}

export function clearSession(): void {
  sessionStorage.removeItem(KEY);
}
