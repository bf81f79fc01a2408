/** 目录同步 Sync runs: recent runs, recent failures, and a button to sync now. */
import { listRuns, type SyncRun } from '../../../catalog/sync-runs.js';
import type { DashboardContext } from '../context.js';
import { chinaTime, coded, shorten, SYNC_KIND_LABELS, SYNC_STATUS_LABELS, SYNC_TRIGGER_LABELS } from '../format.js';
import { html, type HtmlValue, type SafeHtml } from '../html.js';
import { page, postForm, type Viewer } from '../layout.js';

function runRows(runs: readonly SyncRun[]): SafeHtml {
  if (runs.length === 0) return html`<tr><td colspan="8" class="muted">无 None</td></tr>`;
  return html`${runs.map((run) => html`<tr class="sync-${run.status}" data-run="${run.id}"><td class="num">${run.id}</td><td>${coded(SYNC_KIND_LABELS, run.kind)}</td><td>${coded(SYNC_TRIGGER_LABELS, run.trigger)}</td>
<td class="${run.status === 'failed' ? 'bad' : ''}">${coded(SYNC_STATUS_LABELS, run.status)}</td><td>${chinaTime(run.startedAt)}</td><td>${chinaTime(run.finishedAt)}</td>
<td class="num">${run.themesChanged}/${run.themesReceived} · ${run.mattersChanged}/${run.mattersReceived}</td>
<td class="error-text" title="${run.errorMessage ?? ''}">${run.errorCode ? html`<code>${run.errorCode}</code> ` : ''}${shorten(run.errorMessage, 200)}</td></tr>`)}`;
}

const HEADER = html`<thead><tr><th>#</th><th>类型 Kind</th><th>触发 Trigger</th><th>状态 Status</th><th>开始 Started</th><th>结束 Finished</th><th>主题 · 事项 changed/received</th><th>错误 Error</th></tr></thead>`;

export async function syncPage(context: DashboardContext, viewer: Viewer, notice?: HtmlValue): Promise<SafeHtml> {
  const [runs, failures] = await Promise.all([listRuns(context.reader, { limit: 30 }), listRuns(context.reader, { status: 'failed', limit: 10 })]);
  const actions = context.catalogSyncer
    ? html`<p>${postForm(viewer, '/ops/sync', '增量同步 Sync changes now', { fields: { kind: 'incremental' } })} ${postForm(viewer, '/ops/sync', '全量同步 Full sync now', { fields: { kind: 'full' }, confirm: '全量同步目录？ Run a full catalogue sync?' })}</p>`
    : html`<p class="muted">未配置省事项系统 No matter system configured (TONGBAN_MATTER_SYSTEM_URL): the stored catalogue is served.</p>`;
  return page(viewer, { title: '目录同步 Sync runs', active: 'sync', notice }, html`${actions}
<h2>最近失败 Recent failures</h2><table class="sync-failures">${HEADER}<tbody>${runRows(failures)}</tbody></table>
<h2>最近运行 Recent runs</h2><table class="sync-runs">${HEADER}<tbody>${runRows(runs)}</tbody></table>`);
}
