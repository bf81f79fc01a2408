import { TongbanError } from '../errors/index.js';

// Node socket errors and PostgreSQL SQLSTATE classes that mean "the database
// is not there right now" rather than "this statement is wrong". A stall is
// unavailability too: statement_timeout (57014), lock_timeout (55P03), a
// session cut for idling in a transaction (25P03) or at all (57P05).
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'EAI_AGAIN',
  '57P01', '57P02', '57P03', '57P05', '53300', '53100', '53200', '57014', '55P03', '25P03',
  'SQLITE_BUSY', 'SQLITE_LOCKED', 'SQLITE_FULL', 'SQLITE_IOERR', 'SQLITE_CANTOPEN', 'SQLITE_READONLY',
]);

// pg and pg-pool raise these without a code: a connection that did not open in
// time, a full pool with none freed in time, a statement with no answer in time.
const UNAVAILABLE_MESSAGES = /Connection terminated|connection timeout|timeout exceeded when trying to connect|Query read timeout|not open|Client has encountered a connection error|Cannot use a pool after calling end/i;

/** Whether a driver error means the database is unreachable, full, busy or stalled. */
export function isUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = String((error as { code?: unknown }).code ?? '');
  const message = String((error as { message?: unknown }).message ?? '');
  return UNAVAILABLE_CODES.has(code) || code.startsWith('08') || code.startsWith('SQLITE_IOERR') || UNAVAILABLE_MESSAGES.test(message);
}

/** Whether a driver error is a unique-constraint violation (PostgreSQL 23505, SQLite's UNIQUE or PRIMARY KEY). */
export function isUniqueViolation(error: unknown): boolean {
  const code = typeof error === 'object' && error !== null ? String((error as { code?: unknown }).code ?? '') : '';
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/**
 * Translates driver errors that mean "database unavailable" into a 503
 * DATABASE_UNAVAILABLE; anything else is rethrown unchanged (a bug, a 500).
 */
export function translateDatabaseError(error: unknown): never {
  if (error instanceof TongbanError) throw error;
  if (isUnavailable(error)) {
    throw new TongbanError('DATABASE_UNAVAILABLE', 'The database is unavailable; retry later', { cause: error });
  }
  throw error;
}
