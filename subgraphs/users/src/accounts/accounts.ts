import { eq } from 'drizzle-orm';
import { GraphQLError } from 'graphql';
import { appendToOutbox, conflict, isDuplicateKey, runnerOnDrizzle, signAccessToken, type Caller, type Counter } from '@rtc/service-kit';
import type { UsersDb } from '../db/client';
import { outbox, users, type UserRow } from '../db/schema';
import { normalizeEmail, validateName, validatePassword } from './credentials';
import { hashPassword, verifyPassword } from './password';

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
}

export interface Accounts {
  signUp(input: { email: string; password: string; name: string }): Promise<AuthResult>;
  logIn(email: string, password: string): Promise<AuthResult>;
}

export function createAccounts({ db, jwtSecret, tokenTtlSeconds, signups, onEventsWritten }: AccountsOptions): Accounts {
  const issue = async (user: UserRow): Promise<AuthResult> => {
    const caller: Caller = { userId: String(user.id), role: user.role };
    const token = await signAccessToken(caller, jwtSecret, tokenTtlSeconds);
    return { token, expiresAt: new Date(Date.now() + tokenTtlSeconds * 1000), user };
  };

  return {
    async signUp(input) {
      const email = normalizeEmail('input.email', input.email);
      const password = validatePassword('input.password', input.password);
      const name = validateName('input.name', input.name);
      const passwordHash = await hashPassword(password);
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

    async logIn(rawEmail, password) {
      const invalid = new GraphQLError('Email or password is wrong', { extensions: { code: 'UNAUTHENTICATED' } });
      const email = normalizeEmail('email', rawEmail);
      const [user] = await db.select().from(users).where(eq(users.email, email)).limit(1);
      if (!user || !(await verifyPassword(user.passwordHash, password))) throw invalid;
      return issue(user);
    },
  };
}
