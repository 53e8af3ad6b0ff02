/** The MySQL error code (e.g. ER_DUP_ENTRY) of a driver error, also when Drizzle wrapped it as `cause`. */
export function mysqlErrorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 3 && typeof current === 'object' && current !== null; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('ER_')) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** A unique index refused the row. */
export function isDuplicateKey(error: unknown): boolean {
  return mysqlErrorCode(error) === 'ER_DUP_ENTRY';
}

/** A foreign key points at a row that does not exist. */
export function isMissingReference(error: unknown): boolean {
  return mysqlErrorCode(error) === 'ER_NO_REFERENCED_ROW_2';
}

// Codes that say the database could not be reached or could not serve now, not that the statement was wrong.
const unavailableCodes: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ER_CON_COUNT_ERROR',
  'ER_TOO_MANY_USER_CONNECTIONS',
  'ER_SERVER_SHUTDOWN',
  'ER_CONNECTION_KILLED',
  'ER_LOCK_WAIT_TIMEOUT',
]);

// mysql2 raises these without a code: a statement on a connection the server dropped, or a full wait queue.
const unavailableMessages = /^(Can't add new command when connection is in closed state|Queue limit reached|Connection lost)/;

/**
 * The database is down, unreachable, out of connections, shutting down, or holds a lock past its wait timeout:
 * the request may succeed if retried later, and the client should hear SERVICE_UNAVAILABLE, not the SQL.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && typeof current === 'object' && current !== null; depth += 1) {
    const { code, message } = current as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && unavailableCodes.has(code)) return true;
    if (typeof message === 'string' && unavailableMessages.test(message)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
