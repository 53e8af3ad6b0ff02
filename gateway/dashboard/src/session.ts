export type Role = 'CUSTOMER' | 'ANALYST' | 'ADMIN';

export interface Session {
  readonly token: string;
  /** Epoch milliseconds after which the gateway refuses the token. */
  readonly expiresAt: number;
  readonly name: string;
  readonly role: Role;
}

// sessionStorage: the token lives as long as the tab, and other sites' scripts cannot read it.
const KEY = 'rtc.dashboard.session';

export const isStaffRole = (role: Role) => role === 'ANALYST' || role === 'ADMIN';

export function loadSession(now = Date.now()): Session | null {
  try {
    const raw = sessionStorage.getItem(KEY);
    if (!raw) return null;
    const session = JSON.parse(raw) as Session;
    if (typeof session.token !== 'string' || !(session.expiresAt > now) || !isStaffRole(session.role)) return null;
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
