import { mutationPayload, runMutation, type MutationPayload } from '@rtc/service-kit';
import type { AccountError } from '../__generated__/resolvers-types';
import type { AuthResult } from './accounts';

/**
 * Account mutations type only the failures their domain raises as BusinessFailures (wrong credentials, an email
 * taken): an UNAUTHENTICATED for a missing or revoked token stays a GraphQL error, so no code is typed wholesale.
 */
const options = (context: object, mutation: string) => ({ context, mutation });

// The domain raises BusinessFailures with AccountErrorCode's words only.
const asAccountErrors = (errors: readonly { code: string }[]) => errors as unknown as AccountError[];

/** AuthPayload: the session's fields, or all of them null beside the failure. */
export async function authPayload(context: object, mutation: string, run: () => Promise<AuthResult>) {
  const { value, errors } = await runMutation(run, options(context, mutation));
  return { ...(value ?? { token: null, expiresAt: null, refreshToken: null, refreshExpiresAt: null, user: null }), errors: asAccountErrors(errors) };
}

/** `{ [key]: result, errors }` for the other account mutations. */
export async function accountPayload<K extends string, T>(context: object, mutation: string, key: K, run: () => Promise<T>) {
  const payload = await mutationPayload(key, run, options(context, mutation));
  return payload as MutationPayload<K, T, AccountError>;
}
