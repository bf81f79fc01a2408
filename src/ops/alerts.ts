/**
 * Alerts to an ops webhook (`TONGBAN_ALERT_WEBHOOK_URL`): a delivery
 * dead-lettered, a department's circuit opened, a catalogue sync failed, a
 * sub-application became overdue, a deferred (容缺) material passed its due
 * date unsupplied, a 补正 request expired unanswered, a 差评's follow-up
 * (整改回访) passed its period without being closed (once per follow-up).
 *
 * Each alert is a JSON POST `{id, type, at, …details}` signed like every
 * push from Tongban (Tongban signature v1, `iss` "tongban", `aud` "alerts",
 * Tongban's current keyring key; receivers verify with
 * `/.well-known/jwks.json`). Alerts are best-effort: they wait in an
 * in-memory queue (bounded; the oldest are dropped when it overflows), are
 * retried with exponential backoff, and are lost if the process stops. The
 * caller never waits and never sees a failure. The durable truth is in the
 * database (deliveries, sync_runs, sub_applications), which the dashboard
 * and CLI read.
 */
import { randomUUID } from 'node:crypto';
import pRetry, { AbortError } from 'p-retry';
import { chinaDate } from '../cases/working-days.js';
import type { SyncRun } from '../catalog/sync-runs.js';
import type { ExpiredSupplement } from '../cases/expire-supplements.js';
import type { ClaimedDelivery } from '../delivery/claimed-delivery.js';
import { OVERDUE_CURSOR, overdueSubApplications } from '../delivery/ops-deliveries.js';
import type { Logger } from '../log/index.js';
import { redactText } from '../log/redact.js';
import { acquireLease, type Queryable, type Store } from '../store/index.js';
import { decodeCursor, type CursorShape } from './cursor.js';
import type { PrivateJwk } from '../trust/algorithms.js';
import { MATERIALS_CURSOR, overdueMaterials } from './material-deadlines.js';
import { claimOverdueFollowUps } from '../evaluations/follow-ups.js';
import { signRequest } from '../trust/sign-request.js';

export type AlertType = 'delivery.dead' | 'circuit.open' | 'sync.failed' | 'subApplication.overdue' | 'material.overdue' | 'supplement.expired' | 'evaluation.followUpOverdue' | 'evaluation.pushDead';

/** The body of an alert. `id` is stable across retries of the same alert (receivers de-duplicate on it). */
export interface Alert {
  readonly id: string;
  readonly type: AlertType;
  /** ISO 8601 instant the event was noticed. */
  readonly at: string;
  readonly [detail: string]: unknown;
}

/** The audience alerts are signed for. */
export const ALERTS_AUDIENCE = 'alerts';

export interface AlertsOptions {
  /** Webhook URL. */
  url: string;
  /** Tongban's current signing key (read at every send, so rotations apply). */
  signingKey: () => PrivateJwk;
  logger: Logger;
  /** For the overdue check; without it, no overdue alerts. */
  store?: Store;
  /** Where the overdue check reads (the ops reader, off the request loop); default `store`. */
  reader?: Queryable;
  /** Time between overdue checks (ms). Default 60 s. */
  overdueIntervalMs?: number;
  /** Timeout of one POST (ms). Default 5 s. */
  timeoutMs?: number;
  /** Retries after the first attempt. Default 6 (about 1 + 2 + 4 + … s, capped). */
  retries?: number;
  /** First retry delay (ms). Default 1 s; doubles per retry, randomised. */
  minBackoffMs?: number;
  /** Longest retry delay (ms). Default 60 s. */
  maxBackoffMs?: number;
  /** Alerts kept waiting at most; beyond, the oldest is dropped. Default 1000. */
  maxQueued?: number;
  /** Clock. */
  now?: () => number;
}

const OVERDUE_LEASE = 'ops-alerts-overdue';
/** The overdue check reads its lists a page at a time (each read bounded, whatever the backlog). */
const CHECK_PAGE_SIZE = 500;

/** Every row of a keyset-paginated list, a page at a time. */
async function* pages<Page extends { nextCursor: string | null }, Row>(
  read: (after: readonly (string | number)[] | undefined) => Promise<Page>, rowsOf: (page: Page) => Row[], cursor: { list: string; shape: CursorShape },
): AsyncGenerator<Row> {
  let after: readonly (string | number)[] | undefined;
  for (;;) {
    const page = await read(after);
    yield* rowsOf(page);
    if (page.nextCursor === null) return;
    after = decodeCursor(page.nextCursor, cursor.list, cursor.shape);
  }
}

