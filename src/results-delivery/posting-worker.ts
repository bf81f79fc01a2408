/**
 * The posting worker: moves applications whose results became ready
 * (results-ready.ts), then — when a logistics service is configured —
 * claims due postings under a lease: creates the waybill of a new one (the
 * order number is stable, so a retry after a lost answer gets the same
 * waybill back, 2003), or pulls the traces of one in transit (the fallback
 * of pushes: it fills gaps and catches lost pushes). Failed creations are
 * retried with backoff and dead after the last attempt; whatever happens, a
 * claim is settled or released.
 */
import { randomUUID } from 'node:crypto';
import type { LogisticsService as LogisticsAdapter } from '../domain/logistics.js';
import type { Address, PostingDirection } from '../domain/logistics.js';
import { isUpstreamError } from '../domain/upstream-error.js';
import { backoffMs, isRetryable, type RetryPolicy } from '../delivery/retry-policy.js';
import { OutboxWorker } from '../delivery/outbox-loop.js';
import type { Logger } from '../log/index.js';
import type { Store } from '../store/index.js';
import { applyTraces, notify, type PostingItem } from './postings.js';
import { moveReadyResults } from './results-ready.js';

export interface PostingWorkerOptions {
  store: Store;
  logger: Logger;
  /** The logistics service; without one, postings wait (status waiting_for_logistics) and only results-ready moves run. */
  logistics: LogisticsAdapter | undefined;
  retry: RetryPolicy;
  /** How often a waybill in transit is pulled (ms). */
  trackIntervalMs: number;
  /** How long a claim lasts (ms). Default 30 s. */
  leaseMs?: number;
  /** Sleep between rounds with nothing to do (ms). Default 250. */
  idleMs?: number;
  now?: () => number;
}

interface Claimed {
  id: string; application_id: string; direction: PostingDirection; order_no: string; waybill_no: string | null;
  sender: string; recipient: string; items: string; attempts: number;
}

/** Notified when something changed (a department event, a new mailing): it looks at once. */
export class PostingWorker extends OutboxWorker {
  readonly owner = `postings-${randomUUID()}`;

  constructor(private readonly options: PostingWorkerOptions) {
    super({ idleMs: options.idleMs ?? 250, now: options.now, onError: (error) => options.logger.warn('posting worker round failed', { error: error.message }) });
  }

  /**
   * One round: results that became ready, then due postings. Postings left
   * waiting for a logistics service are queued once one is configured.
   * @returns how many things were done.
   */
  async runOnce(): Promise<number> {
    const { store, logistics } = this.options;
    const now = this.now();
    let done = await moveReadyResults(store, { logisticsConfigured: logistics !== undefined, now });
    if (!logistics) return done;
    await store.query("UPDATE postings SET state = 'pending', status = 'creating', next_attempt_at = $1, updated_at = $1 WHERE state = 'waiting'", [now]);
    const claimed = await this.claim(now);
    await Promise.allSettled(claimed.map((posting) => this.handle(logistics, posting)));
    done += claimed.length;
    return done;
  }

  /** Claims due postings (pending creation, or tracking and due a pull), and those whose lease ran out. */
  private async claim(now: number): Promise<Claimed[]> {
    const { store } = this.options;
    const lock = store.capabilities.skipLocked ? 'FOR UPDATE SKIP LOCKED' : '';
    return store.transaction(async (tx) => (await tx.query<Claimed>(
      // updated_at tells what the applicant can see changed: not a claim, nor a pull that found nothing new.
      `UPDATE postings SET state = 'in_flight', lease_owner = $1, lease_expires_at = $2
        WHERE id IN (SELECT id FROM postings
                      WHERE (state IN ('pending', 'tracking') AND next_attempt_at <= $3) OR (state = 'in_flight' AND lease_expires_at < $3)
                      ORDER BY next_attempt_at LIMIT 20 ${lock})
        RETURNING id, application_id, direction, order_no, waybill_no, sender, recipient, items, attempts`,
      [this.owner, now + (this.options.leaseMs ?? 30_000), now])).rows);
  }

  private async handle(logistics: LogisticsAdapter, posting: Claimed): Promise<void> {
    let settled = false;
    try {
      settled = posting.waybill_no === null ? await this.create(logistics, posting) : await this.track(logistics, posting, posting.waybill_no);
    } catch (error) {
      this.options.logger.error('posting handling failed', { postingId: posting.id, error: (error as Error).message });
    } finally {
      if (!settled) {
        await this.options.store.query(
          `UPDATE postings SET state = CASE WHEN waybill_no IS NULL THEN 'pending' ELSE 'tracking' END, lease_owner = NULL, lease_expires_at = NULL, next_attempt_at = $3
            WHERE id = $1 AND lease_owner = $2 AND state = 'in_flight'`, [posting.id, this.owner, this.now() + 1000]).catch(() => undefined);
      }
    }
  }

