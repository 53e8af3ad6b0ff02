import { brand } from './brand';
import { h } from './element';

export interface LoginViewOptions {
  /** Resolves to an error message to show, or null when the log-in worked. */
  readonly logIn: (email: string, password: string) => Promise<string | null>;
  readonly notice?: string;
}

/** The sign-in card; the page has nothing else to show without a staff token. */
export function renderLoginView(root: HTMLElement, { logIn, notice }: LoginViewOptions): void {
  const email = h('input', { attrs: { type: 'email', name: 'email', autocomplete: 'username', required: '', id: 'login-email' } });
  const password = h('input', { attrs: { type: 'password', name: 'password', autocomplete: 'current-password', required: '', id: 'login-password' } });
  const message = h('p', { class: 'login-message', text: notice ?? '', attrs: { role: 'alert', 'aria-live': 'assertive' } });
  const submit = h('button', { class: 'button button-primary', text: 'Sign in', attrs: { type: 'submit' } });
  const form = h(
    'form',
    { class: 'login-card', attrs: { 'aria-labelledby': 'login-title', novalidate: '' } },
    brand(),
    h('h1', { text: 'Sign in to the sales dashboard', attrs: { id: 'login-title' } }),
    h('p', { class: 'login-hint', text: 'Analyst and admin accounts can follow sales as they happen.' }),
    h('label', { text: 'Email', attrs: { for: 'login-email' } }),
    email,
    h('label', { text: 'Password', attrs: { for: 'login-password' } }),
    password,
    message,
    submit,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!email.value || !password.value) {
      message.textContent = 'Enter your email and password.';
      return;
    }
    submit.disabled = true;
    submit.textContent = 'Signing in…';
    message.textContent = '';
    const problem = await logIn(email.value.trim(), password.value);
    if (problem === null) return;
    message.textContent = problem;
    submit.disabled = false;
    submit.textContent = 'Sign in';
    password.select();
  });
  root.replaceChildren(h('main', { class: 'login-screen' }, form));
  email.focus();
}
