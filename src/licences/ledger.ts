/**
 * The licence-use ledger (用证记录): every use of a holder's licence — who,
 * when, which licence, for which theme/matters, for what reason — in an
 * append-only, hash-chained table (`licence_uses`, docs/licences.md).
 *
 * Appends are serialised on the single `ledger_head` row: the first
 * statement of an append is `UPDATE ledger_head … RETURNING`, which takes
 * that row's lock (PostgreSQL, across every replica) or the database write
 * lock (SQLite, `BEGIN IMMEDIATE`). Whoever holds it reads the head, chains
 * its entries to it and moves the head, all in one transaction, so the chain
 * never forks; `UNIQUE (prev_hash)` would refuse a fork even if it tried.
 *
 * Within one process, appends are group-committed: concurrent look-ups'
 * entries are chained in arrival order and written by one transaction (one
 * multi-row insert), and each caller is answered only after that commit.
 */
import type { LicenceHolderType } from '../domain/licence-library.js';
import type { ActorRecord } from '../identity/actor.js';
import { valuesList, type Queryable, type SqlValue, type Store } from '../store/index.js';
import { entryHash, GENESIS_HASH, type HashedEntry } from './ledger-hash.js';

/**
 * What was done with the licence — or, from migration 019, with shared data
 * (docs/shared-data.md): `shared-data` a record read from the data-sharing
 * exchange, `shared-data-verify` a statement verified there.
 */
export type LicenceUseAction = 'query' | 'file' | 'verify' | 'shared-data' | 'shared-data-verify';

/** `used`: handed to the client as valid; `refused-invalid`: it failed verification (revoked, expired, bad signature or seal). */
export type LicenceUseOutcome = 'used' | 'refused-invalid';

/** One use to record. */
export interface LicenceUseInput {
  readonly clientId: string;
  readonly holderCode: string;
  readonly holderType: LicenceHolderType;
  /** GB/T 36904 identifier of the licence used. */
  readonly licenceIdentifier: string;
  /** Licence type key (`residentIdCard`, …; see LICENCE_TYPES). */
  readonly licenceType: string;
  readonly themeCode: string;
  /** The matters the use is for; empty = the theme as a whole. */
  readonly matterCodes: readonly string[];
  /** Reason for use (用证事由), as the client gave it. */
  readonly useCause: string;
  readonly authorizationId: string;
  readonly action: LicenceUseAction;
  readonly outcome: LicenceUseOutcome;
  /** The person who acted, authenticated by the identity platform, in the capacity of the authorisation. */
  readonly actor?: ActorRecord;
}

/** A recorded use. */
export interface LedgerEntry extends Omit<LicenceUseInput, 'actor'> {
  /** `null` for entries recorded before migration 012. */
  readonly actor: ActorRecord | null;
  /** Position in the chain, from 1, without gaps. */
  readonly seq: number;
  /** ISO 8601 instant it was recorded (millisecond precision). */
  readonly at: string;
  readonly prevHash: string;
  readonly hash: string;
}

/** What `verify` found wrong at one entry. */
export interface LedgerProblem {
  /** The entry at fault (for a gap, the first missing seq). */
  readonly seq: number;
  /** `hash-mismatch`: content edited; `broken-link`: prev_hash is not the previous entry's hash (re-ordered, replaced, or a deletion before it); `gap`: entries missing. */
  readonly problem: 'hash-mismatch' | 'broken-link' | 'gap';
  /** One sentence for humans. */
  readonly detail: string;
}

export interface LedgerVerification {
  readonly ok: boolean;
  /** Entries checked. */
  readonly entries: number;
  readonly problems: LedgerProblem[];
  /** The head as read when verification started: quote its hash to anchor the ledger elsewhere. */
  readonly head: { readonly seq: number; readonly hash: string };
}

export interface LedgerOptions {
  /** Clock for `at`. Default: now. */
  now?: () => Date;
  /** Rows read per page by `verify`. Default 1000. */
  pageSize?: number;
  /** Most entries written by one group commit (one append is never split). Default 256. */
  maxBatchEntries?: number;
}

