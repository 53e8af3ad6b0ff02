import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAccessToken } from '@rtc/service-kit';
import {
  asService,
  asUser,
  createTestDatabase,
  errorCodes,
  failureCodes,
  payloadErrorCodes,
  postGraphQL,
  queryRows,
  startService,
  testInternalToken,
  testJwtSecret,
  type RunningService,
  type TestDatabase,
} from '@rtc/testkit';
import { usersMigrations } from '../migrations';
import { createUsersSubgraph } from '../subgraph';

let database: TestDatabase;
let users: RunningService<Awaited<ReturnType<typeof createUsersSubgraph>>>;

interface Session {
  token: string;
  refreshToken: string;
  refreshExpiresAt: string;
  user: { id: string };
}
const sessionFields = 'token refreshToken refreshExpiresAt user { id } errors { code }';
const password = 'correct horse battery';

const call = <T>(query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = asService) =>
  postGraphQL<T>(users.graphqlUrl, query, variables, { headers });

async function signUp(): Promise<Session> {
  const email = `${randomBytes(6).toString('hex')}@example.com`;
  const result = await call<{ signUp: Session }>(`mutation($input: SignUpInput!) { signUp(input: $input) { ${sessionFields} } }`, {
    input: { email, password, name: 'Grace' },
  });
  expect(result.errors).toBeUndefined();
  return result.data!.signUp;
}

const refresh = (refreshToken: string) =>
  call<{ refreshSession: Session }>(`mutation($t: String!) { refreshSession(input: { refreshToken: $t }) { ${sessionFields} } }`, { t: refreshToken });

const versionOf = async (token: string) => {
  const check = await verifyAccessToken(token, testJwtSecret);
  return check.ok ? check.tokenVersion : undefined;
};

const standing = async (userId: string) => {
  const result = await call<{ accountStandings: { userId: string; role: string; tokenVersion: number; disabled: boolean }[] }>(
    'query($ids: [ID!]!) { accountStandings(userIds: $ids) { userId role tokenVersion disabled } }',
    { ids: [userId] },
  );
  return result.data?.accountStandings[0];
};

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

describe('sessions', () => {
  it('stores refresh tokens only as sha256 hashes', async () => {
    const session = await signUp();
    const rows = await queryRows<{ token_hash: string }>(database.url, 'SELECT token_hash FROM refresh_tokens WHERE user_id = ?', [session.user.id]);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(rows[0]!.token_hash).not.toContain(session.refreshToken);
  });

  it('rotates the refresh token on every use', async () => {
    const first = await signUp();
    const second = await refresh(first.refreshToken);
    expect(second.errors).toBeUndefined();
    expect(second.data!.refreshSession.refreshToken).not.toBe(first.refreshToken);
    expect(second.data!.refreshSession.user.id).toBe(first.user.id);
    const third = await refresh(second.data!.refreshSession.refreshToken);
    expect(third.errors).toBeUndefined();
  });

  it('ends the whole session when a spent refresh token is used again', async () => {
    const first = await signUp();
    const second = (await refresh(first.refreshToken)).data!.refreshSession;
    expect(errorCodes(await refresh(first.refreshToken))).toEqual(['UNAUTHENTICATED']);
    // The thief's reuse also ends the legitimate holder's newer token of the same family.
    expect(errorCodes(await refresh(second.refreshToken))).toEqual(['UNAUTHENTICATED']);
  });

  it('logs out by revoking the refresh token', async () => {
    const session = await signUp();
    const out = await call<{ logOut: { loggedOut: boolean } }>('mutation($t: String!) { logOut(input: { refreshToken: $t }) { loggedOut } }', {
      t: session.refreshToken,
    });
    expect(out.data?.logOut.loggedOut).toBe(true);
    expect(errorCodes(await refresh(session.refreshToken))).toEqual(['UNAUTHENTICATED']);
  });

  it('revokes every token and session on log-out everywhere', async () => {
    const session = await signUp();
    const other = await refresh(session.refreshToken);
    const before = (await standing(session.user.id))!.tokenVersion;
    const out = await call<{ logOutEverywhere: { loggedOut: boolean } }>(
      'mutation { logOutEverywhere { loggedOut } }',
      {},
      asUser('CUSTOMER', session.user.id),
    );
    expect(out.data?.logOutEverywhere.loggedOut).toBe(true);
    expect((await standing(session.user.id))!.tokenVersion).toBe(before + 1);
    expect(errorCodes(await refresh(other.data!.refreshSession.refreshToken))).toEqual(['UNAUTHENTICATED']);
  });

  it('revokes old tokens on a password change and issues a session at the new version', async () => {
    const session = await signUp();
    const changed = await call<{ changePassword: Session }>(
      `mutation { changePassword(input: { currentPassword: "${password}", newPassword: "another long password" }) { ${sessionFields} } }`,
      {},
      asUser('CUSTOMER', session.user.id),
    );
    expect(changed.errors).toBeUndefined();
    expect(await versionOf(changed.data!.changePassword.token)).toBe((await versionOf(session.token))! + 1);
    expect(errorCodes(await refresh(session.refreshToken))).toEqual(['UNAUTHENTICATED']);
  });
});

