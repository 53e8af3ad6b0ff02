import { and, asc, count, desc, eq, ne } from 'drizzle-orm';
import { notFound, parseNumericId, requireCaller, validatePostalAddress, type Caller, type PostalAddressInput } from '@rtc/service-kit';
import type { UsersDb } from '../db/client';
import { addresses, users, type AddressRow } from '../db/schema';

/** An account keeps at most this many addresses; one more is the typed ADDRESS_LIMIT_REACHED failure. */
export const maxAddressesPerAccount = 20;

/** An expected failure the caller can act on, answered in the payload's `errors` rather than as a GraphQL error. */
export interface AccountFailure {
  readonly code: 'ADDRESS_LIMIT_REACHED';
  readonly message: string;
  readonly field: string[] | null;
}

export type AddressResult = { readonly address: AddressRow; readonly errors: [] } | { readonly address: null; readonly errors: AccountFailure[] };

export interface AddressBook {
  /** The account's addresses, the default first, then oldest first. */
  list(userId: number): Promise<AddressRow[]>;
  add(caller: Caller | null, address: PostalAddressInput, isDefault: boolean): Promise<AddressResult>;
  update(caller: Caller | null, id: string, input: PostalAddressInput): Promise<AddressRow>;
  /** Removes one address; when it was the default, the oldest left becomes it. Returns the account's owner id. */
  remove(caller: Caller | null, id: string): Promise<number>;
  setDefault(caller: Caller | null, id: string): Promise<AddressRow>;
}

/** Saved shipping addresses: every change locks the account's row, so the limit and the single default hold under races. */
export function createAddressBook(db: UsersDb): AddressBook {
  type Tx = Parameters<Parameters<UsersDb['transaction']>[0]>[0];
  const lockAccount = (tx: Tx, userId: number) => tx.select({ id: users.id }).from(users).where(eq(users.id, userId)).for('update');
  const own = async (tx: Tx, userId: number, rawId: string): Promise<AddressRow> => {
    const id = parseNumericId(rawId);
    const [row] =
      id === null
        ? []
        : await tx
            .select()
            .from(addresses)
            .where(and(eq(addresses.id, id), eq(addresses.userId, userId)))
            .limit(1);
    // Another account's address reads as unknown: ids tell nothing about other accounts.
    if (!row) throw notFound('Address');
    return row;
  };
  const reread = async (tx: Tx, id: number) => (await tx.select().from(addresses).where(eq(addresses.id, id)).limit(1))[0]!;
  const clearDefault = (tx: Tx, userId: number, except: number) =>
    tx
      .update(addresses)
      .set({ isDefault: false })
      .where(and(eq(addresses.userId, userId), ne(addresses.id, except), eq(addresses.isDefault, true)));

  return {
    list: (userId) => db.select().from(addresses).where(eq(addresses.userId, userId)).orderBy(desc(addresses.isDefault), asc(addresses.id)),

    async add(caller, input, makeDefault) {
      const userId = Number(requireCaller(caller).userId);
      const address = validatePostalAddress(input, 'input.address');
      return db.transaction(async (tx): Promise<AddressResult> => {
        await lockAccount(tx, userId);
        const [held] = await tx.select({ n: count() }).from(addresses).where(eq(addresses.userId, userId));
        const existing = held?.n ?? 0;
        if (existing >= maxAddressesPerAccount) {
          return {
            address: null,
            errors: [{ code: 'ADDRESS_LIMIT_REACHED', message: `An account keeps at most ${maxAddressesPerAccount} addresses; remove one first`, field: null }],
          };
        }
        const now = new Date();
        const isDefault = existing === 0 || makeDefault;
        const [inserted] = await tx
          .insert(addresses)
          .values({ userId, ...address, isDefault, createdAt: now, updatedAt: now })
          .$returningId();
        if (isDefault) await clearDefault(tx, userId, inserted!.id);
        return { address: await reread(tx, inserted!.id), errors: [] };
      });
    },

    async update(caller, id, input) {
      const userId = Number(requireCaller(caller).userId);
      const address = validatePostalAddress(input, 'input.address');
      return db.transaction(async (tx) => {
        const row = await own(tx, userId, id);
        await tx
          .update(addresses)
          .set({ ...address, updatedAt: new Date() })
          .where(eq(addresses.id, row.id));
        return reread(tx, row.id);
      });
    },

    async remove(caller, id) {
      const userId = Number(requireCaller(caller).userId);
      return db.transaction(async (tx) => {
        await lockAccount(tx, userId);
        const row = await own(tx, userId, id);
        await tx.delete(addresses).where(eq(addresses.id, row.id));
        if (row.isDefault) {
          const [next] = await tx.select().from(addresses).where(eq(addresses.userId, userId)).orderBy(asc(addresses.id)).limit(1);
          if (next) await tx.update(addresses).set({ isDefault: true }).where(eq(addresses.id, next.id));
        }
        return userId;
      });
    },

    async setDefault(caller, id) {
      const userId = Number(requireCaller(caller).userId);
      return db.transaction(async (tx) => {
        await lockAccount(tx, userId);
        const row = await own(tx, userId, id);
        await tx.update(addresses).set({ isDefault: true }).where(eq(addresses.id, row.id));
        await clearDefault(tx, userId, row.id);
        return reread(tx, row.id);
      });
    },
  };
}
