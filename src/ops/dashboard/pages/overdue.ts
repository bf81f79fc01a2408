/**
 * 逾期 Overdue: accepted sub-applications past their working-day due date, and those whose due date the calendar cannot compute;
 * deferred (容缺) materials past their due date unsupplied; 补正 requests whose deadline passed unanswered (the department decides).
 */
import { chinaDate } from '../../../cases/working-days.js';
import { overdueSubApplications } from '../../../delivery/ops-deliveries.js';
import { listSupplementRequests, overdueMaterials } from '../../material-deadlines.js';
import type { DashboardContext } from '../context.js';
import { chinaTime, idCode } from '../format.js';
import { html, queryString, type SafeHtml } from '../html.js';
import { nextPageLink, page, type Viewer } from '../layout.js';

/** How many rows each of the page's lists shows at a time. */
export const OVERDUE_PAGE_SIZE = 100;

/** Where each of the page's three lists starts (the cursor keys of `?cursor=`, `?materials=`, `?supplements=`). */
export interface OverdueCursors {
  readonly subApplications?: readonly (string | number)[] | undefined;
  readonly materials?: readonly (string | number)[] | undefined;
  readonly supplements?: readonly (string | number)[] | undefined;
}

export async function overduePage(context: DashboardContext, viewer: Viewer, cursors: OverdueCursors = {}): Promise<SafeHtml> {
  const today = chinaDate(new Date(context.now()));
  const [{ overdue, nextCursor }, lateness] = await Promise.all([
    overdueSubApplications(context.reader, today, { limit: OVERDUE_PAGE_SIZE, after: cursors.subApplications }),
    deferralsAndSupplements(context, today, cursors),
  ]);
  const rows = overdue.map((item) => html`<tr data-sub-application="${item.subApplicationId}"><td>${idCode(item.subApplicationId)}</td><td><a href="/ops/search${queryString({ q: item.applicationId })}">${idCode(item.applicationId)}</a></td>
<td>${item.matterName}</td><td><code>${item.department}</code></td><td>${chinaTime(item.acceptedAt)}</td>
<td>${item.dueStatus === 'uncovered' ? html`<span class="bad">无法计算 uncovered</span>` : item.dueDate}</td></tr>`);
  return page(viewer, { title: '逾期子件 Overdue sub-applications', active: 'overdue' }, html`<p>今天 Today (China): ${today}. 已受理且超过法定/承诺办结期限的子件，以及日历无法计算期限的子件。 Accepted sub-applications past their due date, and those whose due date the working-day calendar cannot compute.</p>
<table><thead><tr><th>子件 Sub-application</th><th>申请 Application</th><th>事项 Matter</th><th>部门 Dept</th><th>受理 Accepted</th><th>到期 Due</th></tr></thead>
<tbody>${rows.length ? rows : html`<tr><td colspan="6" class="muted">无 None</td></tr>`}</tbody></table>
${nextPageLink('/ops/overdue', {}, nextCursor)}
${lateness}`);
}

/** The applicant's side of lateness: 容缺 materials not supplied in time, 补正 requests not answered in time. */
async function deferralsAndSupplements(context: DashboardContext, today: string, cursors: OverdueCursors): Promise<SafeHtml> {
  const [{ materials, nextCursor: moreMaterials }, { requests: expired, nextCursor: moreRequests }] = await Promise.all([
    overdueMaterials(context.reader, today, { limit: OVERDUE_PAGE_SIZE, after: cursors.materials }),
    listSupplementRequests(context.reader, { status: 'expired', limit: OVERDUE_PAGE_SIZE, after: cursors.supplements }, today),
  ]);
  const materialRows = materials.map((item) => html`<tr data-material="${item.code}"><td><a href="/ops/search${queryString({ q: item.applicationId })}">${idCode(item.applicationId)}</a></td>
<td><code>${item.code}</code></td><td>${item.subApplications.map((sub) => html`<code>${sub.departmentCode}</code> ${sub.matterName} `)}</td><td>${item.dueDate}</td></tr>`);
  const requestRows = expired.map((item) => html`<tr data-supplement="${item.id}"><td><a href="/ops/search${queryString({ q: item.applicationId })}">${idCode(item.applicationId)}</a></td>
<td>${idCode(item.subApplicationId)}</td><td><code>${item.departmentCode}</code></td><td>${item.reason}</td><td>${item.deadline}</td></tr>`);
  return html`<h2>容缺材料逾期 Deferred materials overdue</h2>
<p>容缺受理后未在期限内补交的材料。 Deferred materials past their due date, not supplied.</p>
<table><thead><tr><th>申请 Application</th><th>材料 Material</th><th>容缺的事项 Deferred by</th><th>到期 Due</th></tr></thead>
<tbody>${materialRows.length ? materialRows : html`<tr><td colspan="4" class="muted">无 None</td></tr>`}</tbody></table>
${nextPageLink('/ops/overdue', {}, moreMaterials, 'materials')}
<h2>补正逾期 Supplement requests expired</h2>
<p>补正期限已过未补正，由部门决定（不予受理或办结）。 Deadline passed unanswered: the department decides.</p>
<table><thead><tr><th>申请 Application</th><th>子件 Sub-application</th><th>部门 Dept</th><th>补正理由 Reason</th><th>期限 Deadline</th></tr></thead>
<tbody>${requestRows.length ? requestRows : html`<tr><td colspan="5" class="muted">无 None</td></tr>`}</tbody></table>
${nextPageLink('/ops/overdue', {}, moreRequests, 'supplements')}`;
}