export class Alerts {
  private readonly queue: Alert[] = [];
  private worker: Promise<void> | undefined;
  private readonly idleWaiters: (() => void)[] = [];
  private readonly abort = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private checking: Promise<number> | undefined;
  /** Overdue sub-applications already alerted (id → due key), so each is alerted once per process. */
  private readonly alertedOverdue = new Map<string, string>();
  /** Overdue deferred materials already alerted (application and identity → due date), once per process. */
  private readonly alertedMaterials = new Map<string, string>();
  private readonly holder = `alerts-${randomUUID()}`;
  /** Departments whose circuit was alerted open and has not closed since. */
  private readonly openCircuits = new Set<string>();
  /** What happened to alerts so far (tests, metrics). */
  readonly counts = { sent: 0, failed: 0, dropped: 0 };

  constructor(private readonly options: AlertsOptions) {}

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  /** Queues an alert and returns at once; sending happens in the background. */
  send(type: AlertType, details: Record<string, unknown> = {}): Alert {
    const alert: Alert = { ...details, id: randomUUID(), type, at: new Date(this.now()).toISOString() };
    if (this.abort.signal.aborted) return alert;
    this.queue.push(alert);
    const max = this.options.maxQueued ?? 1000;
    while (this.queue.length > max) {
      const dropped = this.queue.shift()!;
      this.counts.dropped += 1;
      this.options.logger.warn('alert dropped: queue full', { alertId: dropped.id, type: dropped.type });
    }
    this.worker ??= this.drain();
    return alert;
  }

  /** Dispatcher hook: a dead letter. */
  readonly onDeliveryOutcome = (event: { delivery: ClaimedDelivery; outcome: string; error?: string }): void => {
    if (event.outcome !== 'dead') return;
    const { delivery } = event;
    this.send('delivery.dead', {
      deliveryId: delivery.id, subApplicationId: delivery.subApplicationId, department: delivery.departmentCode, channel: delivery.channel,
      attempt: delivery.attempts + 1, error: event.error === undefined ? null : redactText(event.error),
    });
  };

  /**
   * Dispatcher hook: a circuit opened. A circuit that keeps failing its
   * half-open probe re-opens every few seconds; it is alerted once, and again
   * only after it has closed.
   */
  readonly onBreaker = (department: string, state: string): void => {
    if (state === 'close') this.openCircuits.delete(department);
    if (state !== 'open' || this.openCircuits.has(department)) return;
    this.openCircuits.add(department);
    this.send('circuit.open', { department });
  };

  /** Catalogue syncer hook: a failed run. */
  readonly onSyncRun = (run: SyncRun): void => {
    if (run.status !== 'failed') return;
    this.send('sync.failed', { runId: run.id, kind: run.kind, trigger: run.trigger, errorCode: run.errorCode, errorMessage: run.errorMessage === null ? null : redactText(run.errorMessage) });
  };

  /** Evaluation pusher hook: an evaluation or a follow-up step the provincial 好差评 system did not take (a dead letter). */
  readonly onEvaluationPush = (event: { push: { id: string; evaluationId: string; kind: string; attempts: number }; outcome: string; error?: string }): void => {
    if (event.outcome !== 'dead') return;
    const { push } = event;
    this.send('evaluation.pushDead', {
      pushId: push.id, evaluationId: push.evaluationId, kind: push.kind, attempt: push.attempts + 1, error: event.error === undefined ? null : redactText(event.error),
    });
  };

  /** Supplement deadline check hook: a 补正 request expired unanswered (the department must decide). */
  readonly onSupplementExpired = (expired: ExpiredSupplement): void => {
    this.send('supplement.expired', { ...expired });
  };

  /** Starts the periodic overdue check (first one right away). */
  start(): void {
    if (!this.options.store || this.timer) return;
    const tick = () => { void this.checkOverdue().catch((error: unknown) => this.options.logger.warn('overdue check failed', { error: (error as Error).message })); };
    tick();
    this.timer = setInterval(tick, this.options.overdueIntervalMs ?? 60_000);
    this.timer.unref();
  }

  /**
   * Looks for overdue sub-applications and alerts those not alerted yet.
   * One replica checks at a time (a database lease). Resolves with how many
   * alerts were queued.
   */
  checkOverdue(): Promise<number> {
    this.checking ??= this.findOverdue().finally(() => { this.checking = undefined; });
    return this.checking;
  }