/** Options of {@link LicenceUseLedger.append}. */
export interface LedgerAppendOptions {
  /**
   * Runs first in the transaction that writes the entries (e.g. records the
   * request's jti, throwing REPLAY_DETECTED). When it throws, this append
   * alone is refused with its error and the others of its group commit go
   * on, so its statements must leave the transaction usable (`ON CONFLICT
   * DO NOTHING`, not a failing INSERT). Runs even when there are no entries.
   */
  readonly guard?: (tx: Queryable) => Promise<void>;
}

interface QueuedAppend {
  readonly entries: readonly LicenceUseInput[];
  readonly guard: ((tx: Queryable) => Promise<void>) | undefined;
  resolve(entries: LedgerEntry[]): void;
  reject(error: unknown): void;
}

interface UseRow {
  seq: number | string;
  at: number | string;
  client_id: string;
  holder_code: string;
  holder_type: LicenceHolderType;
  licence_identifier: string;
  licence_type: string;
  theme_code: string;
  matter_codes: string;
  use_cause: string;
  authorization_id: string;
  action: LicenceUseAction;
  outcome: LicenceUseOutcome;
  prev_hash: string;
  hash: string;
  actor: string | null;
}

const COLUMNS = 'seq, at, client_id, holder_code, holder_type, licence_identifier, licence_type, theme_code, matter_codes, use_cause, authorization_id, action, outcome, prev_hash, hash, actor';

export class LicenceUseLedger {
  private readonly now: () => Date;
  private readonly pageSize: number;
  private readonly maxBatchEntries: number;
  private readonly queued: QueuedAppend[] = [];
  private committing = false;

  constructor(private readonly store: Store, options: LedgerOptions = {}) {
    this.now = options.now ?? (() => new Date());
    this.pageSize = options.pageSize ?? 1000;
    this.maxBatchEntries = options.maxBatchEntries ?? 256;
  }

  /**
   * Appends entries (in order, contiguous) to the chain. In `tx` when given:
   * the entries then commit or roll back with the caller's work, and the
   * head stays locked until then. Otherwise they join the next group commit
   * (see {@link LedgerAppendOptions}) and the promise settles only once that
   * transaction committed — or failed, failing every append in it.
   */
  async append(entries: readonly LicenceUseInput[], tx?: Queryable, options: LedgerAppendOptions = {}): Promise<LedgerEntry[]> {
    if (tx) {
      await options.guard?.(tx);
      return this.write(tx, entries);
    }
    if (entries.length === 0 && !options.guard) return [];
    return new Promise<LedgerEntry[]>((resolve, reject) => {
      this.queued.push({ entries, guard: options.guard, resolve, reject });
      if (!this.committing) void this.commitQueued();
    });
  }

  /**
   * Group commits: the first append goes at once, alone; appends arriving
   * while a commit runs wait for it and then share the next transaction (a
   * multi-row insert), up to {@link LedgerOptions.maxBatchEntries} entries.
   * No timer: at low load nothing waits.
   */
  private async commitQueued(): Promise<void> {
    this.committing = true;
    try {
      while (this.queued.length > 0) {
        const batch: QueuedAppend[] = [];
        let count = 0;
        while (this.queued.length > 0 && (batch.length === 0 || count + this.queued[0]!.entries.length <= this.maxBatchEntries)) {
          const next = this.queued.shift()!;
          batch.push(next);
          count += next.entries.length;
        }
        let outcome: { accepted: QueuedAppend[]; refused: [QueuedAppend, unknown][]; written: LedgerEntry[] };
        try {
          outcome = await this.store.transaction(async (db) => {
            const accepted: QueuedAppend[] = [];
            const refused: [QueuedAppend, unknown][] = [];
            for (const append of batch) {
              try {
                await append.guard?.(db);
                accepted.push(append);
              } catch (error) {
                refused.push([append, error]);
              }
            }
            return { accepted, refused, written: await this.write(db, accepted.flatMap((append) => append.entries)) };
          });
        } catch (error) {
          for (const append of batch) append.reject(error);
          continue;
        }
        let offset = 0;
        for (const append of outcome.accepted) {
          append.resolve(outcome.written.slice(offset, offset + append.entries.length));
          offset += append.entries.length;
        }
        for (const [append, error] of outcome.refused) append.reject(error);
      }
    } finally {
      this.committing = false;
    }
  }

