import { createGraphQLHttp, GraphQLRequestError } from './api/graphql-http';
import { logInMutation, type LogInResult } from './api/operations';
import { startDashboard } from './dashboard';
import { clearSession, isStaffRole, loadSession, saveSession, type Session } from './session';
import { renderLoginView } from './view/login-view';

const root = document.getElementById('app')!;
const request = createGraphQLHttp(new URL('/graphql', location.href).toString(), () => null);

function showDashboard(session: Session): void {
  const stop = startDashboard(root, session, {
    signOut: (notice) => {
      stop();
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
        const { logIn } = await request<LogInResult>(logInMutation, { email, password });
        if (!isStaffRole(logIn.user.role)) return 'This account cannot read sales: sign in as an analyst or an admin.';
        const session: Session = { token: logIn.token, expiresAt: Date.parse(logIn.expiresAt), name: logIn.user.name, role: logIn.user.role };
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

const session = loadSession();
if (session) showDashboard(session);
else showLogin();
