/** 投递队列 Delivery queue and 死信 dead letters: the list with filters, one delivery with its attempts, replay buttons. */
import { DELIVERY_STATES, deliveryAttempts, type DeliveryState } from '../../../delivery/ops-deliveries.js';
import type { DashboardContext } from '../context.js';
import { CHANNEL_LABELS, chinaTime, coded, idCode, label, OUTCOME_LABELS, shorten, STATE_LABELS, SUB_APPLICATION_STATUS_LABELS } from '../format.js';
import { html, queryString, type HtmlValue, type SafeHtml } from '../html.js';
import { nextPageLink, page, postForm, type Viewer } from '../layout.js';
import { deliveryListPage, getDelivery, type DeliveryRow } from '../queries.js';

export interface DeliveryFilter {
  state?: DeliveryState;
  department?: string;
  limit: number;
  /** The page's cursor (`?cursor=`) and the key it carries; absent: the first page. */
  cursor?: { readonly text: string; readonly key: readonly (string | number)[] };
}

const REPLAYABLE = new Set(['dead', 'pending']);

function replayButton(viewer: Viewer, id: string): SafeHtml {
  return postForm(viewer, `/ops/deliveries/${encodeURIComponent(id)}/replay`, '重放 Replay', { confirm: `重新投递 ${id}？ Replay this delivery?`, className: 'replay' });
}

function filterForm(context: DashboardContext, filter: DeliveryFilter): SafeHtml {
  const stateOptions = DELIVERY_STATES.map((state) => html`<option value="${state}"${filter.state === state ? html` selected` : ''}>${label(STATE_LABELS, state)}</option>`);
  const departmentOptions = context.departments.map((department) => html`<option value="${department.code}"${filter.department === department.code ? html` selected` : ''}>${department.code} ${department.name}</option>`);
  return html`<form method="get" action="/ops/deliveries" class="filters">
<label>状态 State <select name="state"><option value="">全部 all</option>${stateOptions}</select></label>
<label>部门 Department <select name="department"><option value="">全部 all</option>${departmentOptions}</select></label>
<label>条数 Limit <input type="number" name="limit" min="1" max="1000" value="${filter.limit}"></label>
<button type="submit">筛选 Filter</button></form>`;
}

/** A theme as rows show it: its name, the code in small print (the code alone when the catalogue lacks it). */
export function theme(code: string, name: string | null): SafeHtml {
  return name ? html`${name} <small class="code">${code}</small>` : html`<code>${code}</code>`;
}

/**
 * The deliveries table of the queue, the dead letters and the search: short
 * ids (full id in the title), theme, application (linked to its search),
 * 受理号. `extra` adds a last column (how a search matched).
 */
export function deliveriesTable(viewer: Viewer, deliveries: readonly DeliveryRow[], extra?: { header: string; cell: (delivery: DeliveryRow) => HtmlValue }): SafeHtml {
  const rows = deliveries.map((delivery) => html`<tr data-delivery="${delivery.id}" data-state="${delivery.state}">
<td><a href="/ops/deliveries/${encodeURIComponent(delivery.id)}">${idCode(delivery.id)}</a></td>
<td class="theme">${theme(delivery.themeCode, delivery.themeName)}</td>
<td class="application"><a href="/ops/search${queryString({ q: delivery.applicationId })}">${idCode(delivery.applicationId)}</a></td>
<td>${delivery.matterName}</td><td><code>${delivery.department}</code></td><td>${coded(CHANNEL_LABELS, delivery.channel)}</td>
<td class="state-${delivery.state}">${coded(STATE_LABELS, delivery.state)}</td><td class="num">${delivery.attempts}</td>
<td class="acceptance-number">${delivery.acceptanceNumber ?? '—'}</td>
<td class="error-text" title="${delivery.lastError ?? ''}">${shorten(delivery.lastError)}</td><td>${chinaTime(delivery.updatedAt)}</td>
${extra ? html`<td class="matched">${extra.cell(delivery)}</td>` : ''}
<td>${delivery.state === 'dead' ? replayButton(viewer, delivery.id) : ''}</td></tr>`);
  const columns = 12 + (extra ? 1 : 0);
  return html`<table class="deliveries"><thead><tr><th>投递 Delivery</th><th>主题 Theme</th><th>申请 Application</th><th>事项 Matter</th><th>部门 Dept</th><th>通道 Channel</th><th>状态 State</th><th>次数 Attempts</th><th>受理号 Acceptance no.</th><th>最近错误 Last error</th><th>更新 Updated</th>${extra ? html`<th>${extra.header}</th>` : ''}<th></th></tr></thead>
<tbody>${rows.length ? rows : html`<tr><td colspan="${columns}" class="muted">无 None</td></tr>`}</tbody></table>`;
}

