/**
 * 好差评 Evaluations: the follow-ups of 差评 (整改回访) with their states in
 * Chinese, each with a form for its next step (assigned → rectified →
 * revisited → closed), and the pushes to the provincial 好差评 system that
 * became dead letters, each replayable. See docs/evaluations.md.
 */
import { FOLLOW_UP_STATES, listFollowUps, type FollowUpState, type FollowUpView } from '../../../evaluations/follow-ups.js';
import { listPushes } from '../../../evaluations/ops-pushes.js';
import { FOLLOW_UP_STATE_NAMES } from '../../../evaluations/read-evaluations.js';
import type { DashboardContext } from '../context.js';
import { chinaTime, idCode } from '../format.js';
import { html, queryString, type SafeHtml } from '../html.js';
import { nextPageLink, page, postForm, type Viewer } from '../layout.js';
import { CSRF_FIELD } from '../session.js';

/** Rows of each list at a time. */
export const EVALUATIONS_PAGE_SIZE = 50;

/** The next state of a follow-up, or undefined once closed. */
function nextState(state: string): Exclude<FollowUpState, 'open'> | undefined {
  return FOLLOW_UP_STATES[FOLLOW_UP_STATES.indexOf(state as FollowUpState) + 1] as Exclude<FollowUpState, 'open'> | undefined;
}

/** The form moving a follow-up to its next state: the assignee asked only to assign it. */
function transitionForm(viewer: Viewer, followUp: FollowUpView): SafeHtml {
  const to = nextState(followUp.state);
  if (!to) return html`<span class="muted">—</span>`;
  return html`<form method="post" action="/ops/evaluations/follow-ups/${followUp.id}/transitions" class="transition">
<input type="hidden" name="${CSRF_FIELD}" value="${viewer.csrf}"><input type="hidden" name="to" value="${to}">
${to === 'assigned' ? html`<input name="assignee" required maxlength="50" placeholder="承办人 Assignee" aria-label="承办人 Assignee">` : ''}
<input name="note" required maxlength="500" placeholder="说明 Note" aria-label="说明 Note">
<button type="submit">${FOLLOW_UP_STATE_NAMES[to]} → ${to}</button></form>`;
}

export async function evaluationsPage(context: DashboardContext, viewer: Viewer, options: { state?: FollowUpState | undefined; after?: readonly (string | number)[] | undefined; notice?: string | undefined } = {}): Promise<SafeHtml> {
  const now = context.now();
  const [{ followUps, nextCursor }, { pushes: dead }] = await Promise.all([
    listFollowUps(context.reader, { state: options.state, after: options.after, limit: EVALUATIONS_PAGE_SIZE, now }),
    listPushes(context.reader, { state: 'dead', limit: EVALUATIONS_PAGE_SIZE }),
  ]);
  const filters = [html`<a href="/ops/evaluations"${options.state ? '' : html` class="active"`}>全部 All</a>`,
    ...FOLLOW_UP_STATES.map((state) => html` · <a href="/ops/evaluations${queryString({ state })}"${options.state === state ? html` class="active"` : ''}>${FOLLOW_UP_STATE_NAMES[state]} ${state}</a>`)];
  const rows = followUps.map((item) => html`<tr data-follow-up="${item.id}" data-state="${item.state}">
<td><a href="/ops/search${queryString({ q: item.applicationId })}">${idCode(item.applicationId)}</a></td>
<td>${item.scope === 'theme' ? html`一件事 <code>${item.serviceCode}</code>` : html`事项 <code>${item.serviceCode}</code>`}${item.departmentCode ? html` <code>${item.departmentCode}</code>` : ''}</td>
<td class="bad">${item.level} ${item.levelName}</td><td>${item.indicators.join(', ')}${item.comment ? html`<br><span class="muted">${item.comment}</span>` : ''}</td>
<td>${item.applicant.name} ${item.applicant.idNumber}</td>
<td><strong>${item.stateName}</strong> <code>${item.state}</code></td><td>${item.assignee ?? '—'}</td>
<td>${chinaTime(item.dueAt)}${item.overdue ? html` <span class="bad">逾期 overdue</span>` : ''}</td>
<td>${item.notes.map((note) => html`<div>${FOLLOW_UP_STATE_NAMES[note.state as FollowUpState] ?? note.state}: ${note.note} <span class="muted">(${note.by}, ${chinaTime(note.at)})</span></div>`)}</td>
<td>${transitionForm(viewer, item)}</td></tr>`);
  const deadRows = dead.map((push) => html`<tr data-push="${push.id}"><td>${idCode(push.applicationId)}</td><td><code>${push.serviceCode}</code></td>
<td>${push.kind === 'evaluation' ? '评价 evaluation' : html`整改 ${push.step ?? ''}`}</td><td>${push.attempts}</td><td>${push.lastError ?? ''}</td>
<td>${postForm(viewer, `/ops/evaluations/pushes/${push.id}/replay`, '重新推送 Replay')}</td></tr>`);
  return page(viewer, { title: '好差评 差评整改回访 Evaluation follow-ups', active: 'evaluations', notice: options.notice }, html`<p>差评（不满意、非常不满意）须在期限内整改、回访并办结，每一步同步至省好差评系统。 Poor evaluations are assigned, rectified, revisited and closed within their period; each step is recorded on the provincial 好差评 system.</p>
<p class="filters">${filters}</p>
<table><thead><tr><th>申请 Application</th><th>评价对象 Rated</th><th>等级 Level</th><th>指标 Indicators</th><th>评价人 Applicant</th><th>状态 State</th><th>承办人 Assignee</th><th>期限 Due</th><th>记录 Notes</th><th>下一步 Next step</th></tr></thead>
<tbody>${rows.length ? rows : html`<tr><td colspan="10" class="muted">无 None</td></tr>`}</tbody></table>
${nextPageLink('/ops/evaluations', { state: options.state }, nextCursor)}
<h2>推送死信 Pushes given up</h2>
<p>推送至省好差评系统失败且不再重试的评价或整改步骤。 Evaluations or follow-up steps the provincial system did not take after the last attempt.</p>
<table><thead><tr><th>申请 Application</th><th>服务 Service</th><th>内容 Kind</th><th>次数 Attempts</th><th>错误 Last error</th><th></th></tr></thead>
<tbody>${deadRows.length ? deadRows : html`<tr><td colspan="6" class="muted">无 None</td></tr>`}</tbody></table>`);
}
