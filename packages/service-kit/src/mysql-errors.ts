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
