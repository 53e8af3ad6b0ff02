import { z } from 'zod';

export type EnvSource = Record<string, string | undefined>;

/** Thrown when the environment does not satisfy a service's model; lists every problem, each naming its variable. */
export class EnvError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid environment:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'EnvError';
  }
}

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export const port = (fallback: number) => z.coerce.number().int().min(1).max(65535).default(fallback);

/** Variables every RTC service reads. */
export const commonEnv = {
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(logLevels).default('info'),
  INTERNAL_TOKEN: z.string().min(16).default('rtc-development-internal-token'),
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
  // Approximate length bound of the event log (a Redis stream): how far back consumers and live subscribers can resume.
  EVENT_LOG_MAX_LENGTH: z.coerce.number().int().min(1_000).max(100_000_000).default(100_000),
  // OpenTelemetry's own names; without an endpoint no tracing SDK starts.
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  OTEL_SERVICE_NAME: z
    .string()
    .regex(/^[\w.-]{1,64}$/, 'must be letters, digits, _, . or -')
    .optional(),
  // From SIGTERM to exit; past it the process exits 1. Kubernetes' terminationGracePeriodSeconds must cover it plus the preStop pause.
  SHUTDOWN_GRACE_SECONDS: z.coerce.number().min(1).max(300).default(20),
  // After SIGTERM, how long /readyz answers 503 while requests are still served, before the listener closes.
  SHUTDOWN_DELAY_SECONDS: z.coerce.number().min(0).max(60).default(0),
};

export const databaseEnv = {
  DATABASE_URL: z.url({ protocol: /^mysql$/ }),
};

export const jwtEnv = {
  JWT_SECRET: z.string().min(32).default('rtc-development-jwt-secret-change-me-0000'),
};

export const storeEnv = {
  STORE_TIMEZONE: z
    .string()
    .refine((zone) => isTimeZone(zone), 'must be an IANA time zone such as Europe/Berlin')
    .default('UTC'),
};

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Parses `source` against `shape`; throws an EnvError naming every bad variable. */
export function parseEnv<T extends z.ZodRawShape>(shape: T, source: EnvSource): z.infer<z.ZodObject<T>> {
  const result = z.object(shape).safeParse(source);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const name = issue.path.join('.');
    const value = source[name];
    return value === undefined ? `${name}: ${issue.message} (not set)` : `${name}: ${issue.message}`;
  });
  throw new EnvError(problems);
}

/** parseEnv for a service's main(): prints every problem and exits non-zero instead of throwing. */
export function loadEnv<T extends z.ZodRawShape>(shape: T, source: EnvSource): z.infer<z.ZodObject<T>> {
  try {
    return parseEnv(shape, source);
  } catch (error) {
    if (!(error instanceof EnvError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}

/** Production refuses the development defaults of secrets. */
export function assertProductionSecrets(env: { NODE_ENV: string } & Partial<Record<'INTERNAL_TOKEN' | 'JWT_SECRET', string>>): void {
  if (env.NODE_ENV !== 'production') return;
  const weak = (['INTERNAL_TOKEN', 'JWT_SECRET'] as const).filter((name) => env[name]?.startsWith('rtc-development-'));
  if (weak.length > 0) throw new EnvError(weak.map((name) => `${name}: must be set in production`));
}
