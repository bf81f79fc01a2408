/**
 * `sub_application.overdue`: recorded once per sub-application, when an
 * accepted one passes its working-day due date (China calendar). Checked
 * periodically by every replica, like the 补正 deadlines: the mark
 * (`webhook_overdue_marks`) is claimed in the event's transaction, so each
 * sub-application's event is recorded once, whoever sees it first.
 */
import { chinaDate } from '../cases/working-days.js';
import { overdueSql } from '../delivery/ops-deliveries.js';
import type { Logger } from '../log/index.js';
import { placeholders, type SqlValue, type Store } from '../store/index.js';
import { recordSubApplicationEvent } from './sub-application-events.js';

/** Marks among a page's sub-applications: primary-key lookups (exported for the query-plan test). */
export function markedSql(count: number): string {
  return `SELECT sub_application_id FROM webhook_overdue_marks WHERE sub_application_id IN (${placeholders(count)})`;
}

const PAGE_SIZE = 200;

export interface OverdueEventsOptions {
  store: Store;
  logger: Logger;
  /** Time between checks (ms); 0 or less: no timer (`check()` only). */
  intervalMs: number;
  /** Events were recorded (wakes the webhook worker). */
  onRecorded?: () => void;
  now?: () => Date;
}

export class OverdueEvents {
  private timer: NodeJS.Timeout | undefined;
  private checking: Promise<number> | undefined;

  constructor(private readonly options: OverdueEventsOptions) {}

  /** Starts the periodic check (first one right away). */
  start(): void {
    if (this.timer || this.options.intervalMs <= 0) return;
    const tick = () => { void this.check().catch((error: unknown) => this.options.logger.warn('overdue event check failed', { error: (error as Error).message })); };
    tick();
    this.timer = setInterval(tick, this.options.intervalMs);
    this.timer.unref();
  }

  /** Records the event of every sub-application newly overdue; resolves with how many. One check at a time. */
  check(): Promise<number> {
    this.checking ??= this.run().finally(() => { this.checking = undefined; });
    return this.checking;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.checking?.catch(() => undefined);
  }

  /**
   * Walks the overdue sub-applications a page at a time (the ops overdue
   * list's query and index), looks up which already have their mark, and
   * records the event of each that has not, with its mark, in one transaction.
   * Deadlines the calendar cannot compute (`uncovered`) are not known to be passed.
   */
  private async run(): Promise<number> {
    const { store } = this.options;
    const now = this.options.now?.() ?? new Date();
    const today = chinaDate(now);
    let recorded = 0;
    let after: SqlValue[] | undefined;
    for (;;) {
      const { rows } = await store.query<{ id: string; due_status: string; sort_key: string }>(overdueSql(after !== undefined), [today, ...(after ?? []), PAGE_SIZE]);
      const candidates = rows.filter((row) => row.due_status === 'computed');
      const marked = candidates.length === 0 ? new Set<string>()
        : new Set((await store.query<{ sub_application_id: string }>(markedSql(candidates.length), candidates.map((row) => row.id))).rows.map((row) => row.sub_application_id));
      for (const row of candidates) {
        if (marked.has(row.id)) continue;
        const fresh = await store.transaction(async (tx) => {
          const { rowCount } = await tx.query('INSERT INTO webhook_overdue_marks (sub_application_id, marked_at) VALUES ($1, $2) ON CONFLICT DO NOTHING', [row.id, now.getTime()]);
          if (rowCount === 0) return false; // another replica's check recorded it
          await recordSubApplicationEvent(tx, row.id, 'sub_application.overdue', {}, now.getTime());
          return true;
        });
        if (fresh) recorded += 1;
      }
      if (rows.length < PAGE_SIZE) break;
      const last = rows[rows.length - 1]!;
      after = [last.sort_key, last.id];
    }
    if (recorded > 0) this.options.onRecorded?.();
    return recorded;
  }
}
