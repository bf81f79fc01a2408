/**
 * 用证记录 Licence uses: search the hash-chained ledger by holder. A holder
 * code is shown masked everywhere, its own search result included, and never
 * written back into the form; looking one up needs a reason (audited with
 * it). The search is a POST so the code never lands in URLs, browser history
 * or access logs.
 */
import type { LedgerEntry } from '../../../licences/ledger.js';
import type { DashboardContext } from '../context.js';
import { chinaTime, coded, LICENCE_ACTION_LABELS, licenceType, maskHolderCode, OUTCOME_LABELS } from '../format.js';
import { html, type SafeHtml } from '../html.js';
import { pageOf } from '../../cursor.js';
import { nextPageLink, page, type Viewer } from '../layout.js';
import { recentLicenceUses, themeNames } from '../queries.js';
import { MAX_REASON_LENGTH } from '../search.js';
import { CSRF_FIELD } from '../session.js';
import { theme } from './deliveries.js';

export const LEDGER_PAGE_SIZE = 50;

function searchForm(viewer: Viewer, reason = ''): SafeHtml {
  return html`<form method="post" action="/ops/ledger" class="filters"><input type="hidden" name="${CSRF_FIELD}" value="${viewer.csrf}">
<label>持证主体代码 Holder code (身份证号/统一社会信用代码) <input type="text" name="holder" maxlength="64" autocomplete="off" required></label>
<label>查询事由 Reason <small>(必填，记入审计 required, audited)</small> <input type="text" name="reason" value="${reason}" maxlength="${MAX_REASON_LENGTH}" size="40" autocomplete="off" required></label>
<button type="submit">查询 Search</button></form>`;
}

/** How many recent uses the page shows at a time. */
export const RECENT_USES_PAGE_SIZE = 20;
/** The recent uses' cursor: the last seq shown. */
export const RECENT_USES_CURSOR = { list: 'licence-uses', shape: ['number'] } as const;

export async function ledgerPage(context: DashboardContext, viewer: Viewer, error?: string, reason?: string, before?: number): Promise<SafeHtml> {
  const read = await recentLicenceUses(context.reader, RECENT_USES_PAGE_SIZE + 1, before);
  const { rows: recent, nextCursor } = pageOf(read, RECENT_USES_PAGE_SIZE, RECENT_USES_CURSOR.list, (use) => [use.seq]);
  const themes = await themeNames(context.reader, recent.map((use) => use.themeCode));
  const rows = recent.map((use) => html`<tr><td class="num">${use.seq}</td><td>${chinaTime(use.at)}</td><td class="holder masked">${maskHolderCode(use.holderCode)}</td>
<td class="licence-type">${licenceType(use.licenceType)}</td><td>${use.clientId}</td><td>${theme(use.themeCode, themes.get(use.themeCode) ?? null)}</td><td>${use.useCause}</td><td>${coded(LICENCE_ACTION_LABELS, use.action)}</td><td>${coded(OUTCOME_LABELS, use.outcome)}</td></tr>`);
  return page(viewer, { title: '用证记录 Licence uses', active: 'ledger', error }, html`${searchForm(viewer, reason)}
<h2>最近用证 Recent uses <small>(持证主体已脱敏 holder codes masked)</small></h2>
<table class="ledger-recent"><thead><tr><th>序号 Seq</th><th>时间 At</th><th>持证主体 Holder</th><th>证照类型 Licence type</th><th>用证方 Client</th><th>主题 Theme</th><th>用证事由 Use cause</th><th>操作 Action</th><th>结果 Outcome</th></tr></thead>
<tbody>${rows.length ? rows : html`<tr><td colspan="9" class="muted">无 None</td></tr>`}</tbody></table>
${nextPageLink('/ops/ledger', {}, nextCursor)}`);
}

export async function ledgerResultPage(context: DashboardContext, viewer: Viewer, search: { holder: string; reason: string }, entries: readonly LedgerEntry[], before: number | undefined): Promise<SafeHtml> {
  const themes = await themeNames(context.reader, entries.map((entry) => entry.themeCode));
  const rows = entries.map((entry) => html`<tr><td class="num">${entry.seq}</td><td>${chinaTime(entry.at)}</td><td class="licence-type">${licenceType(entry.licenceType)}</td><td><code>${entry.licenceIdentifier}</code></td>
<td>${entry.clientId}</td><td>${theme(entry.themeCode, themes.get(entry.themeCode) ?? null)}</td><td>${entry.matterCodes.join(', ')}</td><td>${entry.useCause}</td><td>${coded(LICENCE_ACTION_LABELS, entry.action)}</td><td>${coded(OUTCOME_LABELS, entry.outcome)}</td>
<td><code title="${entry.hash}">${entry.hash.slice(0, 12)}</code></td></tr>`);
  const older = entries.length === LEDGER_PAGE_SIZE ? entries[entries.length - 1]!.seq : undefined;
  return page(viewer, { title: '用证记录 Licence uses', active: 'ledger' }, html`${searchForm(viewer, search.reason)}
<h2>查询结果 Result: <span class="holder masked">${maskHolderCode(search.holder)}</span>${before ? html` <small>(序号 &lt; ${before})</small>` : ''}</h2>
<p class="muted">查询事由 Reason: ${search.reason} · 已记入审计 recorded in the audit trail</p>
<table class="ledger-result"><thead><tr><th>序号 Seq</th><th>时间 At</th><th>证照类型 Licence type</th><th>证照标识 Identifier</th><th>用证方 Client</th><th>主题 Theme</th><th>事项 Matters</th><th>用证事由 Use cause</th><th>操作 Action</th><th>结果 Outcome</th><th>哈希 Hash</th></tr></thead>
<tbody>${rows.length ? rows : html`<tr><td colspan="11" class="muted">该持证主体无用证记录 No recorded uses for this holder</td></tr>`}</tbody></table>
${older ? html`<form method="post" action="/ops/ledger"><input type="hidden" name="${CSRF_FIELD}" value="${viewer.csrf}"><input type="hidden" name="holder" value="${search.holder}"><input type="hidden" name="reason" value="${search.reason}"><input type="hidden" name="before" value="${older}"><button type="submit">更早 Older</button></form>` : ''}`);
}
