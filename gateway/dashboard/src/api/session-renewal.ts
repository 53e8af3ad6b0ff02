import { isUsable, renewalDue, saveSession, sessionFrom, type Session } from '../session';
import { GraphQLRequestError, type RequestGraphQL } from './graphql-http';
import { refreshSessionMutation } from './operations';

export interface SessionRenewalOptions {
  readonly initial: Session;
  /** Posts without a token: an expired access token would get the refresh refused. */
  readonly requestWithoutToken: RequestGraphQL;
  /** A new access token is in place: reconnect the socket so it carries the new one. */
  readonly onRenewed: (session: Session) => void;
  /** The session cannot go on (refresh token refused or lapsed). */
  readonly onEnded: () => void;
}

/** Exchanges `refreshToken` for a new session and saves it. */
export async function refreshSession(requestWithoutToken: RequestGraphQL, refreshToken: string): Promise<Session> {
  const { refreshSession: payload } = await requestWithoutToken(refreshSessionMutation, { input: { refreshToken } });
  const session = sessionFrom(payload);
  saveSession(session);
  return session;
}

/** Keeps the dashboard's session alive: exchanges the refresh token for a new pair a minute before the access token lapses. */
export function createSessionRenewal({ initial, requestWithoutToken, onRenewed, onEnded }: SessionRenewalOptions) {
  let session = initial;
  let renewing = false;

  const renew = async (refreshToken: string) => {
    renewing = true;
    try {
      session = await refreshSession(requestWithoutToken, refreshToken);
      onRenewed(session);
    } catch (error) {
      // A network blip is retried on the next tick; a refused refresh token ends the session.
      if (error instanceof GraphQLRequestError && error.unauthenticated) onEnded();
    } finally {
      renewing = false;
    }
  };

  return {
    get session(): Session {
      return session;
    },
    /** Called every second. */
    tick(now: number): void {
      if (!isUsable(session, now)) {
        onEnded();
        return;
      }
      if (!renewing && session.refreshToken && renewalDue(session, now)) void renew(session.refreshToken);
    },
  };
}
