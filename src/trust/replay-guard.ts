/**
 * Replay guard: each (client, jti) is accepted once until it expires. Kept in
 * the database, so it holds across restarts and across replicas.
 */
import type { Queryable, Store } from '../store/index.js';

export class ReplayGuard {
  private lastPurge = Date.now();

  /**
   * @param skewSeconds kept past `exp`, since a verifier tolerates that much clock difference.
   * @param purgeEveryMs how often expired entries are deleted (on the request path, at most once per period).
   */
  constructor(private readonly store: Store, private readonly skewSeconds = 300, private readonly purgeEveryMs = 60_000) {}

  /** Records the jti; resolves true on first use, false when it was seen before. */
  async markUsed(clientId: string, jti: string, expSeconds: number): Promise<boolean> {
    return this.recordIn(this.store, clientId, jti, expSeconds);
  }

  /**
   * Records the jti inside the caller's transaction (`db`), so that it is
   * recorded exactly when the request's effect is; resolves false on a replay.
   */
  async recordIn(db: Queryable, clientId: string, jti: string, expSeconds: number): Promise<boolean> {
    const expiresAt = (expSeconds + this.skewSeconds) * 1000;
    const { rowCount } = await db.query(
      'INSERT INTO used_jtis (client_id, jti, expires_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [clientId, jti, expiresAt]);
    if (Date.now() - this.lastPurge > this.purgeEveryMs) {
      this.lastPurge = Date.now();
      void this.purge().catch(() => undefined);
    }
    return rowCount === 1;
  }

  /** Deletes expired entries; returns how many. */
  async purge(nowMs = Date.now()): Promise<number> {
    const { rowCount } = await this.store.query('DELETE FROM used_jtis WHERE expires_at < $1', [nowMs]);
    return rowCount;
  }
}
