/*
 * Recognising constraint violations of either engine, for repositories that turn a lost race
 * into an outcome instead of an error.
 */

/**
 * Whether a database error is a violation of the unique index `index` on `columns`: PostgreSQL
 * names the index; SQLite names the columns (`UNIQUE constraint failed: table.a, table.b`).
 */
export function isUniqueViolation(
  error: unknown,
  index: string,
  columns: readonly string[],
): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, errcode, constraint, message } = error as {
    code?: unknown;
    errcode?: unknown;
    constraint?: unknown;
    message?: unknown;
  };
  if (code === '23505') return constraint === index;
  return (
    errcode === 2067 &&
    typeof message === 'string' &&
    message.endsWith(`UNIQUE constraint failed: ${columns.join(', ')}`)
  );
}

/** Whether a database error is a foreign key violation (PostgreSQL 23503, SQLite 787). */
export function isForeignKeyViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, errcode } = error as { code?: unknown; errcode?: unknown };
  return code === '23503' || errcode === 787;
}
