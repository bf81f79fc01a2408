/**
 * Replay guard: each (client, jti) is accepted once until it expires. Kept in
 * the database, so it holds across restarts and across replicas. On SQLite a
 * jti recorded on its own goes to the store's jti journal, a file beside the
 * database outside its group commits (store.jtiJournal); one recorded with a
 * request's effect goes in that effect's transaction, in `used_jtis`. Each
 * record refuses a jti the other holds.
 */
import { isUniqueViolation, type Queryable, type Store } from '../store/index.js';

/** Records a jti unless it is there: a replay fails no statement. */
const RECORD_JTI = 'INSERT INTO used_jtis (client_id, jti, expires_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING';

export class ReplayGuard {
  private lastPurge = Date.now();

  /**
   * @param skewSeconds kept past `exp`, since a verifier tolerates that much clock difference.
   * @param purgeEveryMs how often expired entries are deleted (started from the request path, at most once per period).
   * @param purgeChunk most entries one DELETE removes: a purge is several short statements, so on SQLite
   *   (synchronous calls) it never holds the event loop for the whole backlog of a busy period.
   */
  constructor(private readonly store: Store, private readonly skewSeconds = 300, private readonly purgeEveryMs = 5_000,
    private readonly purgeChunk = 2_000) {}

  /**
   * Records the jti on its own (a request whose effect, if any, is not in one
   * transaction with it: reads above all). Someone is waiting on it, so it
   * must not queue behind a batch of submissions: on SQLite it goes to the
   * store's jti journal, elsewhere it is an urgent statement
   * (QueryOptions.urgent). Resolves true on first use, false when it was seen
   * before.
   */
  async markUsed(clientId: string, jti: string, expSeconds: number): Promise<boolean> {
    const journal = this.store.jtiJournal;
    const first = journal
      ? journal.record(clientId, jti, this.expiresAt(expSeconds))
      : this.store.query(RECORD_JTI, [clientId, jti, this.expiresAt(expSeconds)], { urgent: true }).then(({ rowCount }) => rowCount === 1);
    this.purgeWhenDue();
    return first;
  }

  /**
   * Records the jti inside the caller's transaction (`db`), so that it is
   * recorded exactly when the request's effect is; resolves false on a replay.
   * A replay fails no statement, so the transaction goes on (a group of
   * appends refuses only the replayed one): the caller decides from the answer.
   */
  async recordIn(db: Queryable, clientId: string, jti: string, expSeconds: number): Promise<boolean> {
    if (this.inJournal(clientId, jti)) return false;
    const { rowCount } = await db.query(RECORD_JTI, [clientId, jti, this.expiresAt(expSeconds)]);
    this.purgeWhenDue();
    return rowCount === 1;
  }

  /**
   * Records the jti inside the caller's transaction; a replay is a failing
   * statement (the primary key), which rolls the transaction back on the
   * server whatever the client does — what a transaction sent with its COMMIT
   * needs (store.ts, `commitWithStatements`). Resolves false on a replay.
   */
  async insertIn(db: Queryable, clientId: string, jti: string, expSeconds: number): Promise<boolean> {
    if (this.inJournal(clientId, jti)) return false;
    const inserted = db.query('INSERT INTO used_jtis (client_id, jti, expires_at) VALUES ($1, $2, $3)', [clientId, jti, this.expiresAt(expSeconds)]);
    this.purgeWhenDue();
    return inserted.then(() => true, (error: unknown) => {
      if (isUniqueViolation(error)) return false;
      throw error;
    });
  }

  /** Whether the journal holds the jti: asked in the same turn as the store's insert that follows. */
  private inJournal(clientId: string, jti: string): boolean {
    return this.store.jtiJournal?.has(clientId, jti) ?? false;
  }

  private expiresAt(expSeconds: number): number {
    return (expSeconds + this.skewSeconds) * 1000;
  }

  /** Starts a purge of expired entries at most once per period. */
  private purgeWhenDue(): void {
    if (Date.now() - this.lastPurge <= this.purgeEveryMs) return;
    this.lastPurge = Date.now();
    void this.purge().catch(() => undefined);
  }

  /** Deletes expired entries (the journal's too), oldest first, a chunk per statement; returns how many. */
  async purge(nowMs = Date.now()): Promise<number> {
    let total = 0;
    const journal = this.store.jtiJournal;
    if (journal) {
      for (;;) {
        const removed = journal.purge(nowMs, this.purgeChunk);
        total += removed;
        if (removed < this.purgeChunk) break;
        // Synchronous deletes: the event loop turns between chunks.
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    }
    for (;;) {
      const { rowCount } = await this.store.query(
        `DELETE FROM used_jtis WHERE (client_id, jti) IN
           (SELECT client_id, jti FROM used_jtis WHERE expires_at < $1 ORDER BY expires_at LIMIT $2)`, [nowMs, this.purgeChunk]);
      total += rowCount;
      if (rowCount < this.purgeChunk) return total;
    }
  }
}
