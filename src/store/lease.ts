import type { Queryable } from './store.js';

/**
 * Takes the named lease for `holder` if it is free, expired, or already
 * theirs. One holder at a time across every replica sharing the database.
 * @param ttlMs how long the lease lasts unless renewed or released.
 */
export async function acquireLease(db: Queryable, name: string, holder: string, ttlMs: number, now = Date.now()): Promise<boolean> {
  await db.query('INSERT INTO leases (name, holder, expires_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [name, '', 0]);
  const { rowCount } = await db.query(
    'UPDATE leases SET holder = $2, expires_at = $3 WHERE name = $1 AND (holder = $2 OR expires_at < $4)',
    [name, holder, now + ttlMs, now]);
  return rowCount === 1;
}

/** Gives the lease back (only if `holder` still has it). */
export async function releaseLease(db: Queryable, name: string, holder: string): Promise<void> {
  await db.query('UPDATE leases SET expires_at = 0 WHERE name = $1 AND holder = $2', [name, holder]);
}
