import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withDatabase } from '@rtc/service-kit';
import { queryRows, testServerUrl } from '@rtc/testkit';
import { createDatabaseUsers, localDatabaseAccounts, randomDatabaseAccounts, serverUrlAs, type DatabaseAccounts } from './database-users';
import { databaseNames, dropAll, migrateAll } from './databases';
import { createProducts, placeOrder, startTestStack, type TestStack } from './testing';

const serverUrl = testServerUrl();
const databases = databaseNames(`rtc_test_${randomBytes(4).toString('hex')}_`);
let accounts: DatabaseAccounts;

const as = (account: DatabaseAccounts[keyof DatabaseAccounts]['service'], database: string) => withDatabase(serverUrlAs(serverUrl, account), database);

beforeAll(async () => {
  accounts = randomDatabaseAccounts(databases);
  await createDatabaseUsers(serverUrl, databases, accounts);
  await migrateAll(serverUrl, databases, accounts);
});

afterAll(async () => {
  await dropAll(serverUrl, databases);
});

describe('per-service database accounts', () => {
  it('let a service read and write the rows of its own database', async () => {
    const url = as(accounts.users.service, databases.users);
    await queryRows(url, "INSERT INTO users (email, name, role, password_hash, created_at) VALUES ('ada@rtc.example', 'Ada', 'CUSTOMER', 'x', NOW(3))");
    await expect(queryRows(url, 'SELECT name FROM users')).resolves.toEqual([{ name: 'Ada' }]);
  });

  it("refuse a service's account every table of another service's database", async () => {
    const url = as(accounts.users.service, databases.orders);
    await expect(queryRows(url, 'SELECT 1')).rejects.toMatchObject({ code: 'ER_DBACCESS_DENIED_ERROR' });
    const fromOwn = as(accounts.users.service, databases.users);
    await expect(queryRows(fromOwn, `SELECT * FROM \`${databases.orders}\`.orders`)).rejects.toMatchObject({ code: 'ER_TABLEACCESS_DENIED_ERROR' });
    await expect(queryRows(fromOwn, `SELECT * FROM \`${databases.inventory}\`.stock`)).rejects.toMatchObject({ code: 'ER_TABLEACCESS_DENIED_ERROR' });
  });

  it('refuse a running service any change to the tables themselves', async () => {
    const url = as(accounts.orders.service, databases.orders);
    await expect(queryRows(url, 'DROP TABLE orders')).rejects.toMatchObject({ code: 'ER_TABLEACCESS_DENIED_ERROR' });
    await expect(queryRows(url, 'CREATE TABLE stolen (id INT)')).rejects.toMatchObject({ code: 'ER_TABLEACCESS_DENIED_ERROR' });
  });

  it('keep each migration account to its own database too', async () => {
    const url = as(accounts.catalog.migrator, databases.catalog);
    await expect(queryRows(url, `SELECT * FROM \`${databases.users}\`.users`)).rejects.toMatchObject({ code: 'ER_TABLEACCESS_DENIED_ERROR' });
  });

  it('go with their databases when a store is dropped', async () => {
    const doomed = databaseNames(`rtc_test_${randomBytes(4).toString('hex')}_`);
    await createDatabaseUsers(serverUrl, doomed, randomDatabaseAccounts(doomed));
    await dropAll(serverUrl, doomed);
    const left = await queryRows(serverUrl, 'SELECT user FROM mysql.user WHERE user LIKE ?', [`${doomed.users.replace(/_users$/, '')}%`]);
    expect(left).toEqual([]);
  });

  it('keep the local passwords in the state directory, readable by their owner alone, and the same on the next start', () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'rtc-state-'));
    try {
      const first = localDatabaseAccounts(databases, stateDir);
      const second = localDatabaseAccounts(databases, stateDir);
      expect(second).toEqual(first);
      expect(first.orders.service.user).toBe(databases.orders);
      expect(first.orders.migrator.user).toBe(`${databases.orders}_migrator`);
      expect(statSync(join(stateDir, 'database-passwords.json')).mode & 0o777).toBe(0o600);
    } finally {
      rmSync(stateDir, { recursive: true, force: true });
    }
  });
});

describe('a store whose services connect as their own accounts', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ databaseUsers: 'per-service' });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('takes an order end to end', async () => {
    const admin = await stack.createUser('ADMIN');
    const customer = await stack.createUser('CUSTOMER');
    const [lamp] = await createProducts(stack.graphqlUrl, admin.token, [{ price: 1_500, stock: 5 }]);
    const placed = await placeOrder(stack.graphqlUrl, customer.token, [{ productId: lamp!.id, quantity: 2 }]);
    expect(placed.errors).toBeUndefined();
    expect(placed.data?.placeOrder).toMatchObject({ order: { status: 'PENDING', total: { amount: 3_000 } }, errors: [] });
    const [stock] = await queryRows<{ available: number }>(stack.databaseUrl('inventory'), 'SELECT available FROM stock WHERE product_id = ?', [lamp!.id]);
    expect(stock?.available).toBe(3);
    // The connections the services hold open: on each database, only that service's own account.
    for (const name of ['users', 'catalog', 'orders', 'inventory'] as const) {
      const connected = await queryRows<{ user: string }>(serverUrl, 'SELECT DISTINCT USER AS user FROM information_schema.PROCESSLIST WHERE DB = ?', [
        stack.databases[name],
      ]);
      expect(
        connected.map((row) => row.user),
        name,
      ).toEqual([stack.databases[name]]);
    }
  });
});
