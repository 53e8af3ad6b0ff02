import { eq } from 'drizzle-orm';
import { GraphQLError } from 'graphql';
import { appendToOutbox, conflict, isDuplicateKey, runnerOnDrizzle, signAccessToken, type Caller, type Counter } from '@rtc/service-kit';
import type { UsersDb } from '../db/client';
import { outbox, users, type UserRow } from '../db/schema';
import { normalizeEmail, validateName, validatePassword } from './credentials';
import type { AttemptLimits } from './attempt-limits';
import type { PasswordHasher } from './password';

export interface AuthResult {
  readonly token: string;
  readonly expiresAt: Date;
  readonly user: UserRow;
}

export interface AccountsOptions {
  readonly db: UsersDb;
  readonly jwtSecret: string;
  readonly tokenTtlSeconds: number;
  readonly signups: Counter;
  readonly onEventsWritten: () => void;
  readonly passwords: PasswordHasher;
  readonly attempts: AttemptLimits;
}

export interface Accounts {
  /** `clientAddress`: the end user's address as the gateway saw it; null when the call did not come through the gateway. */
  signUp(input: { email: string; password: string; name: string }, clientAddress: string | null): Promise<AuthResult>;
  logIn(email: string, password: string, clientAddress: string | null): Promise<AuthResult>;
}

export function createAccounts({ db, jwtSecret, tokenTtlSeconds, signups, onEventsWritten, passwords, attempts }: AccountsOptions): Accounts {
  const issue = async (user: UserRow): Promise<AuthResult> => {
    const caller: Caller = { userId: String(user.id), role: user.role };
    const token = await signAccessToken(caller, jwtSecret, tokenTtlSeconds);
    return { token, expiresAt: new Date(Date.now() + tokenTtlSeconds * 1000), user };
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
          const row: UserRow = { id: result.insertId, email, name, passwordHash, role: 'CUSTOMER', createdAt };
          await appendToOutbox(runnerOnDrizzle(tx), outbox, [
            { type: 'UserSignedUp', aggregateType: 'User', aggregateId: String(row.id), payload: { userId: String(row.id) } },
          ]);
          return row;
        });
      } catch (error) {
        if (isDuplicateKey(error)) throw conflict('An account with this email already exists');
        throw error;
      }
      signups.inc();
      onEventsWritten();
      return issue(user);
    },

    async logIn(rawEmail, password, clientAddress) {
      const invalid = new GraphQLError('Email or password is wrong', { extensions: { code: 'UNAUTHENTICATED' } });
      const email = normalizeEmail('email', rawEmail);
      await attempts.admitLogIn(email, clientAddress);
      const [user] = await db.select().from(users).where(eq(users.email, email)).limit(1);
      // An unknown email is checked against a decoy hash: it costs what a known one costs, so timing tells nothing.
      if (!(await passwords.verify(user?.passwordHash, password)) || !user) throw invalid;
      await attempts.logInSucceeded(email, clientAddress);
      return issue(user);
    },
  };
}
