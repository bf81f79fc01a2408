/**
 * The HTML the applicant sees: the login page (统一身份认证平台) whose form
 * posts the OAuth parameters back with the login fields, and the error
 * page for a request that cannot be redirected.
 */
import { METHODS, PATHS } from '../identity-platform-api.js';

/** The OAuth parameters carried through the login form as hidden fields. */
export const CARRIED_PARAMETERS = [
  'response_type', 'client_id', 'redirect_uri', 'scope', 'state', 'nonce', 'code_challenge', 'code_challenge_method', 'acr_values',
] as const;

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

export function loginPage(parameters: Readonly<Record<string, string | undefined>>, clientId: string): string {
  const hidden = CARRIED_PARAMETERS
    .filter((name) => parameters[name] !== undefined)
    .map((name) => `<input type="hidden" name="${name}" value="${escapeHtml(parameters[name]!)}">`)
    .join('\n      ');
  const methods = Object.entries(METHODS)
    .map(([method, { label, acr, legalOnly }]) => `<option value="${method}">${label}（${acr}${legalOnly ? '，仅法人' : ''}）</option>`)
    .join('');
  const hint = escapeHtml(parameters['login_hint'] ?? '');
  return `<!doctype html>
<html lang="zh-CN">
<head>
  <meta charset="utf-8">
  <title>统一身份认证平台</title>
</head>
<body>
  <h1>统一身份认证平台</h1>
  <p>应用 <strong>${escapeHtml(clientId)}</strong> 请求确认您的身份。</p>
  <form method="post" action="${PATHS.authorize}" data-idp="login">
      ${hidden}
    <fieldset>
      <legend>用户类型</legend>
      <label><input type="radio" name="subject_type" value="natural" checked> 自然人</label>
      <label><input type="radio" name="subject_type" value="legal"> 法人</label>
    </fieldset>
    <label>公民身份号码 <input name="id_number" value="${hint}" maxlength="18" required></label>
    <label>姓名 <input name="name" required></label>
    <label>统一社会信用代码（法人） <input name="credit_code" maxlength="18"></label>
    <label>认证方式 <select name="method">${methods}</select></label>
    <label>凭证（活体检测票据、验证码、密码等） <input name="credential" required></label>
    <button type="button" id="send-sms">获取短信验证码</button>
    <button type="submit">登录</button>
  </form>
  <script>
    document.getElementById('send-sms').addEventListener('click', async () => {
      const body = new URLSearchParams({ id_number: document.querySelector('[name=id_number]').value });
      const answer = await (await fetch('${PATHS.smsCodes}', { method: 'POST', body })).json();
      alert(answer.sent ? '验证码已发送至 ' + answer.maskedPhone : answer.error_description);
    });
  </script>
</body>
</html>
`;
}

export function errorPage(code: string, description: string): string {
  return `<!doctype html>
<html lang="zh-CN">
<head>
  <meta charset="utf-8">
  <title>统一身份认证平台 - 错误</title>
</head>
<body>
  <h1>统一身份认证平台</h1>
  <p data-error-code="${escapeHtml(code)}">${escapeHtml(description)}（${escapeHtml(code)}）</p>
</body>
</html>
`;
}
