import type { RunOperation } from './gateway-client';
import { logIn, type LogInData } from './operations';

// Log in again this long before a token expires, so no request goes out with a token about to lapse.
const RENEW_BEFORE_MS = 30_000;

export class LogInError extends Error {}

/** Access tokens per account, logged in on first use and again when they near expiry or are refused. */
export function createSessions(run: RunOperation, now: () => number = Date.now) {
  const tokens = new Map<string, Promise<{ token: string; expiresAt: number }>>();

  const logInAs = async (email: string, password: string) => {
    const result = await run<LogInData>(logIn, { input: { email, password } });
    if (!result.ok) throw new LogInError(`${email} could not log in: ${result.error.code} ${result.error.message}`);
    return { token: result.data.logIn.token, expiresAt: Date.parse(result.data.logIn.expiresAt) };
  };

  return {
    async tokenFor(email: string, password: string): Promise<string> {
      let session = tokens.get(email);
      if (session) {
        const known = await session.catch(() => null);
        if (!known || known.expiresAt - RENEW_BEFORE_MS <= now()) session = undefined;
      }
      if (!session) {
        session = logInAs(email, password);
        tokens.set(email, session);
        session.catch(() => tokens.delete(email));
      }
      return (await session).token;
    },
    /** Drops a token the gateway refused; the next use logs in again. */
    forget(email: string): void {
      tokens.delete(email);
    },
  };
}

export type Sessions = ReturnType<typeof createSessions>;
