/**
 * The monthly report as XLSX (exceljs): a sheet 说明 Summary (period, when
 * made), then one sheet per grouping — 按主题 By theme, 按部门 By department —
 * with a header row, a row per theme or department and a bold totals row
 * (code `*`). Shares are numbers 0–1 shown as percentages; empty cells where
 * a figure has nothing to divide by.
 */
import ExcelJS from 'exceljs';
import { grouping, type Statistics } from './compute-statistics.js';
import { REPORT_COLUMNS, REPORT_GROUPINGS } from './report-columns.js';

export const SUMMARY_SHEET = '说明 Summary';

export async function reportXlsx(statistics: Statistics, month: string): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Tongban';
  // A fixed date: the same statistics give the same workbook (the core properties carry no clock).
  workbook.created = new Date(Date.parse(statistics.generatedAt));
  workbook.modified = workbook.created;
  const summary = workbook.addWorksheet(SUMMARY_SHEET);
  summary.columns = [{ width: 28 }, { width: 40 }];
  summary.addRows([
    ['一件事一次办 业务统计月报 Monthly business statistics', ''],
    ['月份 Month', month],
    ['起 From', statistics.from],
    ['止 To (不含 exclusive)', statistics.to],
    ['生成时间 Generated at', statistics.generatedAt],
    ['口径 Definitions', 'docs/ops.md "Statistics"'],
  ]);
  summary.getRow(1).font = { bold: true };
  for (const { by, title } of REPORT_GROUPINGS) {
    const sheet = workbook.addWorksheet(title, { views: [{ state: 'frozen', xSplit: 2, ySplit: 1 }] });
    sheet.columns = REPORT_COLUMNS.map((column) => ({
      header: column.header, width: column.kind === 'text' ? 24 : 14,
      ...(column.kind === 'ratio' ? { style: { numFmt: '0.00%' } } : column.kind === 'decimal' ? { style: { numFmt: '0.00' } } : {}),
    }));
    sheet.getRow(1).font = { bold: true };
    const { rows, totals } = grouping(statistics, by);
    for (const row of rows) sheet.addRow(REPORT_COLUMNS.map((column) => column.value(row)));
    sheet.addRow(REPORT_COLUMNS.map((column) => column.value(totals))).font = { bold: true };
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
