/** When a poor evaluation's follow-up (整改回访) is due: a number of working days after it opened, China calendar. */
import { addWorkingDays, chinaDate } from '../cases/working-days.js';

const DAY_MS = 86_400_000;
const CHINA_OFFSET_MS = 8 * 3600_000;

/**
 * The end (Unix ms, the last millisecond of the China day) of the
 * `workingDays`-th working day after `openedAt`. Beyond the published
 * holiday calendar, seven calendar days count for five working days (a
 * due time is needed for the alert whatever the calendar covers).
 */
export function followUpDueAt(openedAt: number, workingDays: number): number {
  const due = addWorkingDays(chinaDate(new Date(openedAt)), workingDays);
  const dueDate = due.status === 'computed'
    ? due.dueDate
    : chinaDate(new Date(openedAt + Math.ceil((workingDays * 7) / 5) * DAY_MS));
  return Date.parse(`${dueDate}T00:00:00Z`) - CHINA_OFFSET_MS + DAY_MS - 1;
}
