import { eq, sql } from 'drizzle-orm';
import {
  appendToOutbox,
  badInput,
  businessFailure,
  ErrorCode,
  isDuplicateKey,
  requireCaller,
  runnerOnDrizzle,
  signAccessToken,
  unauthenticated,
  type Caller,
  type Counter,
} from '@rtc/service-kit';
import type { UsersDb } from '../db/client';
import { outbox, users, type UserRow } from '../db/schema';
import type { RefreshTokens } from '../sessions/refresh-tokens';
import { normalizeEmail, validateName, validatePassword } from './credentials';
import type { AttemptLimits } from './attempt-limits';
import type { PasswordHasher } from './password';
import type { PasswordReset } from './password-reset';
import type { UserView } from './user-view';

export interface AuthResult {
  readonly token: string;
  readonly expiresAt: Date;
  readonly refreshToken: string;
  readonly refreshExpiresAt: Date;
  readonly user: UserView;
}

export interface ProfileChanges {
  readonly name?: string | null | undefined;
  readonly email?: string | null | undefined;
  readonly currentPassword?: string | null | undefined;
}

export interface AccountsOptions {
  readonly db: UsersDb;
  readonly refreshTokens: RefreshTokens;
  readonly jwtSecret: string;
  readonly tokenTtlSeconds: number;
  readonly signups: Counter;
  readonly onEventsWritten: () => void;
  readonly passwords: PasswordHasher;
  readonly attempts: AttemptLimits;
  readonly passwordReset: PasswordReset;
}

export interface Accounts {
  /** `clientAddress`: the end user's address as the gateway saw it; null when the call did not come through the gateway. */
  signUp(input: { email: string; password: string; name: string }, clientAddress: string | null): Promise<AuthResult>;
  logIn(email: string, password: string, clientAddress: string | null): Promise<AuthResult>;
  refreshSession(refreshToken: string): Promise<AuthResult>;
  logOut(refreshToken: string): Promise<boolean>;
  logOutEverywhere(caller: Caller | null): Promise<boolean>;
  changePassword(caller: Caller | null, currentPassword: string, newPassword: string, clientAddress: string | null): Promise<AuthResult>;
  updateProfile(caller: Caller | null, changes: ProfileChanges, clientAddress: string | null): Promise<UserView>;
  requestPasswordReset(email: string, clientAddress: string | null): Promise<boolean>;
  completePasswordReset(token: string, newPassword: string, clientAddress: string | null): Promise<AuthResult>;
}

/** A typed failure of signUp and updateProfile: clients ask for another email. */
const emailTaken = () => businessFailure(ErrorCode.Conflict, 'An account with this email already exists', { field: ['input', 'email'] });

/** Revokes every access token of `userId` issued so far: they carry the old version. */
export async function bumpTokenVersion(db: UsersDb, userId: number): Promise<void> {
  await db
    .update(users)
    .set({ tokenVersion: sql`${users.tokenVersion} + 1` })
    .where(eq(users.id, userId));
}

async function findUser(db: UsersDb, id: number): Promise<UserRow | undefined> {
  const [user] = await db.select().from(users).where(eq(users.id, id)).limit(1);
  return user;
}

