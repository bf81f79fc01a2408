/**
 * 业务统计 Statistics: a period picker, the totals, the charts (applications
 * per theme, on time vs overdue per department, satisfaction), the tables per
 * theme and per department, and the monthly report to download (CSV, XLSX).
 */
import type { Statistics, StatisticsRow } from '../../../statistics/index.js';
import { html, queryString, type SafeHtml } from '../html.js';
import { page, type Viewer } from '../layout.js';
import { applicationsByThemeChart, satisfactionChart, timelinessChart } from '../statistics-charts.js';

const percent = (share: number | null) => (share === null ? '—' : `${(share * 100).toFixed(1)}%`);
const decimal = (value: number | null) => (value === null ? '—' : value.toFixed(2));

/** The picker's values: what was asked (kept on a 400), else the period shown. */
export interface PeriodInput {
  readonly from: string;
  readonly to: string;
}

function picker(input: PeriodInput): SafeHtml {
  return html`<form class="period" method="get" action="/ops/statistics">
<label>自 From <input type="date" name="from" value="${input.from}" required></label>
<label>至（不含）To (exclusive) <input type="date" name="to" value="${input.to}" required></label>
<button type="submit">查询 Show</button>
</form>`;
}

function figures(totals: StatisticsRow, departmentTotals: StatisticsRow): SafeHtml {
  const figure = (term: string, value: string | number, key: string) => html`<div data-figure="${key}"><dt>${term}</dt><dd>${value}</dd></div>`;
  return html`<dl class="figures">
${figure('申请 Applications', totals.applications, 'applications')}
${figure('子件 Sub-applications', totals.subApplications, 'subApplications')}
${figure('办结 Completed', totals.completed, 'completed')}
${figure('不予受理/许可 Rejected', totals.rejected, 'rejected')}
${figure('补正 Supplement requested', totals.supplementRequested, 'supplementRequested')}
${figure('按时办结率 On-time rate', percent(totals.onTimeRate), 'onTimeRate')}
${figure('逾期办结 Overdue', totals.overdue, 'overdue')}
${figure('平均办结工作日 Mean working days', decimal(totals.meanWorkingDays), 'meanWorkingDays')}
${figure('免提交材料 Materials without upload', percent(totals.materials.share), 'materialsShare')}
${figure('自动填充率 Auto-fill ratio', percent(totals.autoFillRatio), 'autoFillRatio')}
${figure('满意率 Satisfied', percent(totals.satisfaction.satisfiedShare), 'satisfiedShare')}
${figure('评价数 Evaluations', totals.satisfaction.count, 'evaluations')}
${figure('可导办率 Guide rate', percent(departmentTotals.catalogue.guideRate), 'guideRate')}
${figure('可网办率 Online rate', percent(departmentTotals.catalogue.onlineRate), 'onlineRate')}
</dl>`;
}

function table(rows: readonly StatisticsRow[], totals: StatisticsRow, what: string): SafeHtml {
  const cells = (row: StatisticsRow) => html`<td class="num">${row.applications}</td><td class="num">${row.subApplications}</td><td class="num">${row.completed}</td>
<td class="num">${row.rejected}</td><td class="num">${row.supplementRequested}</td><td class="num">${row.onTime}</td><td class="num">${row.overdue ? html`<span class="bad">${row.overdue}</span>` : 0}</td>
<td class="num">${percent(row.onTimeRate)}</td><td class="num">${decimal(row.meanWorkingDays)}</td><td class="num">${percent(row.materials.share)}</td><td class="num">${percent(row.autoFillRatio)}</td>
<td class="num">${row.satisfaction.count}</td><td class="num">${percent(row.satisfaction.satisfiedShare)}</td>
<td class="num">${row.catalogue.guided}/${row.catalogue.matters}</td><td class="num">${percent(row.catalogue.guideRate)}</td><td class="num">${percent(row.catalogue.onlineRate)}</td>`;
  const body = rows.map((row) => html`<tr data-code="${row.code}"><td><code>${row.code}</code> ${row.name ?? ''}</td>${cells(row)}</tr>`);
  return html`<div class="table-wide"><table class="statistics"><thead><tr><th>${what}</th><th>申请 Appl.</th><th>子件 Subs</th><th>办结 Done</th><th>不予 Rejected</th><th>补正 Suppl.</th>
<th>按时 On time</th><th>逾期 Overdue</th><th>按时率 On-time</th><th>平均工作日 Days</th><th>免提交 No upload</th><th>自动填充 Auto-fill</th><th>评价 Evals</th><th>满意率 Satisfied</th>
<th>可导办/事项 Guided</th><th>可导办率</th><th>可网办率</th></tr></thead>
<tbody>${body}</tbody><tfoot><tr data-code="*"><th>合计 Total</th>${cells(totals)}</tr></tfoot></table></div>`;
}

export function statisticsPage(viewer: Viewer, statistics: Statistics): SafeHtml {
  const from = statistics.from.slice(0, 10);
  const to = statistics.to.slice(0, 10);
  const month = from.slice(0, 7);
  const { byTheme, byDepartment } = statistics;
  return page(viewer, { title: '业务统计 Statistics', active: 'statistics' }, html`<section id="period"><h2>统计期间 Period</h2>
${picker({ from, to })}
<p class="muted">${statistics.from} 至 ${statistics.to}（不含 exclusive），生成于 generated ${statistics.generatedAt}。口径见 Definitions: docs/ops.md "Statistics".</p>
<p>月报下载 Monthly report ${month}: <a id="report-csv" href="/ops/statistics/report.csv${queryString({ month })}">CSV</a> · <a id="report-xlsx" href="/ops/statistics/report.xlsx${queryString({ month })}">XLSX</a></p>
</section>
<section id="totals"><h2>合计 Totals</h2>${figures(byTheme.totals, byDepartment.totals)}</section>
<section id="charts"><h2>图表 Charts</h2>
${applicationsByThemeChart(byTheme.rows)}
${timelinessChart(byDepartment.rows)}
${satisfactionChart(byTheme.totals)}
</section>
<section id="by-theme"><h2>按主题 By theme</h2>${table(byTheme.rows, byTheme.totals, '主题 Theme')}</section>
<section id="by-department"><h2>按部门 By department</h2>${table(byDepartment.rows, byDepartment.totals, '部门 Department')}</section>`);
}

/** The picker alone with what was wrong (400). */
export function statisticsErrorPage(viewer: Viewer, input: PeriodInput, error: string): SafeHtml {
  return page(viewer, { title: '业务统计 Statistics', active: 'statistics', error }, html`<section id="period"><h2>统计期间 Period</h2>${picker(input)}</section>`);
}
