import type DataLoader from 'dataloader';
import type { BaseContext } from '@rtc/service-kit';
import type { UsersDb } from './db/client';
import type { UserRow } from './db/schema';
import type { AccountAdmin } from './accounts/account-admin';
import type { Accounts } from './accounts/accounts';
import type { AddressBook } from './addresses/address-book';

export interface UsersContext extends BaseContext {
  readonly db: UsersDb;
  readonly accounts: Accounts;
  readonly accountAdmin: AccountAdmin;
  readonly addressBook: AddressBook;
  readonly userById: DataLoader<number, UserRow | null>;
}
