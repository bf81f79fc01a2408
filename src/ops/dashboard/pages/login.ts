/** The login page and the error page shown before a session exists. */
import { html, type SafeHtml } from '../html.js';
import { barePage } from '../layout.js';
import { CSRF_FIELD } from '../session.js';

export function loginPage(options: { csrf: string; next: string; user?: string; error?: string; noUsers?: boolean }): SafeHtml {
  return barePage('登录 Log in', html`<h1>通办运维 Tongban ops</h1>
<form method="post" action="/ops/login" class="login">
<input type="hidden" name="${CSRF_FIELD}" value="${options.csrf}">
<input type="hidden" name="next" value="${options.next}">
${options.error ? html`<p class="error" role="alert">${options.error}</p>` : ''}
${options.noUsers ? html`<p class="error">未配置运维用户 No ops users are configured: set TONGBAN_OPS_USERS (see docs/ops.md, "tongban ops hash-password").</p>` : ''}
<label>用户名 Username <input type="text" name="username" value="${options.user ?? ''}" autocomplete="username" required autofocus></label>
<label>密码 Password <input type="password" name="password" autocomplete="current-password" required></label>
<button type="submit">登录 Log in</button>
</form>`);
}

export function messagePage(title: string, message: string, back = '/ops'): SafeHtml {
  return barePage(title, html`<h1>${title}</h1><p class="error">${message}</p><p><a href="${back}">返回 Back</a></p>`);
}
