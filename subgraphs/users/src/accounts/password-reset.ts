import { createHash, randomBytes } from 'node:crypto';
import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import { badInput, type Logger } from '@rtc/service-kit';
import type { UsersDb } from '../db/client';
import { passwordResetTokens, users, type UserRow } from '../db/schema';
import type { AttemptLimits } from './attempt-limits';
import { normalizeEmail, validatePassword } from './credentials';
import type { PasswordHasher } from './password';
import type { PasswordResetDelivery } from './password-reset-delivery';

export interface PasswordResetOptions {
  readonly db: UsersDb;
  readonly passwords: PasswordHasher;
  readonly attempts: AttemptLimits;
  readonly delivery: PasswordResetDelivery;
  readonly ttlSeconds: number;
  readonly logger: Logger;
}

export interface PasswordReset {
  /** Always resolves the same way whether the email has an account: the token is made and sent after the answer. */
  request(email: string, clientAddress: string | null): Promise<void>;
  /** Spends `token` and sets the password; returns the user, whose sessions the caller then ends. */
  complete(token: string, newPassword: string, clientAddress: string | null): Promise<UserRow>;
  /** Resolves once the requests answered so far have made and sent their tokens (tests, shutdown). */
  settled(): Promise<void>;
}

const hashOf = (token: string) => createHash('sha256').update(token).digest('hex');
const invalidToken = () => badInput('input.token', 'is invalid, used or expired; ask for a new one');

/** 32 random bytes, base64url: unguessable, and short enough for a link. */
const newToken = () => randomBytes(32).toString('base64url');

export function createPasswordReset({ db, passwords, attempts, delivery, ttlSeconds, logger }: PasswordResetOptions): PasswordReset {
  const inFlight = new Set<Promise<void>>();

  /** A new token for the account with `email`, if any, replacing its unused ones, then delivered. */
  const issueAndDeliver = async (email: string): Promise<void> => {
    const [user] = await db.select().from(users).where(eq(users.email, email)).limit(1);
    if (!user || user.disabledAt) return;
    const token = newToken();
    const now = new Date();
    const expiresAt = new Date(now.getTime() + ttlSeconds * 1000);
    await db.transaction(async (tx) => {
      await tx
        .update(passwordResetTokens)
        .set({ usedAt: now })
        .where(and(eq(passwordResetTokens.userId, user.id), isNull(passwordResetTokens.usedAt)));
      await tx.insert(passwordResetTokens).values({ tokenHash: hashOf(token), userId: user.id, createdAt: now, expiresAt });
    });
    await delivery.deliver({ email: user.email, name: user.name, token, expiresAt });
  };

  return {
    async request(rawEmail, clientAddress) {
      const email = normalizeEmail('input.email', rawEmail);
      await attempts.admitResetRequest(email, clientAddress);
      const work = issueAndDeliver(email)
        .catch((error: unknown) => logger.error({ err: error }, 'password reset token could not be issued or delivered'))
        .finally(() => inFlight.delete(work));
      inFlight.add(work);
    },

    async complete(token, newPassword, clientAddress) {
      const password = validatePassword('input.newPassword', newPassword);
      if (token.length === 0 || token.length > 128) throw invalidToken();
      await attempts.admitResetCompletion(clientAddress);
      const tokenHash = hashOf(token);
      // Hashed before the transaction, so no row lock waits on the memory-hard KDF.
      const passwordHash = await passwords.hash(password);
      const user = await db.transaction(async (tx) => {
        const now = new Date();
        const [reset] = await tx
          .select()
          .from(passwordResetTokens)
          .where(and(eq(passwordResetTokens.tokenHash, tokenHash), isNull(passwordResetTokens.usedAt), gt(passwordResetTokens.expiresAt, now)))
          .for('update');
        if (!reset) return null;
        const [owner] = await tx.select().from(users).where(eq(users.id, reset.userId)).for('update');
        if (!owner || owner.disabledAt) return null;
        await tx.update(passwordResetTokens).set({ usedAt: now }).where(eq(passwordResetTokens.tokenHash, tokenHash));
        await tx
          .update(users)
          .set({ passwordHash, tokenVersion: sql`${users.tokenVersion} + 1` })
          .where(eq(users.id, owner.id));
        return { ...owner, passwordHash, tokenVersion: owner.tokenVersion + 1 };
      });
      if (!user) throw invalidToken();
      await attempts.resetCompleted(clientAddress);
      return user;
    },

    async settled() {
      await Promise.all([...inFlight]);
    },
  };
}
