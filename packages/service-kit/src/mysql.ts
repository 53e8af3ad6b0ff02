import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { createPool, type Pool, type PoolOptions, type SslOptions } from 'mysql2/promise';
import { Gauge } from 'prom-client';
import type { ServiceMetrics } from './metrics';
import { inSpan, inTrace, SpanKind, type Tracer } from './tracing';

export type { Pool };

export interface MysqlPoolOptions {
  readonly url: string;
  readonly connectionLimit?: number;
  /** How long opening a connection may take before the statement fails (SERVICE_UNAVAILABLE to the client). */
  readonly connectTimeoutMs?: number;
  readonly metrics?: ServiceMetrics;
  /** Each statement run inside a trace becomes a client span; absent, nothing is traced. */
  readonly tracer?: Tracer | undefined;
}

/** The database name in a mysql:// URL, or an error naming the URL's problem. */
export function databaseNameOf(url: string): string {
  const name = new URL(url).pathname.replace(/^\//, '');
  if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Error(`DATABASE_URL must name a database (letters, digits, _), got "${name}"`);
  return name;
}

export function withDatabase(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/** MySQL's `--ssl-mode` values, as a DATABASE_URL names them. */
export const sslModes = ['DISABLED', 'PREFERRED', 'REQUIRED', 'VERIFY_CA', 'VERIFY_IDENTITY'] as const;
export type SslMode = (typeof sslModes)[number];

function isSslMode(value: string): value is SslMode {
  return (sslModes as readonly string[]).includes(value);
}

function readCaFile(caFile: string): string {
  try {
    return readFileSync(caFile, 'utf8');
  } catch (error) {
    throw new Error(`DATABASE_URL ssl-ca names ${caFile}, which cannot be read: ${(error as Error).message}`);
  }
}

/**
 * TLS from the URL's `ssl-mode` (MySQL's names: REQUIRED encrypts; VERIFY_CA also checks the server's certificate
 * against `ssl-ca`, a PEM file; VERIFY_IDENTITY also checks that the certificate names the URL's host), e.g.
 * `mysql://u:p@rds-host/rtc_orders?ssl-mode=VERIFY_IDENTITY&ssl-ca=/etc/ssl/rds/global-bundle.pem`.
 * Without `ssl-ca` the verifying modes trust Node's built-in CAs. A URL that cannot be honoured is refused here, at start.
 */
export function connectionOptionsOf(url: string): { uri: string; ssl?: SslOptions } {
  const parsed = new URL(url);
  const mode = (parsed.searchParams.get('ssl-mode') ?? 'DISABLED').toUpperCase();
  const caFile = parsed.searchParams.get('ssl-ca');
  parsed.searchParams.delete('ssl-mode');
  parsed.searchParams.delete('ssl-ca');
  const uri = parsed.toString();
  if (!isSslMode(mode)) throw new Error(`DATABASE_URL ssl-mode must be one of ${sslModes.join(', ')}, got "${mode}"`);
  if (mode === 'DISABLED' || mode === 'PREFERRED') return { uri };
  // mysql2 checks an address against the name "localhost", so only a host name can be verified.
  if (mode === 'VERIFY_IDENTITY' && isIP(parsed.hostname.replace(/^\[|\]$/g, '')) !== 0) {
    throw new Error(`DATABASE_URL ssl-mode=VERIFY_IDENTITY needs the host name on the server's certificate, got the address ${parsed.hostname}`);
  }
  const verify = mode === 'VERIFY_CA' || mode === 'VERIFY_IDENTITY';
  return {
    uri,
    ssl: {
      minVersion: 'TLSv1.2',
      rejectUnauthorized: verify,
      // mysql2 checks the host name against the certificate only when told so; rejectUnauthorized alone checks the chain.
      verifyIdentity: mode === 'VERIFY_IDENTITY',
      ...(caFile ? { ca: readCaFile(caFile) } : {}),
    },
  };
}

export function createMysqlPool({ url, connectionLimit = 10, connectTimeoutMs = 2_000, metrics, tracer }: MysqlPoolOptions): Pool {
  const options: PoolOptions = {
    ...connectionOptionsOf(url),
    connectionLimit,
    // A broken connection leaves the pool and the next statement opens a new one: the pool recovers by itself
    // once the database is back. Until then each statement fails within this bound instead of mysql2's 10 s.
    connectTimeout: connectTimeoutMs,
    waitForConnections: true,
    enableKeepAlive: true,
    // DATETIME values are UTC on both sides.
    timezone: 'Z',
    dateStrings: false,
    supportBigNumbers: true,
    decimalNumbers: true,
    // mysql2 otherwise captures a stack trace for every query, a tenth of checkout's CPU, to decorate rare errors.
    trace: false,
    // A transaction's statements go in one round trip (runBatch, inTransaction). Values are still escaped by the
    // driver; no statement text is ever built from input.
    multipleStatements: true,
  };
  const pool = createPool(options);
  if (metrics) instrumentPool(pool, metrics);
  if (tracer) tracePool(pool, tracer, databaseNameOf(url));
  return pool;
}

export interface PoolTracing {
  readonly tracer: Tracer;
  readonly database: string;
}

const poolTracing = new WeakMap<Pool, PoolTracing>();

/** The tracer a pool's statements report to, when createMysqlPool was given one. */
export function tracingOfPool(pool: Pool): PoolTracing | undefined {
  return poolTracing.get(pool);
}

/** Runs one statement in a client span named by its operation, e.g. `UPDATE rtc_inventory`. */
export function traceStatement<T>({ tracer, database }: PoolTracing, text: string, run: () => Promise<T>): Promise<T> {
  // A batch that opens a transaction is named by its first statement after the `begin`.
  const operation = /^\s*(?:begin\s*;\s*)?(\w+)/i.exec(text)?.[1]?.toUpperCase() ?? 'QUERY';
  return inSpan(
    tracer,
    `${operation} ${database}`,
    {
      kind: SpanKind.CLIENT,
      attributes: { 'db.system.name': 'mysql', 'db.namespace': database, 'db.operation.name': operation, 'db.query.text': text.slice(0, 2_000) },
    },
    run,
  );
}

function tracePool(pool: Pool, tracer: Tracer, database: string): void {
  const tracing = { tracer, database };
  poolTracing.set(pool, tracing);
  for (const method of ['query', 'execute'] as const) {
    const original = pool[method].bind(pool) as (...args: unknown[]) => Promise<unknown>;
    (pool as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => {
      if (!inTrace()) return original(...args);
      const [statement] = args;
      const text = typeof statement === 'string' ? statement : String((statement as { sql?: string } | undefined)?.sql ?? '');
      return traceStatement(tracing, text, () => original(...args));
    };
  }
}

interface CorePoolInternals {
  _allConnections?: { length: number };
  _freeConnections?: { length: number };
  _connectionQueue?: { length: number };
}

const poolMetrics = new WeakMap<Pool, ServiceMetrics>();

/** The metrics a pool reports to, when createMysqlPool was given some. */
export function metricsOfPool(pool: Pool): ServiceMetrics | undefined {
  return poolMetrics.get(pool);
}

function instrumentPool(pool: Pool, metrics: ServiceMetrics): void {
  poolMetrics.set(pool, metrics);
  // mysql2 exposes no counters; its core pool's queues are the only source of truth for in-use and waiting.
  const core = (pool as unknown as { pool: CorePoolInternals }).pool;
  new Gauge({
    name: 'rtc_db_pool_connections_in_use',
    help: 'MySQL pool connections checked out',
    registers: [metrics.registry],
    collect() {
      this.set((core._allConnections?.length ?? 0) - (core._freeConnections?.length ?? 0));
    },
  });
  new Gauge({
    name: 'rtc_db_pool_waiting_requests',
    help: 'Requests waiting for a MySQL pool connection',
    registers: [metrics.registry],
    collect() {
      this.set(core._connectionQueue?.length ?? 0);
    },
  });
  new Gauge({
    name: 'rtc_db_up',
    help: 'Whether the service reached its MySQL database at the last scrape (1) or not (0)',
    registers: [metrics.registry],
    async collect() {
      this.set((await pingDatabase(pool, 1_000)) ? 1 : 0);
    },
  });
  for (const method of ['query', 'execute'] as const) {
    const original = pool[method].bind(pool) as (...args: unknown[]) => Promise<unknown>;
    (pool as unknown as Record<string, unknown>)[method] = async (...args: unknown[]) => {
      const end = metrics.dbQueryDuration.startTimer();
      try {
        return await original(...args);
      } finally {
        end();
      }
    };
  }
}

/** Creates the database if it is missing; used by migrate steps and test setup, never by a serving process. */
export async function ensureDatabase(url: string): Promise<void> {
  const name = databaseNameOf(url);
  const server = new URL(url);
  server.pathname = '/';
  const pool = createPool({ ...connectionOptionsOf(server.toString()), connectionLimit: 1 });
  try {
    await pool.query(`CREATE DATABASE IF NOT EXISTS \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  } finally {
    await pool.end();
  }
}

/** True when the database answers `SELECT 1` within `timeoutMs`. */
export async function pingDatabase(pool: Pool, timeoutMs = 2_000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
  try {
    return await Promise.race([pool.query('SELECT 1').then(() => true), timeout]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
