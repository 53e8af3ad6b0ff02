import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InternalHeader } from '@rtc/service-kit';
import {
  asService,
  createTestDatabase,
  failureCodes,
  payloadErrorCodes,
  postGraphQL,
  startService,
  testInternalToken,
  testJwtSecret,
  type GraphQLResult,
  type RunningService,
  type TestDatabase,
} from '@rtc/testkit';
import { usersMigrations } from '../migrations';
import { createUsersSubgraph, type UsersAbuseConfig } from '../subgraph';
import { defaultAttemptLimits } from './attempt-limits';

const signUpMutation = `mutation SignUp($input: SignUpInput!) { signUp(input: $input) { user { id } } }`;
const logInMutation = `mutation LogIn($input: LogInInput!) { logIn(input: $input) { token errors { code message } } }`;
const password = 'the right password';
const redisUrl = 'redis://127.0.0.1:6379';

type UsersService = RunningService<Awaited<ReturnType<typeof createUsersSubgraph>>>;

let database: TestDatabase;
const services: UsersService[] = [];

async function startUsers(abuse: UsersAbuseConfig): Promise<UsersService> {
  const service = await startService('users', database.url, (deps) =>
    createUsersSubgraph({ production: false, internalToken: testInternalToken, jwtSecret: testJwtSecret, tokenTtlSeconds: 600, abuse }, deps),
  );
  services.push(service);
  return service;
}

const fromAddress = (address: string) => ({ headers: { ...asService, [InternalHeader.ClientAddress]: address } });
const randomAddress = () => `10.${[1, 2, 3].map(() => Math.floor(Math.random() * 250) + 1).join('.')}`;
const uniqueEmail = () => `${randomBytes(6).toString('hex')}@limits.example`;

function logIn(
  users: UsersService,
  email: string,
  pass: string,
  address = randomAddress(),
): Promise<GraphQLResult<{ logIn: { token: string | null; errors: { code: string; message: string }[] } }>> {
  return postGraphQL(users.graphqlUrl, logInMutation, { input: { email, password: pass } }, fromAddress(address));
}

async function signUp(users: UsersService, email = uniqueEmail(), address = randomAddress()) {
  return postGraphQL(users.graphqlUrl, signUpMutation, { input: { email, password, name: 'Limits' } }, fromAddress(address));
}

