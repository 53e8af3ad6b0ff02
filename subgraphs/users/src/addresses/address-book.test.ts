import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  asService,
  asUser,
  createTestDatabase,
  errorCodes,
  postGraphQL,
  startService,
  testInternalToken,
  testJwtSecret,
  type RunningService,
  type TestDatabase,
} from '@rtc/testkit';
import { usersMigrations } from '../migrations';
import { createUsersSubgraph } from '../subgraph';
import { maxAddressesPerAccount } from './address-book';

let database: TestDatabase;
let users: RunningService<Awaited<ReturnType<typeof createUsersSubgraph>>>;

const fields = 'id name line1 line2 city region postalCode country phone isDefault';
const addAddress = `mutation($input: AddAddressInput!) { addAddress(input: $input) { address { ${fields} } errors { code message field } } }`;
const updateAddress = `mutation($input: UpdateAddressInput!) { updateAddress(input: $input) { address { ${fields} } errors { code } } }`;
const removeAddress = `mutation($input: RemoveAddressInput!) { removeAddress(input: $input) { user { addresses { id isDefault } } errors { code } } }`;
const setDefault = `mutation($input: SetDefaultAddressInput!) { setDefaultAddress(input: $input) { address { id isDefault } errors { code } } }`;
const myAddresses = `query($id: ID!) { user(id: $id) { addresses { id city isDefault } } }`;

interface AddressView {
  id: string;
  city: string;
  isDefault: boolean;
}

const home = { name: 'Ada Lovelace', line1: '12 St James Square', city: 'London', postalCode: 'SW1Y 4JH', country: 'gb' };
let accounts = 0;

async function newAccount(): Promise<string> {
  const result = await postGraphQL<{ signUp: { user: { id: string } } }>(
    users.graphqlUrl,
    'mutation($input: SignUpInput!) { signUp(input: $input) { user { id } } }',
    { input: { email: `addresses.${++accounts}.${Date.now()}@example.com`, password: 'address password 1', name: 'Ada' } },
    { headers: asService },
  );
  expect(result.errors).toBeUndefined();
  return result.data!.signUp.user.id;
}

async function call<T>(query: string, variables: Record<string, unknown>, userId: string, role: 'CUSTOMER' | 'ADMIN' = 'CUSTOMER') {
  return postGraphQL<T>(users.graphqlUrl, query, variables, { headers: asUser(role, userId) });
}

async function add(userId: string, address: Record<string, unknown>, isDefault?: boolean): Promise<AddressView> {
  const result = await call<{ addAddress: { address: AddressView } }>(addAddress, { input: { address, isDefault } }, userId);
  expect(result.errors).toBeUndefined();
  return result.data!.addAddress.address;
}

async function listOf(userId: string): Promise<AddressView[]> {
  return (await call<{ user: { addresses: AddressView[] } }>(myAddresses, { id: userId }, userId)).data!.user.addresses;
}

beforeAll(async () => {
  database = await createTestDatabase('users', usersMigrations);
  users = await startService('users', database.url, (deps) =>
    createUsersSubgraph({ production: false, internalToken: testInternalToken, jwtSecret: testJwtSecret, tokenTtlSeconds: 600 }, deps),
  );
});

afterAll(async () => {
  await users?.stop();
  await database?.drop();
});

describe('saved shipping addresses', () => {
  it('saves addresses trimmed, the first as the default, and moves the default on request', async () => {
    const userId = await newAccount();
    const first = await add(userId, { ...home, name: '  Ada Lovelace ', line2: ' ', phone: '+44 20 7946 0000' });
    expect(first).toMatchObject({ name: 'Ada Lovelace', line2: null, region: null, country: 'GB', phone: '+44 20 7946 0000', isDefault: true });
    const second = await add(userId, { ...home, city: 'Bath' });
    expect(second.isDefault).toBe(false);
    const third = await add(userId, { ...home, city: 'York' }, true);
    expect((await listOf(userId)).map((a) => [a.city, a.isDefault])).toEqual([
      ['York', true],
      ['London', false],
      ['Bath', false],
    ]);
    const moved = await call<{ setDefaultAddress: { address: AddressView } }>(setDefault, { input: { id: second.id } }, userId);
    expect(moved.data!.setDefaultAddress.address).toEqual({ id: second.id, isDefault: true });
    expect((await listOf(userId)).filter((a) => a.isDefault).map((a) => a.id)).toEqual([second.id]);
    expect(third.id).not.toBe(second.id);
  });

  it('edits and removes, handing the default to the oldest address left', async () => {
    const userId = await newAccount();
    const first = await add(userId, home);
    const second = await add(userId, { ...home, city: 'Bath' });
    const edited = await call<{ updateAddress: { address: AddressView } }>(
      updateAddress,
      { input: { id: first.id, address: { ...home, city: 'Cambridge', country: 'GB' } } },
      userId,
    );
    expect(edited.data!.updateAddress.address).toMatchObject({ id: first.id, city: 'Cambridge', isDefault: true });
    const removed = await call<{ removeAddress: { user: { addresses: { id: string; isDefault: boolean }[] }; errors: unknown[] } }>(
      removeAddress,
      { input: { id: first.id } },
      userId,
    );
    expect(removed.data!.removeAddress).toEqual({ user: { addresses: [{ id: second.id, isDefault: true }] }, errors: [] });
  });

  it('answers ADDRESS_LIMIT_REACHED in the payload once the account is full, and saves nothing', async () => {
    const userId = await newAccount();
    for (let index = 0; index < maxAddressesPerAccount; index++) await add(userId, { ...home, line1: `${index} Main Street` });
    const refused = await call<{ addAddress: { address: null; errors: { code: string; field: string[] | null }[] } }>(
      addAddress,
      { input: { address: home } },
      userId,
    );
    expect(refused.errors).toBeUndefined();
    expect(refused.data!.addAddress).toMatchObject({ address: null, errors: [{ code: 'ADDRESS_LIMIT_REACHED', field: null }] });
    expect(await listOf(userId)).toHaveLength(maxAddressesPerAccount);
  });

  it('refuses malformed text as BAD_USER_INPUT naming the field, and keeps accounts apart', async () => {
    const userId = await newAccount();
    const other = await newAccount();
    const bad = await call(addAddress, { input: { address: { ...home, country: 'Britain' } } }, userId);
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentName: 'input.address.country' });
    const mine = await add(userId, home);
    expect(errorCodes(await call(updateAddress, { input: { id: mine.id, address: home } }, other))).toEqual(['NOT_FOUND']);
    expect(errorCodes(await call(removeAddress, { input: { id: mine.id } }, other))).toEqual(['NOT_FOUND']);
    expect(errorCodes(await call(setDefault, { input: { id: 'nope' } }, userId))).toEqual(['NOT_FOUND']);
    expect((await call(myAddresses, { id: userId }, other)).data).toEqual({ user: null });
    const throughEntity = 'query($r: [_Any!]!) { _entities(representations: $r) { ... on User { addresses { id } } } }';
    expect(errorCodes(await call(throughEntity, { r: [{ __typename: 'User', id: userId }] }, other))).toEqual(['FORBIDDEN']);
    expect((await call<{ user: { addresses: AddressView[] } }>(myAddresses, { id: userId }, '1', 'ADMIN')).data!.user.addresses).toHaveLength(1);
    expect(errorCodes(await postGraphQL(users.graphqlUrl, addAddress, { input: { address: home } }, { headers: asService }))).toEqual(['UNAUTHENTICATED']);
  });
});