  private async findOverdue(): Promise<number> {
    const store = this.options.store;
    if (!store) return 0;
    const interval = this.options.overdueIntervalMs ?? 60_000;
    if (!(await acquireLease(store, OVERDUE_LEASE, this.holder, interval * 3, this.now()))) return 0;
    const reader = this.options.reader ?? store;
    const today = chinaDate(new Date(this.now()));
    const current = new Set<string>();
    let queued = 0;
    for await (const item of pages((after) => overdueSubApplications(reader, today, { limit: CHECK_PAGE_SIZE, after }), (page) => page.overdue, OVERDUE_CURSOR)) {
      const key = `${item.dueStatus}:${item.dueDate ?? ''}`;
      current.add(item.subApplicationId);
      if (this.alertedOverdue.get(item.subApplicationId) === key) continue;
      this.alertedOverdue.set(item.subApplicationId, key);
      this.send('subApplication.overdue', { ...item });
      queued += 1;
    }
    // Forget those no longer overdue (completed, rejected), so the memory stays small.
    for (const id of this.alertedOverdue.keys()) if (!current.has(id)) this.alertedOverdue.delete(id);
    // Deferred (容缺) materials past their due date, not supplied: the applicant owes the departments a document.
    const currentMaterials = new Set<string>();
    for await (const material of pages((after) => overdueMaterials(reader, today, { limit: CHECK_PAGE_SIZE, after }), (page) => page.materials, MATERIALS_CURSOR)) {
      const key = `${material.applicationId}/${material.code}`;
      currentMaterials.add(key);
      if (this.alertedMaterials.get(key) === material.dueDate) continue;
      this.alertedMaterials.set(key, material.dueDate);
      this.send('material.overdue', { ...material });
      queued += 1;
    }
    for (const key of this.alertedMaterials.keys()) if (!currentMaterials.has(key)) this.alertedMaterials.delete(key);
    // Follow-ups of 差评 (整改回访) past their period, not closed: marked in the database as they are claimed, so each alerts once.
    for (const followUp of await claimOverdueFollowUps(store, this.now())) {
      this.send('evaluation.followUpOverdue', { ...followUp });
      queued += 1;
    }
    return queued;
  }

  /** Resolves when every queued alert was sent or given up. */
  idle(): Promise<void> {
    if (!this.worker) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops the overdue check; gives queued alerts up to `graceMs` to go out, then abandons them. */
  async close(graceMs = 2000): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.checking?.catch(() => undefined);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.idle(), new Promise<void>((resolve) => { timer = setTimeout(resolve, graceMs); })]);
    clearTimeout(timer);
    if (this.queue.length > 0) this.options.logger.warn('alerts abandoned at shutdown', { count: this.queue.length });
    this.abort.abort(new Error('alerts closed'));
    this.queue.length = 0;
    await this.worker?.catch(() => undefined);
  }

  private async drain(): Promise<void> {
    try {
      for (let alert = this.queue.shift(); alert; alert = this.queue.shift()) {
        if (this.abort.signal.aborted) break;
        await this.deliver(alert);
      }
    } finally {
      this.worker = undefined;
      for (const resolve of this.idleWaiters.splice(0)) resolve();
      // An alert queued while the last one was finishing starts a new worker.
      if (this.queue.length > 0 && !this.abort.signal.aborted) this.worker = this.drain();
    }
  }

  private async deliver(alert: Alert): Promise<void> {
    const { logger } = this.options;
    try {
      await pRetry(() => this.post(alert), {
        retries: this.options.retries ?? 6,
        minTimeout: this.options.minBackoffMs ?? 1000,
        maxTimeout: this.options.maxBackoffMs ?? 60_000,
        factor: 2,
        randomize: true,
        signal: this.abort.signal,
        unref: true,
        onFailedAttempt: ({ error, attemptNumber, retriesLeft }) => {
          logger.warn('alert not delivered yet', { alertId: alert.id, type: alert.type, attempt: attemptNumber, retriesLeft, error: error.message });
        },
      });
      this.counts.sent += 1;
    } catch (error) {
      this.counts.failed += 1;
      logger.error('alert given up', { alertId: alert.id, type: alert.type, error: (error as Error).message });
    }
  }

  private async post(alert: Alert): Promise<void> {
    const url = new URL(this.options.url);
    const body = JSON.stringify(alert);
    // Signed at every attempt: a fresh iat and jti, so a slow retry is not refused as stale or replayed.
    const signature = await signRequest({
      method: 'POST', pathAndQuery: `${url.pathname}${url.search}`, body, clientId: 'tongban', key: this.options.signingKey(), audience: ALERTS_AUDIENCE,
    });
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', 'idempotency-key': alert.id, ...signature },
      body,
      signal: AbortSignal.any([AbortSignal.timeout(this.options.timeoutMs ?? 5000), this.abort.signal]),
      redirect: 'error',
    });
    await response.arrayBuffer().catch(() => undefined);
    if (response.ok) return;
    const error = new Error(`alert webhook answered HTTP ${response.status}`);
    // A receiver that refuses the alert itself will refuse it again; only its outages are worth retrying.
    if (response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429) throw new AbortError(error);
    throw error;
  }
}