export async function deliveriesPage(context: DashboardContext, viewer: Viewer, filter: DeliveryFilter, notice?: HtmlValue): Promise<SafeHtml> {
  const listed = await deliveryListPage(context.reader, { state: filter.state, department: filter.department, after: filter.cursor?.key }, filter.limit);
  const deliveries = listed.rows;
  const deadHere = filter.state === 'dead' && filter.department && deliveries.length > 0;
  const title = filter.state === 'dead' ? '死信 Dead letters' : '投递队列 Delivery queue';
  return page(viewer, { title, active: filter.state === 'dead' ? 'dead' : 'deliveries', notice }, html`${filterForm(context, filter)}
${deadHere ? html`<p>${postForm(viewer, '/ops/deliveries/replay', `重放 ${filter.department} 全部死信 Replay every dead letter of ${filter.department}`, {
    fields: { department: filter.department! }, confirm: `重放部门 ${filter.department} 的全部死信？ Replay all dead letters of this department?`, className: 'replay',
  })}</p>` : ''}
${deliveriesTable(viewer, deliveries)}
${nextPageLink('/ops/deliveries', { state: filter.state, department: filter.department, limit: filter.limit === 100 ? undefined : String(filter.limit) }, listed.nextCursor)}`);
}

export async function deliveryPage(context: DashboardContext, viewer: Viewer, id: string, notice?: HtmlValue): Promise<SafeHtml | undefined> {
  const [delivery, attempts] = await Promise.all([getDelivery(context.reader, id), deliveryAttempts(context.reader, id)]);
  if (!delivery) return undefined;
  const field = (name: string, value: HtmlValue) => html`<tr><th>${name}</th><td>${value}</td></tr>`;
  return page(viewer, { title: `投递 Delivery ${delivery.id}`, active: 'deliveries', notice }, html`
<table class="fields" data-delivery="${delivery.id}" data-state="${delivery.state}">
${field('状态 State', html`<span class="state-${delivery.state}">${coded(STATE_LABELS, delivery.state)}</span>`)}
${field('主题 Theme', theme(delivery.themeCode, delivery.themeName))}
${field('事项 Matter', html`${delivery.matterName} <code>${delivery.matterCode}</code>`)}
${field('部门 Department', html`<code>${delivery.department}</code> ${coded(CHANNEL_LABELS, delivery.channel)}`)}
${field('申请 Application', html`<a href="/ops/search${queryString({ q: delivery.applicationId })}"><code>${delivery.applicationId}</code></a>`)}
${field('子件 Sub-application', html`<code>${delivery.subApplicationId}</code> ${coded(SUB_APPLICATION_STATUS_LABELS, delivery.subApplicationStatus)}`)}
${field('受理号 Acceptance number', delivery.acceptanceNumber ?? '—')}
${field('幂等键 Idempotency key', html`<code>${delivery.idempotencyKey}</code>`)}
${field('次数 Attempts', delivery.attempts)}
${field('下次投递 Next attempt', chinaTime(delivery.nextAttemptAt))}
${field('最近错误 Last error', html`<span class="error-text">${delivery.lastError ?? '—'}</span>`)}
${field('创建 Created', chinaTime(delivery.createdAt))}
${field('更新 Updated', chinaTime(delivery.updatedAt))}
</table>
${REPLAYABLE.has(delivery.state) ? html`<p>${replayButton(viewer, delivery.id)}</p>` : ''}
<h2>投递记录 Attempts</h2>
<table class="attempts"><thead><tr><th>#</th><th>开始 Started</th><th>耗时 Duration</th><th>结果 Outcome</th><th>错误码 Code</th><th>错误 Error</th></tr></thead>
<tbody>${attempts.length ? attempts.map((attempt) => html`<tr class="outcome-${attempt.outcome}"><td class="num">${attempt.attempt}</td><td>${chinaTime(attempt.startedAt)}</td>
<td class="num">${attempt.durationMs} ms</td><td>${coded(OUTCOME_LABELS, attempt.outcome)}</td><td><code>${attempt.errorCode ?? ''}</code></td><td class="error-text">${attempt.error ?? ''}</td></tr>`)
    : html`<tr><td colspan="6" class="muted">尚无 None yet</td></tr>`}</tbody></table>`);
}
