/**
 * Assertions made in SQL. `SELECT tongban_assert(<condition>, $n)` fails
 * its statement when the condition is not true (false or NULL), with
 * SQLSTATE `TB001` and the reason as the message, so a check a transaction
 * needs becomes a failing statement rather than a decision taken after an
 * answer. That is what lets PostgreSQL send `COMMIT` right behind the
 * statements (`commitWithStatements`, store.ts): the failure rolls the
 * transaction back on the server, whatever the client does.
 *
 * PostgreSQL has it as a function (migration 021); SQLite as a function the
 * store registers on its connection.
 */
import type Database from 'better-sqlite3';

/** The SQLSTATE of a failed assertion. */
export const ASSERTION_FAILED = 'TB001';

/** Whether `error` is the failure of an assertion made with `reason`. */
export function failedAssertion(error: unknown, reason: string): boolean {
  return typeof error === 'object' && error !== null
    && (error as { code?: unknown }).code === ASSERTION_FAILED && (error as { message?: unknown }).message === reason;
}

/** Registers `tongban_assert(ok, reason)` on a SQLite connection (SQLite's booleans are 1 and 0). */
export function registerSqliteAssert(db: Database.Database): void {
  db.function('tongban_assert', (ok: unknown, reason: unknown) => {
    if (ok === 1 || ok === 1n) return 1;
    throw Object.assign(new Error(String(reason)), { code: ASSERTION_FAILED });
  });
}
