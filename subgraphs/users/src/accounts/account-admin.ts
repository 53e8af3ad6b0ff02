import { eq, inArray, sql } from 'drizzle-orm';
import { badInput, notFound, requireAdmin, requireServiceCall, type Caller, type Role } from '@rtc/service-kit';
import type { UsersDb } from '../db/client';
import { users, type UserRow } from '../db/schema';
import type { RefreshTokens } from '../sessions/refresh-tokens';

/** An account as the gateway checks tokens against it. */
export interface AccountStanding {
  readonly userId: string;
  readonly role: Role;
  readonly tokenVersion: number;
  readonly disabled: boolean;
}

export interface AccountAdmin {
  setRole(caller: Caller | null, id: string, role: Role): Promise<UserRow>;
  disable(caller: Caller | null, id: string): Promise<UserRow>;
  enable(caller: Caller | null, id: string): Promise<UserRow>;
  standings(caller: Caller | null, userIds: readonly string[]): Promise<AccountStanding[]>;
}

const maxStandingsPerCall = 1_000;

export function createAccountAdmin(db: UsersDb, refreshTokens: RefreshTokens): AccountAdmin {
  const userIdOf = (argument: string, id: string): number => {
    if (!/^\d{1,19}$/.test(id)) throw badInput(argument, 'is not a user id');
    return Number(id);
  };
  const reload = async (id: number): Promise<UserRow> => {
    const [user] = await db.select().from(users).where(eq(users.id, id)).limit(1);
    if (!user) throw notFound(`user ${id}`);
    return user;
  };
  /** Applies `changes` and revokes the user's access tokens in one statement. */
  const updateAndRevoke = async (id: number, changes: Partial<Pick<UserRow, 'role' | 'disabledAt'>>) => {
    const [result] = await db
      .update(users)
      .set({ ...changes, tokenVersion: sql`${users.tokenVersion} + 1` })
      .where(eq(users.id, id));
    if (result.affectedRows === 0) throw notFound(`user ${id}`);
  };

  return {
    async setRole(caller, rawId, role) {
      const admin = requireAdmin(caller);
      const id = userIdOf('input.id', rawId);
      if (String(id) === admin.userId) throw badInput('input.id', 'an admin cannot change their own role');
      const user = await reload(id);
      if (user.role === role) return user;
      await updateAndRevoke(id, { role });
      return reload(id);
    },

    async disable(caller, rawId) {
      const admin = requireAdmin(caller);
      const id = userIdOf('input.id', rawId);
      if (String(id) === admin.userId) throw badInput('input.id', 'an admin cannot disable their own account');
      const user = await reload(id);
      if (user.disabledAt) return user;
      await updateAndRevoke(id, { disabledAt: new Date() });
      await refreshTokens.endAllSessionsOf(id);
      return reload(id);
    },

    async enable(caller, rawId) {
      requireAdmin(caller);
      const id = userIdOf('input.id', rawId);
      await reload(id);
      await db.update(users).set({ disabledAt: null }).where(eq(users.id, id));
      return reload(id);
    },

    async standings(caller, userIds) {
      requireServiceCall(caller, 'accountStandings');
      if (userIds.length > maxStandingsPerCall) throw badInput('userIds', `at most ${maxStandingsPerCall} per call`);
      const ids = [...new Set(userIds.filter((id) => /^\d{1,19}$/.test(id)).map(Number))];
      if (ids.length === 0) return [];
      const rows = await db
        .select({ id: users.id, role: users.role, tokenVersion: users.tokenVersion, disabledAt: users.disabledAt })
        .from(users)
        .where(inArray(users.id, ids));
      return rows.map((row) => ({ userId: String(row.id), role: row.role, tokenVersion: row.tokenVersion, disabled: row.disabledAt !== null }));
    },
  };
}
