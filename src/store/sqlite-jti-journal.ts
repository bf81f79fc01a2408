/**
 * The jti journal of a SQLite store: where a signature's jti recorded on its
 * own (a read, an operator's page, a request refused before its effect) is
 * kept, in a database file of its own beside the store's (`<path>-jtis`).
 *
 * Why a second file: the store's one connection group-commits everything it
 * is given, and a jti someone waits on for a read could not wait behind a
 * batch of submissions, so it went ahead of the queue and its batch committed
 * right after it — during intake every operator read cut a group commit of
 * submissions short, and the extra, smaller commits cost intake a fifth of
 * its rate (docs/performance.md, urgent-cut). The journal has its own write
 * lock and WAL: a jti is checked and taken at once, the jtis of one turn of
 * the event loop are inserted together after it (microseconds, on the event
 * loop), and each is answered after the WAL is flushed on the thread pool,
 * one flush shared by every jti inserted meanwhile. Durability is the
 * store's: nothing is answered before the record is on disk, and the WAL is
 * checkpointed by the store's checkpointer worker, off the event loop.
 *
 * One jti, one use, across both records: before the journal takes a jti it
 * asks the store (`usedInStore`, a read on the store's connection that also
 * sees its running batch), and the replay guard asks the journal (what it
 * holds and what it has taken) before the store takes one in a transaction.
 * Each check happens in the same turn of the event loop as its take or
 * insert, so in the one process that writes the file (the gateway's SQLite
 * is never shared between processes) whichever comes second is refused.
 */
import { closeSync, openSync } from 'node:fs';
import Database from 'better-sqlite3';
import { TongbanError } from '../errors/index.js';
import { syncData } from './sync-data.js';

export interface SqliteJtiJournalOptions {
  /** The journal's file (`<store path>-jtis`), or `:memory:` beside an in-memory store. */
  path: string;
  /** Flushes the journal's WAL (its descriptor); default `fdatasync` on the thread pool. Tests inject one. */
  walSync?: (fd: number) => Promise<void>;
  /** The store's checkpointer worker copies the journal's WAL too: the connection then checkpoints only as a fallback. */
  checkpointedElsewhere?: boolean;
}

/** The journal's own automatic checkpoint while the store's worker checkpoints it (pages: a fallback only). */
const FALLBACK_AUTOCHECKPOINT_PAGES = 20_000;

const SCHEMA = `CREATE TABLE IF NOT EXISTS used_jtis (
  client_id TEXT NOT NULL,
  jti TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  PRIMARY KEY (client_id, jti)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS used_jtis_expiry ON used_jtis (expires_at);`;

export class SqliteJtiJournal {
  readonly path: string;
  private readonly db: Database.Database;
  private readonly statements: { has: Database.Statement; insertAll: Database.Transaction<(batch: readonly Queued[]) => void>; purge: Database.Statement };
  private readonly walSync: (fd: number) => Promise<void>;
  private walFd: number | undefined;
  /** Jtis taken but not yet inserted: inserted together, in one transaction, after the event loop's turn. */
  private readonly queued = new Map<string, Queued>();
  private scheduled = false;
  /** Records inserted but not yet flushed, waiting for the next flush. */
  private waiting: Waiter[] = [];
  private closing = false;
  /** The flush loop, while it runs. */
  private flushing: Promise<void> | undefined;
  /** A flush failed: the journal may have answered nothing it cannot prove, and takes no more. */
  private broken: TongbanError | undefined;

  constructor(options: SqliteJtiJournalOptions) {
    this.path = options.path;
    this.db = new Database(options.path, { timeout: 5000 });
    this.db.pragma('journal_mode = WAL');
    // Commits write the WAL; record() flushes it off the event loop before answering.
    this.db.pragma(options.path === ':memory:' ? 'synchronous = OFF' : 'synchronous = NORMAL');
    this.db.pragma(`journal_size_limit = ${16 * 1024 * 1024}`);
    if (options.checkpointedElsewhere) this.checkpointElsewhere(true);
    this.db.exec(SCHEMA);
    const insert = this.db.prepare('INSERT INTO used_jtis (client_id, jti, expires_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING');
    this.statements = {
      has: this.db.prepare('SELECT 1 FROM used_jtis WHERE client_id = ? AND jti = ?').pluck(),
      insertAll: this.db.transaction((batch: readonly Queued[]) => {
        for (const entry of batch) insert.run(entry.clientId, entry.jti, entry.expiresAtMs);
      }),
      purge: this.db.prepare('DELETE FROM used_jtis WHERE (client_id, jti) IN (SELECT client_id, jti FROM used_jtis WHERE expires_at < ? ORDER BY expires_at LIMIT ?)'),
    };
    this.walSync = options.walSync ?? syncData;
  }

