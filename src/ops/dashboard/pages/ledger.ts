/**
 * 用证记录 Licence uses: search the hash-chained ledger by holder. The holder
 * code is shown in full only on its own search result; everywhere else
 * (recent uses) it is masked. The search is a POST so the code never lands
 * in URLs, browser history or access logs.
 */
import type { LedgerEntry } from '../../../licences/ledger.js';
import type { DashboardContext } from '../context.js';
import { chinaTime, label, maskHolderCode, OUTCOME_LABELS } from '../format.js';
import { html, type SafeHtml } from '../html.js';
import { page, type Viewer } from '../layout.js';
import { recentLicenceUses } from '../queries.js';
import { CSRF_FIELD } from '../session.js';

export const LEDGER_PAGE_SIZE = 50;

function searchForm(viewer: Viewer, holder = ''): SafeHtml {
  return html`<form method="post" action="/ops/ledger" class="filters"><input type="hidden" name="${CSRF_FIELD}" value="${viewer.csrf}">
<label>持证主体代码 Holder code (身份证号/统一社会信用代码) <input type="text" name="holder" value="${holder}" maxlength="64" autocomplete="off" required></label>
<button type="submit">查询 Search</button></form>`;
}

export async function ledgerPage(context: DashboardContext, viewer: Viewer, error?: string): Promise<SafeHtml> {
  const recent = await recentLicenceUses(context.store, 20);
  const rows = recent.map((use) => html`<tr><td class="num">${use.seq}</td><td>${chinaTime(use.at)}</td><td class="holder masked">${maskHolderCode(use.holderCode)}</td>
<td>${use.licenceType}</td><td>${use.clientId}</td><td>${use.themeCode}</td><td>${use.useCause}</td><td>${use.action}</td><td>${label(OUTCOME_LABELS, use.outcome)}</td></tr>`);
  return page(viewer, { title: '用证记录 Licence uses', active: 'ledger', error }, html`${searchForm(viewer)}
<h2>最近用证 Recent uses <small>(持证主体已脱敏 holder codes masked)</small></h2>
<table class="ledger-recent"><thead><tr><th>序号 Seq</th><th>时间 At</th><th>持证主体 Holder</th><th>证照类型 Licence type</th><th>用证方 Client</th><th>主题 Theme</th><th>用证事由 Use cause</th><th>操作 Action</th><th>结果 Outcome</th></tr></thead>
<tbody>${rows.length ? rows : html`<tr><td colspan="9" class="muted">无 None</td></tr>`}</tbody></table>`);
}

export function ledgerResultPage(viewer: Viewer, holder: string, entries: readonly LedgerEntry[], before: number | undefined): SafeHtml {
  const rows = entries.map((entry) => html`<tr><td class="num">${entry.seq}</td><td>${chinaTime(entry.at)}</td><td>${entry.licenceType}</td><td><code>${entry.licenceIdentifier}</code></td>
<td>${entry.clientId}</td><td>${entry.themeCode}</td><td>${entry.matterCodes.join(', ')}</td><td>${entry.useCause}</td><td>${entry.action}</td><td>${label(OUTCOME_LABELS, entry.outcome)}</td>
<td><code title="${entry.hash}">${entry.hash.slice(0, 12)}</code></td></tr>`);
  const older = entries.length === LEDGER_PAGE_SIZE ? entries[entries.length - 1]!.seq : undefined;
  return page(viewer, { title: '用证记录 Licence uses', active: 'ledger' }, html`${searchForm(viewer, holder)}
<h2>查询结果 Result: <span class="holder full">${holder}</span>${before ? html` <small>(序号 &lt; ${before})</small>` : ''}</h2>
<table class="ledger-result"><thead><tr><th>序号 Seq</th><th>时间 At</th><th>证照类型 Licence type</th><th>证照标识 Identifier</th><th>用证方 Client</th><th>主题 Theme</th><th>事项 Matters</th><th>用证事由 Use cause</th><th>操作 Action</th><th>结果 Outcome</th><th>哈希 Hash</th></tr></thead>
<tbody>${rows.length ? rows : html`<tr><td colspan="11" class="muted">该持证主体无用证记录 No recorded uses for this holder</td></tr>`}</tbody></table>
${older ? html`<form method="post" action="/ops/ledger"><input type="hidden" name="${CSRF_FIELD}" value="${viewer.csrf}"><input type="hidden" name="holder" value="${holder}"><input type="hidden" name="before" value="${older}"><button type="submit">更早 Older</button></form>` : ''}`);
}
