import type { UserRow } from '../db/schema';

/**
 * A user row as a resolver sees it. `viewedBySelf` marks the user of a sign-up, log-in or reset payload: the caller
 * has just proved to be them, though their request carried no token yet, so they see their own email.
 */
export type UserView = UserRow & { readonly viewedBySelf?: true };
