/**
 * The monthly report as CSV (RFC 4180, UTF-8 with a byte order mark so Excel
 * reads the Chinese right, CRLF line ends): one table, its first column the
 * grouping (theme / department), each grouping's rows then its totals row
 * (code `*`). Empty cells where a figure has nothing to divide by.
 */
import { grouping, type Statistics } from './compute-statistics.js';
import { REPORT_COLUMNS, REPORT_GROUPINGS } from './report-columns.js';

const BOM = '\uFEFF';

function cell(value: string | number | null): string {
  if (value === null) return '';
  const text = String(value);
  // A cell Excel would take for a formula is prefixed with ' (CSV injection).
  const safe = /^[=+\-@\t\r]/.test(text) && typeof value === 'string' ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export function reportCsv(statistics: Statistics): Buffer {
  const lines = [['分组 Grouping', ...REPORT_COLUMNS.map((column) => column.header)].map(cell).join(',')];
  for (const { by, title } of REPORT_GROUPINGS) {
    const { rows, totals } = grouping(statistics, by);
    for (const row of [...rows, totals]) lines.push([title, ...REPORT_COLUMNS.map((column) => column.value(row))].map(cell).join(','));
  }
  return Buffer.from(`${BOM}${lines.join('\r\n')}\r\n`, 'utf8');
}