  /** Creates the waybill; on failure schedules a retry or, not retryable or the last attempt, gives up (not_created). */
  private async create(logistics: LogisticsAdapter, posting: Claimed): Promise<boolean> {
    const { store, logger, retry } = this.options;
    const startedAt = this.now();
    try {
      const waybill = await logistics.createWaybill({
        orderNo: posting.order_no, direction: posting.direction, sender: JSON.parse(posting.sender) as Address, recipient: JSON.parse(posting.recipient) as Address,
        items: JSON.parse(posting.items) as PostingItem[],
        remark: posting.direction === 'result' ? '政务服务办理结果，请本人签收' : '申请材料原件',
      });
      const at = this.now();
      return await store.transaction(async (tx) => {
        const { rows } = await tx.query<{ status: string; applied_sequence: number }>(
          `UPDATE postings SET waybill_no = $3, state = 'tracking', status = CASE WHEN applied_sequence = 0 THEN $4 ELSE status END, attempts = $5,
             last_error = NULL, lease_owner = NULL, lease_expires_at = NULL, next_attempt_at = $6, updated_at = $7
            WHERE id = $1 AND lease_owner = $2 AND state = 'in_flight' RETURNING status, applied_sequence`,
          [posting.id, this.owner, waybill.waybillNo, waybill.status, posting.attempts + 1, at + this.options.trackIntervalMs, at]);
        if (rows.length === 0) return false;
        await notify(tx, { id: posting.id, applicationId: posting.application_id, direction: posting.direction, waybillNo: waybill.waybillNo },
          { step: 'waybill_created', status: rows[0]!.status, duplicate: waybill.duplicate }, at);
        return true;
      });
    } catch (error) {
      const attempt = posting.attempts + 1;
      const message = (error as Error).message ?? String(error);
      const dead = !isRetryable(error) || attempt >= retry.maxAttempts;
      const at = this.now();
      if (dead) logger.warn('waybill not created', { postingId: posting.id, attempt, error: message });
      return store.transaction(async (tx) => {
        const { rowCount } = await tx.query(
          `UPDATE postings SET state = $3, status = CASE WHEN $4 THEN 'not_created' ELSE status END, attempts = $5, next_attempt_at = $6, last_error = $7,
             lease_owner = NULL, lease_expires_at = NULL, updated_at = $8
            WHERE id = $1 AND lease_owner = $2 AND state = 'in_flight'`,
          [posting.id, this.owner, dead ? 'dead' : 'pending', dead, attempt, startedAt + backoffMs(retry, attempt), describe(error), at]);
        if (rowCount === 0) return false;
        if (dead) {
          await notify(tx, { id: posting.id, applicationId: posting.application_id, direction: posting.direction, waybillNo: null },
            { step: 'not_created', status: 'not_created', error: describe(error) }, at);
        }
        return true;
      });
    }
  }

  /** Pulls the waybill's traces and applies those not yet seen; tracking goes on until a final status. */
  private async track(logistics: LogisticsAdapter, posting: Claimed, waybillNo: string): Promise<boolean> {
    const { store } = this.options;
    let traces;
    try {
      traces = await logistics.traces(waybillNo);
    } catch (error) {
      const at = this.now();
      const { rowCount } = await store.query(
        `UPDATE postings SET state = 'tracking', last_error = $3, lease_owner = NULL, lease_expires_at = NULL, next_attempt_at = $4, updated_at = $5
          WHERE id = $1 AND lease_owner = $2 AND state = 'in_flight'`,
        [posting.id, this.owner, describe(error), at + Math.min(this.options.trackIntervalMs, backoffMs(this.options.retry, 3)), at]);
      return rowCount === 1;
    }
    const at = this.now();
    return store.transaction(async (tx) => {
      const { rowCount } = await tx.query(
        `UPDATE postings SET state = 'tracking', last_error = NULL, lease_owner = NULL, lease_expires_at = NULL, next_attempt_at = $3
          WHERE id = $1 AND lease_owner = $2 AND state = 'in_flight'`, [posting.id, this.owner, at + this.options.trackIntervalMs]);
      if (rowCount === 0) return false;
      await applyTraces(tx, posting.id, traces, 'pull', at, store.capabilities.skipLocked);
      return true;
    });
  }
}

/** An error as recorded on the posting: the upstream's kind and message. */
function describe(error: unknown): string {
  const message = (error as Error).message ?? String(error);
  return (isUpstreamError(error) ? `${error.kind}: ${message}` : message).slice(0, 1000);
}
