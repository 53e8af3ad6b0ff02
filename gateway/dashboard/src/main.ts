import { createGraphQLHttp, GraphQLRequestError } from './api/graphql-http';
import { logInMutation, logOutMutation } from './api/operations';
import { refreshSession } from './api/session-renewal';
import { startDashboard } from './dashboard';
import { clearSession, isStaffRole, loadSession, renewalDue, saveSession, sessionFrom, type Session } from './session';
import { renderLoginView } from './view/login-view';

const root = document.getElementById('app')!;
const request = createGraphQLHttp(new URL('/graphql', location.href).toString(), () => null);

function showDashboard(session: Session): void {
  const stop = startDashboard(root, session, {
    signOut: (notice) => {
      stop();
      // The latest session (renewals replace it): its refresh token must stop working when the operator leaves.
      const ending = loadSession();
      if (ending?.refreshToken) void request(logOutMutation, { input: { refreshToken: ending.refreshToken } }).catch(() => undefined);
      clearSession();
      showLogin(notice);
    },
  });
}

function showLogin(notice?: string): void {
  renderLoginView(root, {
    ...(notice ? { notice } : {}),
    logIn: async (email, password) => {
      try {
        const { logIn } = await request(logInMutation, { input: { email, password } });
        const session: Session = sessionFrom(logIn);
        if (!isStaffRole(session.role)) return 'This account cannot read sales: sign in as an analyst or an admin.';
        saveSession(session);
        showDashboard(session);
        return null;
      } catch (error) {
        if (error instanceof GraphQLRequestError && error.code === 'UNAUTHENTICATED') return 'Wrong email or password.';
        return error instanceof Error ? error.message : 'Signing in failed.';
      }
    },
  });
}

/** A session saved by an earlier visit, renewed first when its access token lapsed or is about to. */
async function resumeSession(): Promise<Session | null> {
  const saved = loadSession();
  if (!saved?.refreshToken || !renewalDue(saved, Date.now())) return saved;
  return refreshSession(request, saved.refreshToken).catch(() => null);
}

void resumeSession().then((session) => (session ? showDashboard(session) : showLogin()));
