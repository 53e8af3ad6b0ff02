import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import { unauthenticated } from '@rtc/service-kit';
import type { UsersDb } from '../db/client';
import { refreshTokens } from '../db/schema';

export interface IssuedRefreshToken {
  readonly refreshToken: string;
  readonly refreshExpiresAt: Date;
}

export interface RotatedRefreshToken {
  readonly userId: number;
  readonly familyId: string;
}

export interface RefreshTokens {
  /** A new token, in `familyId` when it continues a session, else in a new family (a new session). */
  issue(userId: number, familyId?: string): Promise<IssuedRefreshToken>;
  /** Spends `token`; spending one twice ends its whole family, since one of the two holders stole it. */
  rotate(token: string): Promise<RotatedRefreshToken>;
  /** Ends the session `token` belongs to; false when it was unknown or already ended. */
  endSession(token: string): Promise<boolean>;
  endFamily(familyId: string): Promise<void>;
  endAllSessionsOf(userId: number): Promise<void>;
}

const hashOf = (token: string) => createHash('sha256').update(token).digest('hex');

const refused = (message: string) => unauthenticated(`${message}; log in again`);

export function createRefreshTokens(db: UsersDb, ttlSeconds: number): RefreshTokens {
  const endFamily = async (familyId: string) => {
    await db
      .update(refreshTokens)
      .set({ revokedAt: new Date() })
      .where(and(eq(refreshTokens.familyId, familyId), isNull(refreshTokens.revokedAt)));
  };

  return {
    async issue(userId, familyId = randomUUID()) {
      const refreshToken = randomBytes(32).toString('base64url');
      const createdAt = new Date();
      const refreshExpiresAt = new Date(createdAt.getTime() + ttlSeconds * 1000);
      await db.insert(refreshTokens).values({ tokenHash: hashOf(refreshToken), familyId, userId, createdAt, expiresAt: refreshExpiresAt });
      return { refreshToken, refreshExpiresAt };
    },

    async rotate(token) {
      const [row] = await db
        .select()
        .from(refreshTokens)
        .where(eq(refreshTokens.tokenHash, hashOf(token)))
        .limit(1);
      if (!row || row.revokedAt) throw refused('Refresh token invalid');
      if (row.expiresAt.getTime() <= Date.now()) throw refused('Refresh token expired');
      // The conditional update makes two concurrent uses of one token count as a reuse, not as two rotations.
      const [spent] = await db
        .update(refreshTokens)
        .set({ rotatedAt: new Date() })
        .where(and(eq(refreshTokens.id, row.id), isNull(refreshTokens.rotatedAt), isNull(refreshTokens.revokedAt)));
      if (spent.affectedRows === 0) {
        await endFamily(row.familyId);
        throw refused('Refresh token already used, so the session was ended');
      }
      return { userId: row.userId, familyId: row.familyId };
    },

    async endSession(token) {
      const [row] = await db
        .select()
        .from(refreshTokens)
        .where(eq(refreshTokens.tokenHash, hashOf(token)))
        .limit(1);
      if (!row || row.revokedAt || row.rotatedAt) return false;
      await endFamily(row.familyId);
      return true;
    },

    endFamily,

    async endAllSessionsOf(userId) {
      await db
        .update(refreshTokens)
        .set({ revokedAt: new Date() })
        .where(and(eq(refreshTokens.userId, userId), isNull(refreshTokens.revokedAt)));
    },
  };
}
