import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAccessToken, type Role } from '@rtc/service-kit';
import {
  asService,
  asUser,
  createTestDatabase,
  errorCodes,
  postGraphQL,
  queryRows,
  sqlQueryCount,
  startService,
  testInternalToken,
  testJwtSecret,
  type RunningService,
  type TestDatabase,
} from '@rtc/testkit';
import { usersMigrations } from './migrations';
import { createUsersSubgraph } from './subgraph';

let database: TestDatabase;
let users: RunningService<Awaited<ReturnType<typeof createUsersSubgraph>>>;

const internal = asService;
const as = (userId: string, role: Role = 'CUSTOMER') => asUser(role, userId);

const signUp = `mutation SignUp($input: SignUpInput!) { signUp(input: $input) { token user { id email name role } errors { code field } } }`;

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

describe('users subgraph', () => {
  it('signs up a customer and returns a token the gateway accepts', async () => {
    const result = await postGraphQL<{ signUp: { token: string; user: { id: string; role: string } } }>(
      users.graphqlUrl,
      signUp,
      { input: { email: 'Ada@Example.com', password: 'correct horse battery', name: 'Ada' } },
      { headers: internal },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data?.signUp.user.role).toBe('CUSTOMER');
    const check = await verifyAccessToken(result.data!.signUp.token, testJwtSecret);
    expect(check).toEqual({ ok: true, caller: { userId: result.data!.signUp.user.id, role: 'CUSTOMER' }, tokenVersion: 0, expiresAt: expect.any(Number) });
  });

  it('refuses a second account with the same email and writes nothing', async () => {
    const input = { email: 'twice@example.com', password: 'long enough password', name: 'Twice' };
    await postGraphQL(users.graphqlUrl, signUp, { input }, { headers: internal });
    const again = await postGraphQL(users.graphqlUrl, signUp, { input: { ...input, email: 'TWICE@example.com' } }, { headers: internal });
    expect(again.errors).toBeUndefined();
    expect(again.data).toEqual({ signUp: { token: null, user: null, errors: [{ code: 'CONFLICT', field: ['input', 'email'] }] } });
    const rows = await queryRows<{ n: number }>(database.url, 'SELECT COUNT(*) AS n FROM users WHERE email = ?', ['twice@example.com']);
    expect(rows[0]?.n).toBe(1);
  });

  it.each([
    [{ email: 'not-an-email', password: 'long enough password', name: 'X' }, 'input.email'],
    [{ email: 'short@example.com', password: 'short', name: 'X' }, 'input.password'],
    [{ email: 'noname@example.com', password: 'long enough password', name: '  ' }, 'input.name'],
  ])('rejects bad sign-up input %j naming %s', async (input, argument) => {
    const result = await postGraphQL(users.graphqlUrl, signUp, { input }, { headers: internal });
    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors?.[0]?.message).toContain(argument);
  });

  it('logs in with the right password only', async () => {
    const logIn = `mutation($input: LogInInput!) { logIn(input: $input) { user { email } errors { code message } } }`;
    const ok = await postGraphQL(users.graphqlUrl, logIn, { input: { email: 'ada@example.com', password: 'correct horse battery' } }, { headers: internal });
    expect(ok.errors).toBeUndefined();
    expect(ok.data).toEqual({ logIn: { user: { email: 'ada@example.com' }, errors: [] } });
    const wrong = await postGraphQL(users.graphqlUrl, logIn, { input: { email: 'ada@example.com', password: 'wrong password!!' } }, { headers: internal });
    expect(wrong.errors).toBeUndefined();
    expect(wrong.data).toEqual({ logIn: { user: null, errors: [{ code: 'UNAUTHENTICATED', message: 'Email or password is wrong' }] } });
  });

  it('refuses calls without the internal token', async () => {
    const result = await postGraphQL(users.graphqlUrl, '{ me { id } }');
    expect(result.status).toBe(401);
    expect(errorCodes(result)).toEqual(['UNAUTHENTICATED']);
  });

  it('resolves many user references with one SQL query and unknown ids as null', async () => {
    const created = await Promise.all(
      ['b1', 'b2', 'b3'].map((name) =>
        postGraphQL<{ signUp: { user: { id: string } } }>(
          users.graphqlUrl,
          signUp,
          { input: { email: `${name}@example.com`, password: 'long enough password', name } },
          { headers: internal },
        ),
      ),
    );
    const ids = created.map((result) => result.data!.signUp.user.id);
    const before = await sqlQueryCount(users.metrics);
    const result = await postGraphQL<{ _entities: ({ id: string; name: string } | null)[] }>(
      users.graphqlUrl,
      `query($representations: [_Any!]!) { _entities(representations: $representations) { ... on User { id name } } }`,
      { representations: [...ids, '999999', 'abc'].map((id) => ({ __typename: 'User', id })) },
      { headers: as(ids[0]!, 'ADMIN') },
    );
    expect(await sqlQueryCount(users.metrics)).toBe(before + 1);
    expect(result.data?._entities.map((user) => user?.name ?? null)).toEqual(['b1', 'b2', 'b3', null, null]);
  });

  it('publishes UserSignedUp through the outbox', async () => {
    const seen: string[] = [];
    const unsubscribe = users.bus.subscribe((event) => seen.push(event.type));
    await postGraphQL(users.graphqlUrl, signUp, { input: { email: 'evt@example.com', password: 'long enough password', name: 'E' } }, { headers: internal });
    await users.service.relay.drain();
    unsubscribe();
    expect(seen).toContain('UserSignedUp');
  });
});