export function createAccounts({
  db,
  refreshTokens,
  jwtSecret,
  tokenTtlSeconds,
  signups,
  onEventsWritten,
  passwords,
  attempts,
  passwordReset,
}: AccountsOptions): Accounts {
  /** An access token at the account's current version, and a refresh token continuing `familyId` or starting a session. */
  const issue = async (user: UserRow, familyId?: string): Promise<AuthResult> => {
    const caller: Caller = { userId: String(user.id), role: user.role };
    const [token, refresh] = await Promise.all([
      signAccessToken(caller, jwtSecret, tokenTtlSeconds, user.tokenVersion),
      refreshTokens.issue(user.id, familyId),
    ]);
    return { token, expiresAt: new Date(Date.now() + tokenTtlSeconds * 1000), ...refresh, user: { ...user, viewedBySelf: true } };
  };

  /**
   * Checks the logged-in user's password under the log-in limits of their email, so guessing it through
   * changePassword or updateProfile is no easier than through logIn.
   */
  const verifyOwnPassword = async (userId: number, password: string, clientAddress: string | null): Promise<UserRow> => {
    const user = await findUser(db, userId);
    if (!user) throw unauthenticated('This account was deleted');
    await attempts.admitLogIn(user.email, clientAddress);
    if (!(await passwords.verify(user.passwordHash, password))) {
      throw businessFailure(ErrorCode.Unauthenticated, 'The current password is wrong', { field: ['input', 'currentPassword'] });
    }
    await attempts.logInSucceeded(user.email, clientAddress);
    return user;
  };

  return {
    async signUp(input, clientAddress) {
      const email = normalizeEmail('input.email', input.email);
      const password = validatePassword('input.password', input.password);
      const name = validateName('input.name', input.name);
      await attempts.admitSignUp(clientAddress);
      const passwordHash = await passwords.hash(password);
      const createdAt = new Date();
      let user: UserRow;
      try {
        user = await db.transaction(async (tx) => {
          const [result] = await tx.insert(users).values({ email, name, passwordHash, role: 'CUSTOMER', createdAt });
          const row: UserRow = { id: result.insertId, email, name, passwordHash, role: 'CUSTOMER', createdAt, tokenVersion: 0, disabledAt: null };
          await appendToOutbox(runnerOnDrizzle(tx), outbox, [
            { type: 'UserSignedUp', aggregateType: 'User', aggregateId: String(row.id), payload: { userId: String(row.id) } },
          ]);
          return row;
        });
      } catch (error) {
        if (isDuplicateKey(error)) throw emailTaken();
        throw error;
      }
      signups.inc();
      onEventsWritten();
      return issue(user);
    },

    async logIn(rawEmail, password, clientAddress) {
      const email = normalizeEmail('input.email', rawEmail);
      await attempts.admitLogIn(email, clientAddress);
      const [user] = await db.select().from(users).where(eq(users.email, email)).limit(1);
      // An unknown email is checked against a decoy hash: it costs what a known one costs, so timing tells nothing.
      if (!(await passwords.verify(user?.passwordHash, password)) || !user) throw businessFailure(ErrorCode.Unauthenticated, 'Email or password is wrong');
      await attempts.logInSucceeded(email, clientAddress);
      // Said only to whoever knows the password, so it reveals nothing about which emails exist.
      if (user.disabledAt) throw businessFailure(ErrorCode.Unauthenticated, 'This account is disabled');
      return issue(user);
    },

    async refreshSession(refreshToken) {
      const { userId, familyId } = await refreshTokens.rotate(refreshToken);
      const user = await findUser(db, userId);
      if (!user || user.disabledAt) {
        await refreshTokens.endFamily(familyId);
        throw unauthenticated('This account is disabled or deleted');
      }
      return issue(user, familyId);
    },

    logOut: (refreshToken) => refreshTokens.endSession(refreshToken),

    async logOutEverywhere(caller) {
      const userId = Number(requireCaller(caller).userId);
      await bumpTokenVersion(db, userId);
      await refreshTokens.endAllSessionsOf(userId);
      return true;
    },

    async changePassword(caller, currentPassword, newPassword, clientAddress) {
      const userId = Number(requireCaller(caller).userId);
      const password = validatePassword('input.newPassword', newPassword);
      await verifyOwnPassword(userId, currentPassword, clientAddress);
      await db
        .update(users)
        .set({ passwordHash: await passwords.hash(password), tokenVersion: sql`${users.tokenVersion} + 1` })
        .where(eq(users.id, userId));
      await refreshTokens.endAllSessionsOf(userId);
      const updated = await findUser(db, userId);
      if (!updated) throw unauthenticated('This account was deleted');
      return issue(updated);
    },

    async updateProfile(caller, changes, clientAddress) {
      const userId = Number(requireCaller(caller).userId);
      const name = changes.name === null || changes.name === undefined ? undefined : validateName('input.name', changes.name);
      const email = changes.email === null || changes.email === undefined ? undefined : normalizeEmail('input.email', changes.email);
      if (name === undefined && email === undefined) throw badInput('input', 'give a name, an email or both');
      const user = await findUser(db, userId);
      if (!user) throw unauthenticated('This account was deleted');
      if (email !== undefined && email !== user.email) {
        if (!changes.currentPassword) throw badInput('input.currentPassword', 'is required to change the email');
        await verifyOwnPassword(userId, changes.currentPassword, clientAddress);
      }
      try {
        await db
          .update(users)
          .set({ ...(name !== undefined ? { name } : {}), ...(email !== undefined ? { email } : {}) })
          .where(eq(users.id, userId));
      } catch (error) {
        if (isDuplicateKey(error)) throw emailTaken();
        throw error;
      }
      const updated = await findUser(db, userId);
      if (!updated) throw unauthenticated('This account was deleted');
      return { ...updated, viewedBySelf: true };
    },

    async requestPasswordReset(email, clientAddress) {
      await passwordReset.request(email, clientAddress);
      return true;
    },

    async completePasswordReset(token, newPassword, clientAddress) {
      const user = await passwordReset.complete(token, newPassword, clientAddress);
      await refreshTokens.endAllSessionsOf(user.id);
      return issue(user);
    },
  };
}
