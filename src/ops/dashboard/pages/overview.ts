/** 总览 Overview: adapters and circuits, the queue by department and state, the attempts chart, recent failures. */
import { listRuns } from '../../../catalog/sync-runs.js';
import { chinaDate } from '../../../cases/working-days.js';
import { countOverdue, DELIVERY_STATES } from '../../../delivery/ops-deliveries.js';
import { upstreamOutcomes, type UpstreamOutcomes } from '../../upstream-outcomes.js';
import { attemptsChart } from '../chart.js';
import type { DashboardContext } from '../context.js';
import { CHANNEL_LABELS, CIRCUIT_LABELS, chinaTime, coded, label, OUTCOME_LABELS, shorten, STATE_LABELS, SYNC_STATUS_LABELS } from '../format.js';
import { html, queryString, type SafeHtml } from '../html.js';
import { page, type Viewer } from '../layout.js';
import { attemptSeries, deliveryCounts, departmentActivity } from '../queries.js';

/** The overview counts overdue sub-applications up to this many (beyond, it shows "1000+": counting further would read them all). */
export const OVERDUE_COUNT_CAP = 1000;

/** Chart ranges: how far back, and the bucket size. */
export const CHART_RANGES = {
  '1h': { spanMs: 3600_000, bucketMs: 60_000, caption: '最近 60 分钟，每分钟 Last hour, per minute' },
  '24h': { spanMs: 24 * 3600_000, bucketMs: 3600_000, caption: '最近 24 小时，每小时 Last 24 hours, per hour' },
} as const;
export type ChartRange = keyof typeof CHART_RANGES;

function hostOf(url: string | undefined): string {
  if (!url) return '';
  try {
    return new URL(url).host;
  } catch {
    return '';
  }
}

/** The latest outcome a worker's jobs recorded for an upstream: the newer of its last success and last failure (with its code). */
function latestOutcome(record: UpstreamOutcomes): SafeHtml | string {
  const { lastSuccessAt, lastFailureAt, lastErrorCode } = record;
  if (lastFailureAt !== null && (lastSuccessAt === null || lastFailureAt > lastSuccessAt)) {
    return html`<span class="bad">${label(SYNC_STATUS_LABELS, 'failed')}</span> ${chinaTime(lastFailureAt)}${lastErrorCode ? html` <code>${lastErrorCode}</code>` : ''}`;
  }
  return lastSuccessAt === null ? '—' : html`<span class="ok">${label(SYNC_STATUS_LABELS, 'succeeded')}</span> ${chinaTime(lastSuccessAt)}`;
}