describe('account administration', () => {
  const disable = `mutation($id: ID!) { disableUser(input: { id: $id }) { user { id disabledAt } } }`;
  const enable = `mutation($id: ID!) { enableUser(input: { id: $id }) { user { id disabledAt } } }`;

  it('lets only an admin disable an account', async () => {
    const session = await signUp();
    expect(errorCodes(await call(disable, { id: session.user.id }, asUser('ANALYST', '999')))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await call(disable, { id: session.user.id }, asUser('CUSTOMER', session.user.id)))).toEqual(['FORBIDDEN']);
    expect((await standing(session.user.id))!.disabled).toBe(false);
  });

  it('disables an account: its version moves on, its sessions end, it cannot log in until enabled', async () => {
    const session = await signUp();
    const [row] = await queryRows<{ email: string }>(database.url, 'SELECT email FROM users WHERE id = ?', [session.user.id]);
    const logIn = () =>
      call<{ logIn: Session }>(`mutation($e: String!, $p: String!) { logIn(input: { email: $e, password: $p }) { ${sessionFields} } }`, {
        e: row!.email,
        p: password,
      });

    const disabled = await call<{ disableUser: { user: { disabledAt: string | null } } }>(disable, { id: session.user.id }, asUser('ADMIN', '999'));
    expect(disabled.data?.disableUser.user.disabledAt).toEqual(expect.any(String));
    expect(await standing(session.user.id)).toMatchObject({ disabled: true, tokenVersion: 1 });
    expect(errorCodes(await refresh(session.refreshToken))).toEqual(['UNAUTHENTICATED']);
    const refused = await logIn();
    expect(refused.errors).toBeUndefined();
    expect(payloadErrorCodes(refused)).toEqual(['UNAUTHENTICATED']);

    await call(enable, { id: session.user.id }, asUser('ADMIN', '999'));
    const again = await logIn();
    expect(failureCodes(again)).toEqual([]);
    expect(await versionOf(again.data!.logIn.token)).toBe(1);
  });

  it('revokes tokens when an admin changes a role', async () => {
    const session = await signUp();
    const promoted = await call<{ setUserRole: { user: { role: string } } }>(
      'mutation($id: ID!) { setUserRole(input: { id: $id, role: ANALYST }) { user { role } } }',
      { id: session.user.id },
      asUser('ADMIN', '999'),
    );
    expect(promoted.data?.setUserRole.user.role).toBe('ANALYST');
    expect(await standing(session.user.id)).toMatchObject({ role: 'ANALYST', tokenVersion: 1 });
    const renewed = await refresh(session.refreshToken);
    const check = await verifyAccessToken(renewed.data!.refreshSession.token, testJwtSecret);
    expect(check).toMatchObject({ ok: true, caller: { role: 'ANALYST' }, tokenVersion: 1 });
  });

  it('answers account standings to RTC services only, never on behalf of a user', async () => {
    const session = await signUp();
    const asCustomer = await call('query($ids: [ID!]!) { accountStandings(userIds: $ids) { userId } }', { ids: [session.user.id] }, asUser('ADMIN', '1'));
    expect(errorCodes(asCustomer)).toEqual(['FORBIDDEN']);
    expect(await standing('987654321')).toBeUndefined();
  });
});
