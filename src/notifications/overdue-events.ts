/**
 * `sub_application.overdue`: recorded once per sub-application, when an
 * accepted one passes its working-day due date (China calendar). Checked
 * periodically by every replica, like the 补正 deadlines: the mark
 * (`webhook_overdue_marks`) is claimed in the event's transaction, so each
 * sub-application's event is recorded once, whoever sees it first.
 */
import { chinaDate } from '../cases/working-days.js';
import { OVERDUE_KEY } from '../delivery/ops-deliveries.js';
import type { Logger } from '../log/index.js';
import type { Store } from '../store/index.js';
import { recordPlatformEvent } from './platform-events.js';

/** Overdue sub-applications without their event yet, by due date, through the `sub_applications_overdue` partial index (exported for the query-plan test). */
export const UNNOTIFIED_OVERDUE_SQL = `SELECT s.id, s.application_id, s.matter_code, s.matter_name, s.department_code, s.due_date, s.acceptance_number FROM sub_applications s
  WHERE s.status = 'accepted' AND ${OVERDUE_KEY.replace(/due_/g, 's.due_')} > '' AND ${OVERDUE_KEY.replace(/due_/g, 's.due_')} < $1
    AND NOT EXISTS (SELECT 1 FROM webhook_overdue_marks m WHERE m.sub_application_id = s.id)
  ORDER BY ${OVERDUE_KEY.replace(/due_/g, 's.due_')}, s.id LIMIT $2`;

const BATCH = 100;

interface OverdueRow { id: string; application_id: string; matter_code: string; matter_name: string; department_code: string; due_date: string; acceptance_number: string | null }

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

  private async run(): Promise<number> {
    const { store } = this.options;
    const now = this.options.now?.() ?? new Date();
    const today = chinaDate(now);
    let recorded = 0;
    for (;;) {
      const { rows } = await store.query<OverdueRow>(UNNOTIFIED_OVERDUE_SQL, [today, BATCH]);
      for (const row of rows) {
        const marked = await store.transaction(async (tx) => {
          const { rowCount } = await tx.query('INSERT INTO webhook_overdue_marks (sub_application_id, marked_at) VALUES ($1, $2) ON CONFLICT DO NOTHING', [row.id, now.getTime()]);
          if (rowCount === 0) return false; // another replica's check recorded it
          await recordPlatformEvent(tx, {
            applicationId: row.application_id, subApplicationId: row.id, type: 'sub_application.overdue', at: now.getTime(),
            data: { matterCode: row.matter_code, matterName: row.matter_name, department: row.department_code, acceptanceNumber: row.acceptance_number, dueDate: row.due_date },
          });
          return true;
        });
        if (marked) recorded += 1;
      }
      if (rows.length < BATCH) break;
    }
    if (recorded > 0) this.options.onRecorded?.();
    return recorded;
  }
}
