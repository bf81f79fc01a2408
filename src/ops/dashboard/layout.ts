/** The page shell shared by every dashboard page: head, navigation, user, logout. */
import { html, queryString, type HtmlValue, type SafeHtml } from './html.js';
import { CSRF_FIELD } from './session.js';

/** Who is looking, and the CSRF token their forms carry. */
export interface Viewer {
  readonly user: string;
  readonly csrf: string;
}

const NAV = [
  { key: 'overview', href: '/ops', text: '总览 Overview' },
  { key: 'deliveries', href: '/ops/deliveries', text: '投递队列 Delivery queue' },
  { key: 'dead', href: '/ops/deliveries?state=dead', text: '死信 Dead letters' },
  { key: 'sync', href: '/ops/sync', text: '目录同步 Sync runs' },
  { key: 'overdue', href: '/ops/overdue', text: '逾期 Overdue' },
  { key: 'statistics', href: '/ops/statistics', text: '统计 Statistics' },
  { key: 'evaluations', href: '/ops/evaluations', text: '好差评 Evaluations' },
  { key: 'payments', href: '/ops/payments', text: '缴费差异 Payments' },
  { key: 'ledger', href: '/ops/ledger', text: '用证记录 Licence uses' },
  { key: 'search', href: '/ops/search', text: '查询 Search' },
] as const;

export type NavKey = (typeof NAV)[number]['key'];

function head(title: string): SafeHtml {
  return html`<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · 通办运维 Tongban ops</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/ops/assets/ops.css">
<script src="/ops/assets/ops.js" defer></script>
</head>`;
}

/** A POST form with the CSRF token; `confirm` asks before submitting (ops.js). */
export function postForm(viewer: Viewer, action: string, button: string, options: { fields?: Record<string, string>; confirm?: string; className?: string } = {}): SafeHtml {
  const fields = Object.entries(options.fields ?? {}).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`);
  return html`<form method="post" action="${action}" class="inline"${options.confirm ? html` data-confirm="${options.confirm}"` : ''}><input type="hidden" name="${CSRF_FIELD}" value="${viewer.csrf}">${fields}<button type="submit" class="${options.className ?? ''}">${button}</button></form>`;
}

/** A full page for a signed-in viewer. */
export function page(viewer: Viewer, options: { title: string; active: NavKey | undefined; notice?: HtmlValue; error?: HtmlValue }, body: HtmlValue): SafeHtml {
  const nav = NAV.map((item) => html`<a href="${item.href}"${item.key === options.active ? html` class="active" aria-current="page"` : ''}>${item.text}</a>`);
  return html`${head(options.title)}
<body>
<header class="top">
<span class="brand">通办运维 Tongban ops</span>
<nav>${nav}</nav>
<span class="user">${viewer.user} ${postForm(viewer, '/ops/logout', '退出 Log out', { className: 'link' })}</span>
</header>
<main>
<h1>${options.title}</h1>
${options.notice ? html`<p class="notice" role="status">${options.notice}</p>` : ''}
${options.error ? html`<p class="error" role="alert">${options.error}</p>` : ''}
${body}
</main>
</body>
</html>`;
}

/** A page without a session (login, errors before login). */
export function barePage(title: string, body: HtmlValue): SafeHtml {
  return html`${head(title)}
<body class="bare">
<main>
${body}
</main>
</body>
</html>`;
}

/**
 * The "next page" link of a keyset-paginated list (src/ops/cursor.ts):
 * `path` with `query` and `cursorParameter` set to the next page's cursor;
 * nothing on the last page.
 */
export function nextPageLink(path: string, query: Record<string, string | undefined>, nextCursor: string | null, cursorParameter = 'cursor'): SafeHtml {
  if (nextCursor === null) return html``;
  return html`<p class="pager"><a rel="next" class="next-page" href="${path}${queryString({ ...query, [cursorParameter]: nextCursor })}">下一页 Next page →</a></p>`;
}