async function adaptersPanel(context: DashboardContext): Promise<SafeHtml> {
  const [[lastRun], [lastSuccess], activity, recorded] = await Promise.all([
    listRuns(context.reader, { limit: 1 }),
    listRuns(context.reader, { status: 'succeeded', limit: 1 }),
    departmentActivity(context.reader, context.now() - 3600_000),
    upstreamOutcomes(context.reader),
  ]);
  const circuits = context.breakerStates();
  const configured = (yes: boolean) => (yes ? html`<span class="ok">已配置 configured</span>` : html`<span class="muted">未配置 not configured</span>`);
  // In the order of GET /v1/ops/adapters; the upstreams without a record of their calls show dashes.
  const row = (id: string, name: string, isConfigured: boolean, record?: UpstreamOutcomes) => html`<tr data-upstream="${id}"><td>${name}</td><td>${configured(isConfigured)}</td><td>${
    record ? latestOutcome(record) : '—'}</td><td>${record?.lastSuccessAt ? chinaTime(record.lastSuccessAt) : '—'}</td></tr>`;
  const upstream = [
    html`<tr data-upstream="matter-system"><td>省事项系统 Matter system</td><td>${configured(context.upstreams.matterSystem)}</td><td>${
      lastRun ? html`<span class="${lastRun.status === 'failed' ? 'bad' : 'ok'}">${label(SYNC_STATUS_LABELS, lastRun.status)}</span> ${chinaTime(lastRun.finishedAt ?? lastRun.startedAt)}${lastRun.errorCode ? html` <code>${lastRun.errorCode}</code>` : ''}` : '—'
    }</td><td>${lastSuccess ? chinaTime(lastSuccess.finishedAt) : '—'}</td></tr>`,
    row('licence-library', '电子证照库 E-licence library', context.upstreams.licenceLibrary, recorded.licenceLibrary),
    row('seal-platform', '电子印章平台 E-seal platform', context.upstreams.sealPlatform),
    row('identity-platform', '统一身份认证平台 Identity platform', context.upstreams.identityPlatform),
    row('payment-platform', '统一公共支付平台 Payment platform', context.upstreams.paymentPlatform, recorded.paymentPlatform),
    row('logistics', 'EMS 邮政寄递 Mail service', context.upstreams.logistics, recorded.logistics),
    row('evaluation', '好差评系统 Evaluation system', context.upstreams.evaluation, recorded.evaluation),
    row('data-sharing', '数据共享交换平台 Data-sharing exchange', context.upstreams.dataSharing),
  ];
  // Departments with nothing to show (no endpoint, no traffic, circuit closed) are summed up in one line.
  const relevant = (department: (typeof context.departments)[number]) => department.channel === 'inbox' || activity.has(department.code) || (circuits[department.code] ?? 'closed') !== 'closed'
    || !!(context.upstreams.departmentEndpoints[department.code] ?? department.endpoint);
  const quiet = context.departments.filter((department) => !relevant(department));
  const departments = context.departments.filter(relevant).map((department) => {
    const seen = activity.get(department.code);
    const endpoint = department.channel === 'inbox' ? '拉取 pull inbox' : hostOf(context.upstreams.departmentEndpoints[department.code] ?? department.endpoint) || '未配置 not configured';
    const circuit = department.channel === 'inbox' ? '—' : circuits[department.code] ?? 'closed';
    return html`<tr data-department="${department.code}"><td><code>${department.code}</code> ${department.name}</td><td>${coded(CHANNEL_LABELS, department.channel)}</td><td>${endpoint}</td>
<td class="circuit ${department.channel === 'inbox' ? 'none' : circuit}">${department.channel === 'inbox' ? '—' : label(CIRCUIT_LABELS, circuit)}</td>
<td class="num">${seen?.delivered ?? 0}</td><td class="num">${seen?.failed ? html`<span class="bad">${seen.failed}</span>` : 0}</td>
<td>${seen?.lastAt ? html`${chinaTime(seen.lastAt)} ${label(OUTCOME_LABELS, seen.lastOutcome)}` : '—'}</td></tr>`;
  });
  if (quiet.length) {
    departments.push(html`<tr class="quiet"><td colspan="7" class="muted">另有 ${quiet.length} 个部门未配置地址且无投递 ${quiet.length} more departments without an endpoint or traffic: ${quiet.map((department) => department.code).join(', ')}</td></tr>`);
  }
  return html`<section id="adapters"><h2>适配器与熔断 Adapters and circuits</h2>
<table><thead><tr><th>上游系统 Upstream</th><th>配置 Configured</th><th>最近结果 Last outcome</th><th>最近成功 Last success</th></tr></thead><tbody>${upstream}</tbody></table>
<p class="muted">省事项系统：目录同步；电子证照库：证照签发；支付平台：缴款通知与退款；EMS：运单；好差评：评价推送。电子印章、统一身份认证、数据共享交换平台在请求中调用，不留记录。
Matter system: catalogue syncs; licence library: licence issuance; payment platform: notices and refunds; EMS: waybills; 好差评: evaluation pushes. The e-seal platform, identity platform and data-sharing exchange are called within requests, with no record kept.</p>
<table><thead><tr><th>部门 Department</th><th>通道 Channel</th><th>地址 Endpoint</th><th>熔断 Circuit</th><th>成功 (1 h)</th><th>失败 (1 h)</th><th>最近投递 Last attempt</th></tr></thead><tbody>${departments}</tbody></table>
${context.dispatcherEnabled ? '' : html`<p class="muted">本进程未运行投递器，熔断状态不可见 This replica runs no dispatcher; circuit states are those of other replicas.</p>`}
</section>`;
}

