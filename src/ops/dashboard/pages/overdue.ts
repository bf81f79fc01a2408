/** 逾期 Overdue: accepted sub-applications past their working-day due date, and those whose due date the calendar cannot compute. */
import { chinaDate } from '../../../cases/working-days.js';
import { overdueSubApplications } from '../../../delivery/ops-deliveries.js';
import type { DashboardContext } from '../context.js';
import { chinaTime, idCode } from '../format.js';
import { html, queryString, type SafeHtml } from '../html.js';
import { page, type Viewer } from '../layout.js';

export async function overduePage(context: DashboardContext, viewer: Viewer): Promise<SafeHtml> {
  const today = chinaDate(new Date(context.now()));
  const overdue = await overdueSubApplications(context.store, today);
  const rows = overdue.map((item) => html`<tr data-sub-application="${item.subApplicationId}"><td>${idCode(item.subApplicationId)}</td><td><a href="/ops/search${queryString({ q: item.applicationId })}">${idCode(item.applicationId)}</a></td>
<td>${item.matterName}</td><td><code>${item.department}</code></td><td>${chinaTime(item.acceptedAt)}</td>
<td>${item.dueStatus === 'uncovered' ? html`<span class="bad">无法计算 uncovered</span>` : item.dueDate}</td></tr>`);
  return page(viewer, { title: '逾期子件 Overdue sub-applications', active: 'overdue' }, html`<p>今天 Today (China): ${today}. 已受理且超过法定/承诺办结期限的子件，以及日历无法计算期限的子件。 Accepted sub-applications past their due date, and those whose due date the working-day calendar cannot compute.</p>
<table><thead><tr><th>子件 Sub-application</th><th>申请 Application</th><th>事项 Matter</th><th>部门 Dept</th><th>受理 Accepted</th><th>到期 Due</th></tr></thead>
<tbody>${rows.length ? rows : html`<tr><td colspan="6" class="muted">无 None</td></tr>`}</tbody></table>`);
}
