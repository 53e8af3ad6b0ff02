import { z } from 'zod';
import type { UsersAbuseConfig } from './subgraph';
import { assertProductionSecrets, commonEnv, databaseEnv, jwtEnv, loadEnv, port } from '@rtc/service-kit';

const count = (fallback: number) => z.coerce.number().int().min(1).max(1_000_000).default(fallback);
const seconds = (fallback: number) => z.coerce.number().int().min(1).max(86_400).default(fallback);

// The only file of this service that reads process.env.

export function loadUsersEnv() {
  const env = loadEnv(
    {
      ...commonEnv,
      ...databaseEnv,
      ...jwtEnv,
      PORT: port(4001),
      TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(86_400).default(900),
      REFRESH_TOKEN_TTL_SECONDS: z.coerce
        .number()
        .int()
        .min(300)
        .max(90 * 86_400)
        .default(30 * 86_400),
      RATE_LIMIT_LOGIN_ACCOUNT_FAILURES: count(5),
      RATE_LIMIT_LOGIN_ACCOUNT_LOCK_SECONDS: seconds(15 * 60),
      RATE_LIMIT_LOGIN_ADDRESS_FAILURES: count(20),
      RATE_LIMIT_LOGIN_ADDRESS_WINDOW_SECONDS: seconds(60),
      RATE_LIMIT_SIGNUP_ADDRESS: count(20),
      RATE_LIMIT_SIGNUP_ADDRESS_WINDOW_SECONDS: seconds(60 * 60),
      PASSWORD_RESET_TTL_SECONDS: z.coerce
        .number()
        .int()
        .min(60)
        .max(86_400)
        .default(30 * 60),
      RATE_LIMIT_PASSWORD_RESET_EMAIL: count(3),
      RATE_LIMIT_PASSWORD_RESET_ADDRESS: count(10),
      RATE_LIMIT_PASSWORD_RESET_WINDOW_SECONDS: seconds(60 * 60),
      PASSWORD_HASH_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
      PASSWORD_HASH_QUEUE: z.coerce.number().int().min(0).max(10_000).default(64),
    },
    process.env,
  );
  assertProductionSecrets(env);
  return env;
}

export type UsersEnv = ReturnType<typeof loadUsersEnv>;

/** The log-in, sign-up and hashing limits the environment asks for. */
export function abuseConfigOf(env: UsersEnv): UsersAbuseConfig {
  return {
    redisUrl: env.REDIS_URL,
    attempts: {
      logInFailuresPerAccount: {
        points: env.RATE_LIMIT_LOGIN_ACCOUNT_FAILURES,
        windowSeconds: env.RATE_LIMIT_LOGIN_ACCOUNT_LOCK_SECONDS,
        blockSeconds: env.RATE_LIMIT_LOGIN_ACCOUNT_LOCK_SECONDS,
      },
      logInFailuresPerAddress: {
        points: env.RATE_LIMIT_LOGIN_ADDRESS_FAILURES,
        windowSeconds: env.RATE_LIMIT_LOGIN_ADDRESS_WINDOW_SECONDS,
        blockSeconds: env.RATE_LIMIT_LOGIN_ADDRESS_WINDOW_SECONDS,
      },
      signUpsPerAddress: { points: env.RATE_LIMIT_SIGNUP_ADDRESS, windowSeconds: env.RATE_LIMIT_SIGNUP_ADDRESS_WINDOW_SECONDS },
      resetRequestsPerEmail: { points: env.RATE_LIMIT_PASSWORD_RESET_EMAIL, windowSeconds: env.RATE_LIMIT_PASSWORD_RESET_WINDOW_SECONDS },
      resetRequestsPerAddress: { points: env.RATE_LIMIT_PASSWORD_RESET_ADDRESS, windowSeconds: env.RATE_LIMIT_PASSWORD_RESET_WINDOW_SECONDS },
    },
    passwordHashing: { concurrency: env.PASSWORD_HASH_CONCURRENCY, maxQueued: env.PASSWORD_HASH_QUEUE },
  };
}

export function loadMigrationEnv() {
  return loadEnv(databaseEnv, process.env);
}
