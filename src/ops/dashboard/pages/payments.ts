/**
 * 缴费差异 Payment differences: amounts or notices that do not match between
 * the payment platform and Tongban (from notifications and reconciliations;
 * never taken as paid), and the latest daily reconciliations (docs/payments.md).
 */
import { listDifferences } from '../../../payments/read-payments.js';
import type { DashboardContext } from '../context.js';
import { chinaTime } from '../format.js';
import { html, queryString, type SafeHtml } from '../html.js';
import { page, type Viewer } from '../layout.js';

/** How many differences and reconciliation days the page shows. */
export const PAYMENTS_PAGE_SIZE = 100;

const KINDS: Record<string, string> = { amount: '金额不符 amount', unknown_notice: '未知缴款码 unknown notice', missing_on_platform: '平台无记录 missing on the platform' };

export async function paymentsPage(context: DashboardContext, viewer: Viewer): Promise<SafeHtml> {
  const [differences, { rows: days }] = await Promise.all([
    listDifferences(context.reader, { limit: PAYMENTS_PAGE_SIZE }),
    context.reader.query<{ bill_date: string; status: string; lines: number | string; matched: number | string; differences: number | string; error: string | null; ran_at: number | string }>(
      'SELECT bill_date, status, lines, matched, differences, error, ran_at FROM payment_reconciliations ORDER BY bill_date DESC LIMIT $1', [14]),
  ]);
  const fen = (value: number | null) => (value === null ? '—' : `${(value / 100).toFixed(2)} 元`);
  const differenceRows = differences.map((item) => html`<tr data-difference="${item.id}"><td>${chinaTime(item.recordedAt)}</td><td>${item.source}${item.billDate ? html` ${item.billDate}` : ''}</td>
<td>${KINDS[item.kind] ?? item.kind}</td><td><code>${item.noticeNo}</code></td><td>${item.orderNo ? html`<a href="/ops/search${queryString({ q: item.orderNo.replace(/^TBP-/, '') })}"><code>${item.orderNo}</code></a>` : '—'}</td>
<td>${fen(item.expectedFen)}</td><td>${fen(item.actualFen)}</td><td>${item.detail}</td></tr>`);
  const dayRows = days.map((day) => html`<tr data-bill-date="${day.bill_date}"><td>${day.bill_date}</td><td>${day.status === 'matched' ? day.status : html`<span class="bad">${day.status}</span>`}</td>
<td>${Number(day.lines)}</td><td>${Number(day.matched)}</td><td>${Number(day.differences)}</td><td>${day.error ?? ''}</td><td>${chinaTime(Number(day.ran_at))}</td></tr>`);
  return page(viewer, { title: '缴费差异 Payment differences', active: 'payments' }, html`<p>支付平台与通办记录不一致之处：从不视为已缴费，需人工核实（联系缴款人、退还多缴或补缴）。 Where the payment platform and Tongban disagree: never taken as paid; ops follow up with the payer.</p>
<table><thead><tr><th>记录 Recorded</th><th>来源 Source</th><th>类型 Kind</th><th>缴款码 Notice</th><th>订单 Order</th><th>应缴 Expected</th><th>实缴 Paid</th><th>说明 Detail</th></tr></thead>
<tbody>${differenceRows.length ? differenceRows : html`<tr><td colspan="8" class="muted">无 None</td></tr>`}</tbody></table>
<h2>对账 Reconciliations</h2>
<p>每日对账（北京时间前一日），或运维 <code>POST /v1/ops/payments/reconciliations</code>。 Daily, for the previous Beijing day, or run by ops.</p>
<table><thead><tr><th>日期 Day</th><th>结果 Status</th><th>笔数 Lines</th><th>相符 Matched</th><th>差异 Differences</th><th>错误 Error</th><th>执行 Ran</th></tr></thead>
<tbody>${dayRows.length ? dayRows : html`<tr><td colspan="7" class="muted">无 None</td></tr>`}</tbody></table>`);
}