  /** Chains `entries` to the head in `db` (one multi-row insert) and moves the head. */
  private async write(db: Queryable, entries: readonly LicenceUseInput[]): Promise<LedgerEntry[]> {
    if (entries.length === 0) return [];
    const { rows } = await db.query<{ seq: number | string; hash: string }>(
      'UPDATE ledger_head SET seq = seq + $1 WHERE id = 1 RETURNING seq, hash', [entries.length]);
    const head = rows[0];
    if (!head) throw new Error('ledger_head has no row: is migration 004_licences applied?');
    let seq = Number(head.seq) - entries.length;
    let prevHash = head.hash;
    const at = this.now().getTime();
    const written: LedgerEntry[] = [];
    const tuples: SqlValue[][] = [];
    for (const input of entries) {
      seq += 1;
      const hashed: HashedEntry = { ...pickHashed(input), seq, at, matterCodes: [...input.matterCodes], ...(input.actor !== undefined ? { actor: input.actor } : {}) };
      const hash = entryHash(prevHash, hashed);
      tuples.push([seq, at, input.clientId, input.holderCode, input.holderType, input.licenceIdentifier, input.licenceType, input.themeCode,
        JSON.stringify(hashed.matterCodes), input.useCause, input.authorizationId, input.action, input.outcome, prevHash, hash,
        input.actor !== undefined ? JSON.stringify(input.actor) : null]);
      written.push({ ...pickHashed(input), matterCodes: hashed.matterCodes, seq, at: new Date(at).toISOString(), prevHash, hash, actor: input.actor ?? null });
      prevHash = hash;
    }
    const list = valuesList(tuples);
    await db.query(`INSERT INTO licence_uses (${COLUMNS}) VALUES ${list.sql}`, list.params);
    await db.query('UPDATE ledger_head SET hash = $1 WHERE id = 1', [prevHash]);
    return written;
  }

  /** A holder's recorded uses, newest first; `before` (a seq) pages backwards. */
  async listByHolder(holderCode: string, options: { limit: number; before?: number }): Promise<LedgerEntry[]> {
    const { rows } = await this.store.query<UseRow>(
      `SELECT ${COLUMNS} FROM licence_uses WHERE holder_code = $1 AND seq < $2 ORDER BY seq DESC LIMIT $3`,
      [holderCode, options.before ?? Number.MAX_SAFE_INTEGER, options.limit]);
    return rows.map(toEntry);
  }

  /** The chain's head: the last seq and its hash (seq 0 and the genesis hash when empty). */
  async head(): Promise<{ seq: number; hash: string }> {
    const { rows } = await this.store.query<{ seq: number | string; hash: string }>('SELECT seq, hash FROM ledger_head WHERE id = 1');
    const head = rows[0];
    if (!head) throw new Error('ledger_head has no row: is migration 004_licences applied?');
    return { seq: Number(head.seq), hash: head.hash };
  }