function expectRateLimited(result: GraphQLResult<unknown>) {
  expect(result.status).toBe(429);
  expect(failureCodes(result)).toEqual(['RATE_LIMITED']);
  expect(Number(result.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
}

let production: UsersService;

beforeAll(async () => {
  database = await createTestDatabase('users', usersMigrations);
  production = await startUsers({});
});

afterAll(async () => {
  for (const service of services) await service.stop();
  await database?.drop();
});

describe('log-in limits', () => {
  it('refuses the right password after 60 wrong ones with 429 RATE_LIMITED and Retry-After', async () => {
    const email = uniqueEmail();
    await signUp(production, email);
    const wrong: GraphQLResult<unknown>[] = [];
    for (let i = 0; i < 60; i++) wrong.push(await logIn(production, email, `wrong password ${i}`));
    expect(wrong.slice(0, 5).map(payloadErrorCodes)).toEqual(Array(5).fill(['UNAUTHENTICATED']));
    for (const refused of wrong.slice(5)) expectRateLimited(refused);

    const right = await logIn(production, email, password);
    expectRateLimited(right);
    expect(right.data?.logIn).toBeFalsy();
    expect(Number(right.headers.get('retry-after'))).toBeGreaterThan(60);
  });

  it('keeps the account locked when the guesses move to another address', async () => {
    const email = uniqueEmail();
    await signUp(production, email);
    for (let i = 0; i < 5; i++) await logIn(production, email, 'wrong password!!', '192.0.2.10');
    expectRateLimited(await logIn(production, email, password, '198.51.100.20'));
  });

  it('lets a customer log in once, the normal way', async () => {
    const email = uniqueEmail();
    await signUp(production, email);
    const result = await logIn(production, email, password);
    expect(result.status).toBe(200);
    expect(result.data?.logIn.token).toEqual(expect.any(String));
  });

  it('forgets earlier failures once the right password is given', async () => {
    const email = uniqueEmail();
    await signUp(production, email);
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 4; i++) expect(failureCodes(await logIn(production, email, 'wrong password!!'))).toEqual(['UNAUTHENTICATED']);
      expect((await logIn(production, email, password)).data?.logIn.token).toEqual(expect.any(String));
    }
  });

  it('refuses failed log-ins from one address across many emails', async () => {
    const address = randomAddress();
    const { points } = defaultAttemptLimits.logInFailuresPerAddress;
    for (let i = 0; i < points; i++) expect(failureCodes(await logIn(production, uniqueEmail(), 'wrong password!!', address))).toEqual(['UNAUTHENTICATED']);
    expectRateLimited(await logIn(production, uniqueEmail(), 'wrong password!!', address));
    expect(failureCodes(await logIn(production, uniqueEmail(), 'wrong password!!', randomAddress()))).toEqual(['UNAUTHENTICATED']);
  });

  it('lets the account in again once its lock is over', async () => {
    const users = await startUsers({
      attempts: { ...defaultAttemptLimits, logInFailuresPerAccount: { points: 2, windowSeconds: 1, blockSeconds: 2 } },
    });
    const email = uniqueEmail();
    await signUp(users, email);
    for (let i = 0; i < 3; i++) await logIn(users, email, 'wrong password!!');
    expectRateLimited(await logIn(users, email, password));
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect((await logIn(users, email, password)).data?.logIn.token).toEqual(expect.any(String));
  });

  it('counts an account failures across replicas through Redis', async () => {
    const abuse = { redisUrl, keyPrefix: `rtc:test:${randomBytes(4).toString('hex')}:users` };
    const [one, two] = [await startUsers(abuse), await startUsers(abuse)];
    const email = uniqueEmail();
    await signUp(one, email);
    // The first commands may run before the connection is up and go to the in-memory insurance; wait for it.
    await new Promise((resolve) => setTimeout(resolve, 300));
    for (let i = 0; i < 3; i++) await logIn(one, email, 'wrong password!!');
    for (let i = 0; i < 2; i++) await logIn(two, email, 'wrong password!!');
    expectRateLimited(await logIn(one, email, password));
    expectRateLimited(await logIn(two, email, password));
  });
});

describe('sign-up limits', () => {
  it('refuses sign-ups from one address past its limit, and not from another', async () => {
    const users = await startUsers({ attempts: { ...defaultAttemptLimits, signUpsPerAddress: { points: 3, windowSeconds: 60 } } });
    const address = randomAddress();
    for (let i = 0; i < 3; i++) expect((await signUp(users, uniqueEmail(), address)).errors).toBeUndefined();
    expectRateLimited(await signUp(users, uniqueEmail(), address));
    expect((await signUp(users, uniqueEmail(), randomAddress())).errors).toBeUndefined();
  });
});

describe('account enumeration', () => {
  it('answers an unknown email as slowly and in the same words as a known one', async () => {
    const users = await startUsers({
      attempts: {
        ...defaultAttemptLimits,
        logInFailuresPerAccount: { points: 1_000, windowSeconds: 60 },
        logInFailuresPerAddress: { points: 1_000, windowSeconds: 60 },
      },
    });
    const known = uniqueEmail();
    await signUp(users, known);
    const timed = async (email: string) => {
      const started = performance.now();
      const result = await logIn(users, email, 'wrong password!!');
      return { ms: performance.now() - started, graphqlErrors: result.errors, errors: result.data?.logIn.errors };
    };
    await timed(uniqueEmail());
    const knownRuns = [];
    const unknownRuns = [];
    for (let i = 0; i < 15; i++) {
      knownRuns.push(await timed(known));
      unknownRuns.push(await timed(uniqueEmail()));
    }
    expect(new Set([...knownRuns, ...unknownRuns].map((run) => JSON.stringify([run.graphqlErrors, run.errors])))).toEqual(
      new Set([JSON.stringify([undefined, [{ code: 'UNAUTHENTICATED', message: 'Email or password is wrong' }]])]),
    );
    const median = (runs: { ms: number }[]) => runs.map((run) => run.ms).sort((a, b) => a - b)[Math.floor(runs.length / 2)]!;
    const [knownMs, unknownMs] = [median(knownRuns), median(unknownRuns)];
    expect(Math.abs(knownMs - unknownMs) / Math.max(knownMs, unknownMs), `known ${knownMs} ms, unknown ${unknownMs} ms`).toBeLessThan(0.35);
  });
});