async function queuePanel(context: DashboardContext): Promise<SafeHtml> {
  const counts = await deliveryCounts(context.reader);
  const codes = [...new Set(counts.map((count) => count.department))];
  const names = new Map(context.departments.map((department) => [department.code, department.name]));
  const cell = (department: string | undefined, state: string, count: number) => (count === 0 ? html`<td class="num muted">0</td>`
    : html`<td class="num state-${state}"><a href="/ops/deliveries${queryString({ state, department })}">${count}</a></td>`);
  const rows = codes.map((code) => {
    const of = (state: string) => counts.find((count) => count.department === code && count.state === state)?.count ?? 0;
    return html`<tr><td><code>${code}</code> ${names.get(code) ?? ''}</td>${DELIVERY_STATES.map((state) => cell(code, state, of(state)))}</tr>`;
  });
  const total = (state: string) => counts.filter((count) => count.state === state).reduce((sum, count) => sum + count.count, 0);
  return html`<section id="queue"><h2>投递队列 Delivery queue</h2>
<table><thead><tr><th>部门 Department</th>${DELIVERY_STATES.map((state) => html`<th>${label(STATE_LABELS, state)}</th>`)}</tr></thead>
<tbody>${rows.length ? rows : html`<tr><td colspan="${DELIVERY_STATES.length + 1}" class="muted">队列为空 The queue is empty</td></tr>`}</tbody><tfoot><tr><th>合计 Total</th>${DELIVERY_STATES.map((state) => cell(undefined, state, total(state)))}</tr></tfoot></table></section>`;
}

async function chartPanel(context: DashboardContext, range: ChartRange): Promise<SafeHtml> {
  const spec = CHART_RANGES[range];
  const until = context.now();
  const buckets = await attemptSeries(context.reader, { since: until - spec.spanMs + spec.bucketMs, until, bucketMs: spec.bucketMs });
  const links = (Object.keys(CHART_RANGES) as ChartRange[]).map((key, index) => html`${index ? ' · ' : ''}${key === range ? html`<strong>${key}</strong>` : html`<a href="/ops${queryString({ range: key })}#chart">${key}</a>`}`);
  return html`<section id="chart"><h2>投递与失败 Deliveries and failures <small>${links}</small></h2>${attemptsChart(buckets, spec.caption)}</section>`;
}

async function attentionPanel(context: DashboardContext): Promise<SafeHtml> {
  const [failures, overdue] = await Promise.all([
    listRuns(context.reader, { status: 'failed', limit: 3 }),
    countOverdue(context.reader, chinaDate(new Date(context.now())), OVERDUE_COUNT_CAP),
  ]);
  return html`<section id="attention"><h2>需要关注 Needs attention</h2><ul>
<li><a href="/ops/overdue">逾期子件 Overdue sub-applications: <strong>${overdue > OVERDUE_COUNT_CAP ? `${OVERDUE_COUNT_CAP}+` : overdue}</strong></a></li>
<li><a href="/ops/sync">最近同步失败 Recent sync failures: <strong>${failures.length}</strong></a>${failures.length ? html`<ul>${failures.map((run) => html`<li>#${run.id} ${chinaTime(run.startedAt)} <code>${run.errorCode ?? ''}</code> ${shorten(run.errorMessage, 160)}</li>`)}</ul>` : ''}</li>
</ul></section>`;
}

/**
 * The panels' reads are sent together: each answer of the ops reader comes
 * back through the event loop, so while intake keeps the loop busy one
 * wait for all of them costs a turn, not a turn per read.
 */
export async function overviewPage(context: DashboardContext, viewer: Viewer, range: ChartRange): Promise<SafeHtml> {
  return page(viewer, { title: '总览 Overview', active: 'overview' },
    await Promise.all([adaptersPanel(context), queuePanel(context), chartPanel(context, range), attentionPanel(context)]));
}
