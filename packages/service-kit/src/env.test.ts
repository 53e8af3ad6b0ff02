import { describe, expect, it } from 'vitest';
import { assertProductionSecrets, commonEnv, databaseEnv, EnvError, parseEnv, port, storeEnv } from './env';

const shape = { ...commonEnv, ...databaseEnv, ...storeEnv, PORT: port(4003) };

describe('service environment', () => {
  it('parses a good environment into typed values with defaults', () => {
    const env = parseEnv(shape, { DATABASE_URL: 'mysql://orders@db:3306/rtc_orders', PORT: '5000' });
    expect(env).toMatchObject({ PORT: 5000, NODE_ENV: 'development', LOG_LEVEL: 'info', STORE_TIMEZONE: 'UTC' });
  });

  it('names every bad variable at once', () => {
    let error: unknown;
    try {
      parseEnv(shape, { PORT: 'eighty', STORE_TIMEZONE: 'Mars/Olympus', LOG_LEVEL: 'loud' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(EnvError);
    const names = (error as EnvError).problems.map((problem) => problem.split(':')[0]);
    expect(names.sort()).toEqual(['DATABASE_URL', 'LOG_LEVEL', 'PORT', 'STORE_TIMEZONE']);
    expect((error as EnvError).problems.find((problem) => problem.startsWith('DATABASE_URL'))).toContain('not set');
  });

  it('refuses the development secrets in production', () => {
    const env = parseEnv({ ...commonEnv }, { NODE_ENV: 'production' });
    expect(() => assertProductionSecrets(env)).toThrow('INTERNAL_TOKEN: must be set in production');
  });
});
