import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InternalHeader } from '@rtc/service-kit';
import {
  asService,
  asUser,
  createTestDatabase,
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
import type { PasswordResetMessage } from './password-reset-delivery';

let database: TestDatabase;
let users: RunningService<Awaited<ReturnType<typeof createUsersSubgraph>>>;
const delivered: PasswordResetMessage[] = [];

const session = 'token refreshToken user { id email name } errors { code field }';
const signUp = `mutation($input: SignUpInput!) { signUp(input: $input) { ${session} } }`;
const logIn = `mutation($input: LogInInput!) { logIn(input: $input) { ${session} } }`;
const refresh = `mutation($input: RefreshSessionInput!) { refreshSession(input: $input) { token errors { code } } }`;
const updateProfile = `mutation($input: UpdateProfileInput!) { updateProfile(input: $input) { user { id email name } errors { code field } } }`;
const changePassword = `mutation($input: ChangePasswordInput!) { changePassword(input: $input) { ${session} } }`;
const requestReset = `mutation($input: RequestPasswordResetInput!) { requestPasswordReset(input: $input) { requested errors { code } } }`;
const completeReset = `mutation($input: CompletePasswordResetInput!) { completePasswordReset(input: $input) { ${session} } }`;

interface Session {
  token: string;
  refreshToken: string;
  user: { id: string; email: string | null; name: string };
}

// Each test has its own client address, so the per-address limits of one do not reach another.
let addresses = 0;
const fromAddress = () => ({ ...asService, [InternalHeader.ClientAddress]: `198.51.100.${++addresses}` });

async function call<T>(query: string, variables: Record<string, unknown>, headers: Record<string, string> = asService) {
  return postGraphQL<T>(users.graphqlUrl, query, variables, { headers });
}

async function newAccount(email: string, password = 'first password 123'): Promise<Session> {
  const result = await call<{ signUp: Session }>(signUp, { input: { email, password, name: 'Grace' } }, fromAddress());
  expect(result.errors).toBeUndefined();
  return result.data!.signUp;
}

const own = (account: Session) => asUser('CUSTOMER', account.user.id);

async function tokenDeliveredTo(email: string, since: number): Promise<string> {
  await users.service.passwordReset.settled();
  const message = delivered.slice(since).find((sent) => sent.email === email);
  if (!message) throw new Error(`no reset token was delivered to ${email}`);
  return message.token;
}

beforeAll(async () => {
  database = await createTestDatabase('users', usersMigrations);
  users = await startService('users', database.url, (deps) =>
    createUsersSubgraph({ production: false, internalToken: testInternalToken, jwtSecret: testJwtSecret, tokenTtlSeconds: 600 }, deps, {
      passwordResetDelivery: { deliver: async (message) => void delivered.push(message) },
    }),
  );
});

afterAll(async () => {
  await users?.stop();
  await database?.drop();
});

describe('sign-up and log-in payloads', () => {
  it("carry the user's own email, though the request had no token yet", async () => {
    const account = await newAccount('Own.Email@example.com');
    expect(account.user.email).toBe('own.email@example.com');
    const again = await call<{ logIn: Session }>(logIn, { input: { email: 'own.email@example.com', password: 'first password 123' } });
    expect(again.data?.logIn.user.email).toBe('own.email@example.com');
  });

  it('still hide the email of a user seen through someone else', async () => {
    const account = await newAccount('hidden@example.com');
    const other = await call<{ user: { email: string | null } | null }>(
      'query($id: ID!) { user(id: $id) { email } }',
      { id: account.user.id },
      asUser('ANALYST', '1'),
    );
    expect(other.data?.user?.email).toBe('hidden@example.com');
    const entity = await call<{ _entities: { email: string | null }[] }>(
      'query($r: [_Any!]!) { _entities(representations: $r) { ... on User { email } } }',
      { r: [{ __typename: 'User', id: account.user.id }] },
      asUser('CUSTOMER', '999999'),
    );
    expect(entity.data?._entities[0]?.email).toBeNull();
  });
});

describe('updating the profile', () => {
  it('changes the name alone without a password', async () => {
    const account = await newAccount('rename@example.com');
    const result = await call<{ updateProfile: { user: { name: string; email: string } } }>(
      updateProfile,
      { input: { name: '  Grace Hopper ' } },
      own(account),
    );
    expect(result.data?.updateProfile).toMatchObject({ user: { name: 'Grace Hopper', email: 'rename@example.com' }, errors: [] });
  });

  it('changes the email with the current password, and the new email logs in', async () => {
    const account = await newAccount('move@example.com');
    const result = await call(updateProfile, { input: { email: 'Moved@Example.com', currentPassword: 'first password 123' } }, own(account));
    expect(failureCodes(result)).toEqual([]);
    expect(failureCodes(await call(logIn, { input: { email: 'moved@example.com', password: 'first password 123' } }))).toEqual([]);
    expect(failureCodes(await call(logIn, { input: { email: 'move@example.com', password: 'first password 123' } }))).toEqual(['UNAUTHENTICATED']);
  });

  it('refuses an email change without the password, with a wrong one, or to a taken email, and changes nothing', async () => {
    const account = await newAccount('stay@example.com');
    await newAccount('taken@example.com');
    const headers = { ...own(account), [InternalHeader.ClientAddress]: '198.51.100.250' };
    const cases: [Record<string, unknown>, string][] = [
      [{ email: 'elsewhere@example.com' }, 'BAD_USER_INPUT'],
      [{ email: 'elsewhere@example.com', currentPassword: 'not my password' }, 'UNAUTHENTICATED'],
      [{ email: 'taken@example.com', currentPassword: 'first password 123' }, 'CONFLICT'],
      [{ name: '' }, 'BAD_USER_INPUT'],
      [{}, 'BAD_USER_INPUT'],
    ];
    for (const [input, code] of cases) expect(failureCodes(await call(updateProfile, { input }, headers)), JSON.stringify(input)).toEqual([code]);
    // The expected failures are typed results naming the field at fault, not GraphQL errors.
    const taken = await call(updateProfile, { input: { email: 'taken@example.com', currentPassword: 'first password 123' } }, headers);
    expect(taken.errors).toBeUndefined();
    expect(taken.data).toEqual({ updateProfile: { user: null, errors: [{ code: 'CONFLICT', field: ['input', 'email'] }] } });
    const [row] = await queryRows<{ email: string; name: string }>(database.url, 'SELECT email, name FROM users WHERE id = ?', [account.user.id]);
    expect(row).toEqual({ email: 'stay@example.com', name: 'Grace' });
    expect(failureCodes(await call(updateProfile, { input: { name: 'Nobody' } }))).toEqual(['UNAUTHENTICATED']);
  });
});

describe('changing the password', () => {
  it('needs the current password, ends the other sessions and returns a new one', async () => {
    const account = await newAccount('change@example.com');
    const elsewhere = (await call<{ logIn: Session }>(logIn, { input: { email: 'change@example.com', password: 'first password 123' } })).data!.logIn;
    const wrong = await call(changePassword, { input: { currentPassword: 'wrong password!', newPassword: 'second password 456' } }, own(account));
    expect(wrong.errors).toBeUndefined();
    expect(payloadErrorCodes(wrong)).toEqual(['UNAUTHENTICATED']);
    const changed = await call<{ changePassword: Session }>(
      changePassword,
      { input: { currentPassword: 'first password 123', newPassword: 'second password 456' } },
      own(account),
    );
    expect(changed.errors).toBeUndefined();
    expect(changed.data?.changePassword.user.email).toBe('change@example.com');
    expect(failureCodes(await call(refresh, { input: { refreshToken: elsewhere.refreshToken } }))).toEqual(['UNAUTHENTICATED']);
    expect(failureCodes(await call(refresh, { input: { refreshToken: account.refreshToken } }))).toEqual(['UNAUTHENTICATED']);
    expect(failureCodes(await call(refresh, { input: { refreshToken: changed.data!.changePassword.refreshToken } }))).toEqual([]);
  });

  it('counts wrong current passwords against the log-in limit of the account', async () => {
    const account = await newAccount('guess@example.com');
    const codes: (string | undefined)[] = [];
    for (let attempt = 0; attempt < 6; attempt += 1) {
      codes.push(
        ...failureCodes(
          await call(changePassword, { input: { currentPassword: `guess number ${attempt}`, newPassword: 'second password 456' } }, own(account)),
        ),
      );
    }
    expect(codes).toEqual(['UNAUTHENTICATED', 'UNAUTHENTICATED', 'UNAUTHENTICATED', 'UNAUTHENTICATED', 'UNAUTHENTICATED', 'RATE_LIMITED']);
  });
});

describe('resetting a forgotten password', () => {
  it('answers true for an unknown email and sends nothing', async () => {
    const before = delivered.length;
    const result = await call<{ requestPasswordReset: { requested: boolean } }>(requestReset, { input: { email: 'nobody@example.com' } }, fromAddress());
    expect(result.data).toEqual({ requestPasswordReset: { requested: true, errors: [] } });
    await users.service.passwordReset.settled();
    expect(delivered.length).toBe(before);
  });

  it('delivers a token stored only as its hash; the token sets a new password once, and every session ends', async () => {
    const account = await newAccount('forgot@example.com');
    const before = delivered.length;
    const answer = await call<{ requestPasswordReset: { requested: boolean } }>(requestReset, { input: { email: 'Forgot@Example.com' } }, fromAddress());
    expect(answer.data).toEqual({ requestPasswordReset: { requested: true, errors: [] } });
    const token = await tokenDeliveredTo('forgot@example.com', before);
    const stored = await queryRows<{ token_hash: string }>(database.url, 'SELECT token_hash FROM password_reset_tokens WHERE user_id = ?', [account.user.id]);
    expect(stored).toEqual([{ token_hash: createHash('sha256').update(token).digest('hex') }]);

    const headers = fromAddress();
    const reset = await call<{ completePasswordReset: Session }>(completeReset, { input: { token, newPassword: 'brand new password' } }, headers);
    expect(reset.errors).toBeUndefined();
    expect(reset.data?.completePasswordReset.user.email).toBe('forgot@example.com');
    expect(failureCodes(await call(refresh, { input: { refreshToken: account.refreshToken } }))).toEqual(['UNAUTHENTICATED']);
    expect(failureCodes(await call(logIn, { input: { email: 'forgot@example.com', password: 'brand new password' } }))).toEqual([]);

    const again = await call(completeReset, { input: { token, newPassword: 'another new password' } }, headers);
    expect(failureCodes(again)).toEqual(['BAD_USER_INPUT']);
    expect(again.errors?.[0]?.message).toContain('token:');
  });

  it('refuses an expired token, and an older one once a newer was issued', async () => {
    await newAccount('twice-forgot@example.com');
    const headers = fromAddress();
    const first = delivered.length;
    await call(requestReset, { input: { email: 'twice-forgot@example.com' } }, headers);
    const older = await tokenDeliveredTo('twice-forgot@example.com', first);
    const second = delivered.length;
    await call(requestReset, { input: { email: 'twice-forgot@example.com' } }, headers);
    const newer = await tokenDeliveredTo('twice-forgot@example.com', second);
    expect(failureCodes(await call(completeReset, { input: { token: older, newPassword: 'brand new password' } }, headers))).toEqual(['BAD_USER_INPUT']);
    await queryRows(database.url, 'UPDATE password_reset_tokens SET expires_at = NOW(3) - INTERVAL 1 SECOND WHERE token_hash = ?', [
      createHash('sha256').update(newer).digest('hex'),
    ]);
    expect(failureCodes(await call(completeReset, { input: { token: newer, newPassword: 'brand new password' } }, headers))).toEqual(['BAD_USER_INPUT']);
    expect(failureCodes(await call(completeReset, { input: { token: 'made-up', newPassword: 'short' } }, headers))).toEqual(['BAD_USER_INPUT']);
  });

  it('limits requests per email, whether or not it has an account', async () => {
    const codes: (string | undefined)[] = [];
    for (let attempt = 0; attempt < 4; attempt += 1)
      codes.push(...failureCodes(await call(requestReset, { input: { email: 'flood@example.com' } }, fromAddress())));
    expect(codes).toEqual(['RATE_LIMITED']);
  });

  it('limits failed completions per address', async () => {
    const headers = fromAddress();
    const codes: (string | undefined)[] = [];
    for (let attempt = 0; attempt < 21; attempt += 1) {
      codes.push(...failureCodes(await call(completeReset, { input: { token: `guess-${attempt}`, newPassword: 'brand new password' } }, headers)));
    }
    expect(codes.slice(0, 20).every((code) => code === 'BAD_USER_INPUT')).toBe(true);
    expect(codes[20]).toBe('RATE_LIMITED');
  });
});