  /**
   * Walks the whole chain in seq order (a page at a time, so any size fits
   * in memory) and reports every entry whose content no longer matches its
   * hash, whose link is broken, or that is missing — including entries
   * missing at the end, judged against the head.
   * @param options.onProgress called after each page with entries checked so far and the total.
   */
  async verify(options: { onProgress?: (checked: number, total: number) => void } = {}): Promise<LedgerVerification> {
    const head = await this.head();
    const { rows: countRows } = await this.store.query<{ n: number | string }>('SELECT COUNT(*) AS n FROM licence_uses');
    const total = Number(countRows[0]?.n ?? 0);
    const problems: LedgerProblem[] = [];
    let expectedSeq = 1;
    let prevHash = GENESIS_HASH;
    let prevSeq = 0;
    let checked = 0;
    let hashAtHead: string | undefined;
    for (;;) {
      const { rows } = await this.store.query<UseRow>(`SELECT ${COLUMNS} FROM licence_uses WHERE seq >= $1 ORDER BY seq LIMIT $2`, [expectedSeq, this.pageSize]);
      if (rows.length === 0) break;
      for (const row of rows) {
        const seq = Number(row.seq);
        if (seq !== expectedSeq) {
          problems.push({ seq: expectedSeq, problem: 'gap', detail: seq - expectedSeq === 1 ? `entry ${expectedSeq} is missing` : `entries ${expectedSeq}–${seq - 1} are missing` });
        }
        if (row.prev_hash !== prevHash) {
          problems.push({ seq, problem: 'broken-link', detail: prevSeq === 0 ? 'prev_hash is not the genesis hash' : `prev_hash is not the hash of the entry before it (seq ${prevSeq})` });
        }
        if (recomputedHash(row) !== row.hash) problems.push({ seq, problem: 'hash-mismatch', detail: 'the entry\'s content does not match its hash (edited)' });
        if (seq === head.seq) hashAtHead = row.hash;
        prevHash = row.hash;
        prevSeq = seq;
        expectedSeq = seq + 1;
        checked += 1;
      }
      options.onProgress?.(checked, Math.max(total, checked));
    }
    if (head.seq >= expectedSeq) {
      problems.push({ seq: expectedSeq, problem: 'gap', detail: `entries ${expectedSeq}–${head.seq} are missing (the ledger head is at ${head.seq})` });
    } else if (head.seq > 0 && hashAtHead !== undefined && hashAtHead !== head.hash) {
      problems.push({ seq: head.seq, problem: 'broken-link', detail: 'the ledger head\'s hash is not the hash of the entry it points at' });
    }
    return { ok: problems.length === 0, entries: checked, problems, head };
  }
}

function pickHashed(input: LicenceUseInput): Omit<LicenceUseInput, 'matterCodes'> {
  return {
    clientId: input.clientId, holderCode: input.holderCode, holderType: input.holderType, licenceIdentifier: input.licenceIdentifier,
    licenceType: input.licenceType, themeCode: input.themeCode, useCause: input.useCause, authorizationId: input.authorizationId,
    action: input.action, outcome: input.outcome,
  };
}

function parseMatterCodes(text: string): string[] | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) && value.every((code) => typeof code === 'string') ? value : undefined;
  } catch {
    return undefined;
  }
}

/** The recorded actor: undefined when none (NULL), `false` when the column does not hold an object (edited). */
function parseActor(text: string | null): ActorRecord | undefined | false {
  if (text === null) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? value as ActorRecord : false;
  } catch {
    return false;
  }
}

function recomputedHash(row: UseRow): string | undefined {
  const matterCodes = parseMatterCodes(row.matter_codes);
  const actor = parseActor(row.actor);
  if (!matterCodes || actor === false) return undefined; // not even well-formed: certainly edited
  return entryHash(row.prev_hash, {
    seq: Number(row.seq), at: Number(row.at), clientId: row.client_id, holderCode: row.holder_code, holderType: row.holder_type,
    licenceIdentifier: row.licence_identifier, licenceType: row.licence_type, themeCode: row.theme_code, matterCodes,
    useCause: row.use_cause, authorizationId: row.authorization_id, action: row.action, outcome: row.outcome, ...(actor !== undefined ? { actor } : {}),
  });
}

function toEntry(row: UseRow): LedgerEntry {
  return {
    seq: Number(row.seq), at: new Date(Number(row.at)).toISOString(), clientId: row.client_id, holderCode: row.holder_code,
    holderType: row.holder_type, licenceIdentifier: row.licence_identifier, licenceType: row.licence_type, themeCode: row.theme_code,
    matterCodes: parseMatterCodes(row.matter_codes) ?? [], useCause: row.use_cause, authorizationId: row.authorization_id,
    action: row.action, outcome: row.outcome, prevHash: row.prev_hash, hash: row.hash, actor: parseActor(row.actor) || null,
  };
}
