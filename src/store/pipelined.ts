/**
 * Statements of one transaction that do not wait for each other's answers:
 * on PostgreSQL they go out together (the store's connections pipeline) and
 * cost one round trip between them instead of one each; on SQLite they run
 * one after another as before.
 */

/**
 * Waits for every promise, then answers their values, or throws the first
 * failure in the order given — not the first to arrive: after a failed
 * statement, PostgreSQL fails the later ones of the same transaction only as
 * a consequence ("current transaction is aborted"), and the cause is what
 * the caller must see.
 */
export async function pipelined<const T extends readonly unknown[]>(statements: T): Promise<{ -readonly [K in keyof T]: Awaited<T[K]> }> {
  const settled = await Promise.allSettled(statements);
  const failed = settled.find((outcome) => outcome.status === 'rejected');
  if (failed) throw (failed as PromiseRejectedResult).reason;
  return settled.map((outcome) => (outcome as PromiseFulfilledResult<unknown>).value) as { -readonly [K in keyof T]: Awaited<T[K]> };
}
