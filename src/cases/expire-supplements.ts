/**
 * A 补正 request whose deadline passed unanswered is marked `expired` (the
 * applicant can no longer answer it: SUPPLEMENT_DEADLINE_PASSED); the
 * department decides on the sub-application as it stands (`rejected`, or
 * `completed`). Checked periodically, like the overdue check, by every
 * replica: the update is conditional, so each request expires once.
 */
import type { Logger } from '../log/index.js';
import { placeholders, type Store } from '../store/index.js';
import { chinaDate } from './working-days.js';

/** A request that just expired. */
export interface ExpiredSupplement {
  readonly requestId: string;
  readonly subApplicationId: string;
  readonly applicationId: string;
  readonly department: string;
  readonly deadline: string;
}

/** Marks every open request whose deadline is before `today` (China date) expired; answers those it marked. */
export async function expireSupplementRequests(store: Store, today: string): Promise<ExpiredSupplement[]> {
  const { rows } = await store.query<{ id: string; sub_application_id: string; department_code: string; deadline: string }>(
    "UPDATE supplement_requests SET status = 'expired' WHERE status = 'open' AND deadline < $1 RETURNING id, sub_application_id, department_code, deadline", [today]);
  if (rows.length === 0) return [];
  const subs = await store.query<{ id: string; application_id: string }>(
    `SELECT id, application_id FROM sub_applications WHERE id IN (${placeholders(rows.length)})`, rows.map((row) => row.sub_application_id));
  const applicationOf = new Map(subs.rows.map((row) => [row.id, row.application_id]));
  return rows.map((row) => ({
    requestId: row.id, subApplicationId: row.sub_application_id, applicationId: applicationOf.get(row.sub_application_id) ?? '', department: row.department_code, deadline: row.deadline,
  }));
}

export interface SupplementDeadlinesOptions {
  store: Store;
  logger: Logger;
  /** Time between checks (ms); 0 or less: no timer (`check()` only). */
  intervalMs: number;
  /** Each request expired (alerts ops). */
  onExpired?: (expired: ExpiredSupplement) => void;
  now?: () => number;
}

/** The periodic check of 补正 deadlines. */
export class SupplementDeadlines {
  private timer: NodeJS.Timeout | undefined;
  private checking: Promise<ExpiredSupplement[]> | undefined;

  constructor(private readonly options: SupplementDeadlinesOptions) {}

  /** Starts the periodic check (first one right away). */
  start(): void {
    if (this.timer || this.options.intervalMs <= 0) return;
    const tick = () => { void this.check().catch((error: unknown) => this.options.logger.warn('supplement deadline check failed', { error: (error as Error).message })); };
    tick();
    this.timer = setInterval(tick, this.options.intervalMs);
    this.timer.unref();
  }

  /** Expires what is due now; resolves with the requests expired by this check. */
  check(): Promise<ExpiredSupplement[]> {
    this.checking ??= (async () => {
      const expired = await expireSupplementRequests(this.options.store, chinaDate(new Date((this.options.now ?? Date.now)())));
      for (const request of expired) {
        this.options.logger.info('supplement request expired', { requestId: request.requestId, subApplicationId: request.subApplicationId, department: request.department, deadline: request.deadline });
        this.options.onExpired?.(request);
      }
      return expired;
    })().finally(() => { this.checking = undefined; });
    return this.checking;
  }

  /** Stops the timer and waits for a check in progress. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.checking?.catch(() => undefined);
  }
}
