/**
 * 查询 Search: find deliveries by any business id (src/ops/dashboard/search.ts).
 * The form is a POST, so a holder code never lands in a URL, browser history
 * or access log; ids (not personal data) may also come as `GET ?q=` — the
 * links from an application id. A holder code is never written back into the
 * page: the result names it masked, and the box is left empty.
 */
import { label } from '../format.js';
import { html, type HtmlValue, type SafeHtml } from '../html.js';
import { page, type Viewer } from '../layout.js';
import { MAX_REASON_LENGTH, MAX_SEARCH_LENGTH, SEARCH_LIMIT, type MatchKind, type SearchQuery, type SearchResult } from '../search.js';
import { CSRF_FIELD } from '../session.js';
import { deliveriesTable } from './deliveries.js';

const MATCH_LABELS: Readonly<Record<MatchKind, string>> = Object.freeze({
  delivery: '投递号 delivery id',
  subApplication: '子件号 sub-application id',
  application: '申请号 application id',
  acceptanceNumber: '受理号 acceptance number',
  holder: '持证主体 holder',
});

/** The search form; `q` is only written back for input that is not a holder code. */
export function searchForm(viewer: Viewer, values: { q?: string; reason?: string } = {}): SafeHtml {
  return html`<form method="post" action="/ops/search" class="filters search"><input type="hidden" name="${CSRF_FIELD}" value="${viewer.csrf}">
<label>编号 Id <input type="search" name="q" value="${values.q ?? ''}" maxlength="${MAX_SEARCH_LENGTH}" size="40" autocomplete="off" required
 placeholder="申请号/子件号/投递号（完整或12位短号）、受理号、身份证号、统一社会信用代码"></label>
<label>查询事由 Reason <small>(查询持证主体时必填 required for an ID number or credit code; 记入审计 audited)</small>
<input type="text" name="reason" value="${values.reason ?? ''}" maxlength="${MAX_REASON_LENGTH}" size="40" autocomplete="off"></label>
<button type="submit">查询 Search</button></form>`;
}

/** The empty form, or the form with a message (400 for input that is no id). */
export function searchPage(viewer: Viewer, options: { error?: string; q?: string; reason?: string } = {}): SafeHtml {
  return page(viewer, { title: '查询 Search', active: 'search', error: options.error }, html`${searchForm(viewer, options)}
<p class="muted">按申请号、子件号、投递号（完整或页面显示的 12 位短号）、受理号、身份证号或统一社会信用代码查询投递。查询持证主体是对个人信息的使用：须填写事由，记入审计，代码只以脱敏形式显示。
Search deliveries by application, sub-application or delivery id (in full or the 12-character short form the pages show), 受理号, ID number or credit code. A holder search uses personal data: it needs a reason, is audited, and the code is only shown masked.</p>`);
}

export function searchResultPage(viewer: Viewer, query: SearchQuery, result: SearchResult, reason?: string): SafeHtml {
  const matched = (kind: MatchKind | undefined, applicationId: string): HtmlValue => {
    if (kind !== 'holder') return label(MATCH_LABELS, kind);
    const roles = result.holderRoles.get(applicationId) ?? [];
    return html`${MATCH_LABELS.holder} <span class="holder masked">${query.display}</span>${roles.length ? html` <small>(${roles.join(', ')})</small>` : ''}`;
  };
  const what = query.holder ? html`持证主体 holder <span class="holder masked">${query.display}</span>` : html`<code>${query.display}</code>`;
  return page(viewer, { title: '查询 Search', active: 'search' }, html`${searchForm(viewer, query.holder || query.invalidHolder ? {} : { q: query.display })}
<h2>查询结果 Result: ${what} <small>${result.rows.length} 条投递 deliveries${result.truncated ? ` (仅显示最新 ${SEARCH_LIMIT} 条 the newest ${SEARCH_LIMIT} shown)` : ''}</small></h2>
${query.holder && reason ? html`<p class="muted">查询事由 Reason: ${reason} · 已记入审计 recorded in the audit trail</p>` : ''}
${query.invalidHolder ? html`<p class="muted">不是有效的身份证号或统一社会信用代码（校验位不符），仅按受理号查询 Not a valid ID number or credit code (check digit); looked up as a 受理号 only.</p>` : ''}
${deliveriesTable(viewer, result.rows, { header: '匹配 Matched', cell: (delivery) => matched(result.matchedBy.get(delivery.id), delivery.applicationId) })}`);
}