  /** Whether the journal holds this jti, or has taken it (synchronous: the replay guard asks it in the same turn as the store's insert). */
  has(clientId: string, jti: string): boolean {
    this.usable();
    return this.queued.has(keyOf(clientId, jti)) || this.statements.has.get(clientId, jti) !== undefined;
  }

  /**
   * Takes the jti unless the journal has it or `usedInStore` says the store
   * has it (false, at once: a replay). The jtis taken in one turn of the
   * event loop are inserted together after it, in one transaction, and each
   * resolves true once the flush after that commit is done.
   */
  async record(clientId: string, jti: string, expiresAtMs: number, usedInStore: () => boolean): Promise<boolean> {
    if (this.has(clientId, jti) || usedInStore()) return false;
    return new Promise<boolean>((resolve, reject) => {
      this.queued.set(keyOf(clientId, jti), { clientId, jti, expiresAtMs, resolve: () => resolve(true), reject });
      if (this.scheduled) return;
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        this.insertQueued();
      });
    });
  }

  /** Deletes up to `chunk` expired entries, oldest first; returns how many (not flushed: a lost delete is only done again). */
  purge(nowMs: number, chunk: number): number {
    if (this.broken || !this.db.open) return 0;
    return this.statements.purge.run(nowMs, chunk).changes;
  }

  /** The store's checkpointer worker stopped (false) or runs (true): who copies the journal's WAL. */
  checkpointElsewhere(elsewhere: boolean): void {
    if (this.db.open) this.db.pragma(`wal_autocheckpoint = ${elsewhere ? FALLBACK_AUTOCHECKPOINT_PAGES : 1000}`);
  }

  /** Inserts and flushes what was taken, then closes (what comes later is refused DATABASE_UNAVAILABLE). */
  async close(): Promise<void> {
    this.insertQueued();
    // Nothing is taken after this: a flush must never outlive the descriptor it syncs.
    this.closing = true;
    await this.flushing;
    if (this.db.open) this.db.close();
    if (this.walFd !== undefined) closeSync(this.walFd);
    this.walFd = undefined;
  }

  /** Throws DATABASE_UNAVAILABLE once a flush failed or the journal is closed (the store's ping asks it, so /readyz tells). */
  usable(): void {
    if (this.broken) throw this.broken;
    if (this.closing || !this.db.open) throw new TongbanError('DATABASE_UNAVAILABLE', 'The database is unavailable; retry later');
  }

  /** Inserts every jti taken so far in one transaction; they then wait for the next flush. */
  private insertQueued(): void {
    if (this.queued.size === 0) return;
    const batch = [...this.queued.values()];
    this.queued.clear();
    try {
      this.usable();
      this.statements.insertAll(batch);
    } catch (cause) {
      const error = cause instanceof TongbanError ? cause : new TongbanError('DATABASE_UNAVAILABLE', 'The replay guard could not record the request; retry later', { cause });
      for (const entry of batch) entry.reject(error);
      return;
    }
    if (this.path === ':memory:') {
      for (const entry of batch) entry.resolve();
      return;
    }
    this.waiting.push(...batch);
    this.flushing ??= this.flush();
  }

  /** One flush at a time, each shared by every record inserted before it began. */
  private async flush(): Promise<void> {
    try {
      await this.flushWaiting();
    } finally {
      this.flushing = undefined;
    }
  }

  private async flushWaiting(): Promise<void> {
    // Records inserted while a flush runs may be past what it covers: they wait for the next one.
    while (this.waiting.length > 0) {
      const batch = this.waiting.splice(0);
      try {
        if (this.broken) throw this.broken;
        // SQLite keeps its WAL while a connection is open, so the descriptor stays on the file it writes.
        this.walFd ??= openSync(`${this.path}-wal`, 'r');
        await this.walSync(this.walFd);
        for (const waiter of batch) waiter.resolve();
      } catch (cause) {
        this.broken ??= new TongbanError('DATABASE_UNAVAILABLE', 'The replay guard could not make a record durable; restart the gateway', { cause });
        for (const waiter of batch) waiter.reject(this.broken);
      }
    }
  }
}

interface Waiter {
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** A jti taken, waiting to be inserted. */
interface Queued extends Waiter {
  readonly clientId: string;
  readonly jti: string;
  readonly expiresAtMs: number;
}

/** The key of a (client, jti) pair: the client's id, prefixed by its length, then the jti (unambiguous whatever they hold). */
function keyOf(clientId: string, jti: string): string {
  return `${clientId.length}:${clientId}${jti}`;
}
