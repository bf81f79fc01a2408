/**
 * The ops dashboard at `/ops`: server-rendered pages for people, who cannot
 * sign requests, so it has its own login (users and scrypt hashes from
 * `TONGBAN_OPS_USERS`), a signed session cookie and CSRF tokens on every
 * form (src/ops/dashboard/session.ts). Mounted before the JSON body parser:
 * its forms post `application/x-www-form-urlencoded`.
 *
 * Without a session, a browser (Accept: text/html) is sent to the login
 * page; anything else gets 401 OPS_LOGIN_REQUIRED as problem+json.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { DELIVERY_CURSOR, DELIVERY_STATES, OVERDUE_CURSOR, replayDelivery, replayDepartment, type DeliveryState } from '../../delivery/ops-deliveries.js';
import { asTongbanError, TongbanError, validationError } from '../../errors/index.js';
import type { Logger } from '../../log/index.js';
import { decodeCursor } from '../../ops/cursor.js';
import type { DashboardContext } from '../../ops/dashboard/context.js';
import { maskHolderCode } from '../../ops/dashboard/format.js';
import { html, type SafeHtml } from '../../ops/dashboard/html.js';
import { page, type Viewer } from '../../ops/dashboard/layout.js';
import { LoginThrottle } from '../../ops/dashboard/login-throttle.js';
import { deliveriesPage, deliveryPage } from '../../ops/dashboard/pages/deliveries.js';
import { ledgerPage, ledgerResultPage, LEDGER_PAGE_SIZE, RECENT_USES_CURSOR } from '../../ops/dashboard/pages/ledger.js';
import { loginPage, messagePage } from '../../ops/dashboard/pages/login.js';
import { overduePage } from '../../ops/dashboard/pages/overdue.js';
import { paymentsPage } from '../../ops/dashboard/pages/payments.js';
import { evaluationsPage } from '../../ops/dashboard/pages/evaluations.js';
import { FOLLOW_UP_CURSOR, FOLLOW_UP_STATES, readTransition, transitionFollowUp, type FollowUpState } from '../../evaluations/follow-ups.js';
import { replayPush } from '../../evaluations/ops-pushes.js';
import { CHART_RANGES, overviewPage, type ChartRange } from '../../ops/dashboard/pages/overview.js';
import { searchPage, searchResultPage } from '../../ops/dashboard/pages/search.js';
import { syncPage } from '../../ops/dashboard/pages/sync.js';
import { statisticsErrorPage, statisticsPage } from '../../ops/dashboard/pages/statistics.js';
import { verifyPassword } from '../../ops/dashboard/password.js';
import { MATERIALS_CURSOR, SUPPLEMENTS_CURSOR } from '../../ops/material-deadlines.js';
import { MAX_REASON_LENGTH, readReason, readSearch, SearchInputError, searchDeliveries, type SearchQuery } from '../../ops/dashboard/search.js';
import { auditOps } from '../../ops/dashboard/queries.js';
import { computeStatistics, readMonth, readPeriod, reportCsv, reportXlsx } from '../../statistics/index.js';
import { cookieHeader, CSRF_COOKIE, CSRF_FIELD, LOGIN_BINDING, parseCookies, SESSION_COOKIE, SessionCodec, type OpsSession } from '../../ops/dashboard/session.js';

export interface OpsDashboardOptions {
  context: DashboardContext;
  /** Username → scrypt hash (TONGBAN_OPS_USERS). */
  users: Readonly<Record<string, string>>;
  sessions: SessionCodec;
  logger: Logger;
  /** Default: 5 failures per user name, 20 per address, per 15 minutes. */
  throttle?: LoginThrottle;
  /** A delivery was put back in the queue (wake the dispatcher). */
  onReplay?: () => void;
}

const ASSETS: Record<string, { type: string; body: Buffer }> = {
  'ops.css': { type: 'text/css; charset=utf-8', body: readFileSync(new URL('../../ops/dashboard/assets/ops.css', import.meta.url)) },
  'ops.js': { type: 'text/javascript; charset=utf-8', body: readFileSync(new URL('../../ops/dashboard/assets/ops.js', import.meta.url)) },
};

/** Pages only load their own stylesheet and script; nothing inline, nothing from elsewhere, never framed. */
const CSP = "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
const DEPARTMENT = /^[a-z0-9]{1,32}$/;
const HOLDER = /^[0-9A-Za-z._-]{1,64}$/;

declare module 'express-serve-static-core' {
  interface Locals {
    opsSession?: OpsSession;
    opsViewer?: Viewer;
  }
}

function wantsHtml(req: Request): boolean {
  return /\btext\/html\b/i.test(req.get('accept') ?? '');
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** Run through the ops reader at each login, so that its thread and connection are up before the first page. */
export const READER_WARM_UP = 'SELECT 1 AS warm';

/** Only local dashboard paths are followed after login (no open redirect). */
function safeNext(value: unknown): string {
  const next = text(value) ?? '';
  return /^\/ops(?:[/?#]|$)/.test(next) && !next.startsWith('//') && !next.includes('\\') ? next : '/ops';
}

function send(res: Response, status: number, body: SafeHtml): void {
  res.status(status).type('html').send(body.value);
}

export function opsDashboardRouter(options: OpsDashboardOptions): Router {
  const { context, users, sessions, logger } = options;
  const throttle = options.throttle ?? new LoginThrottle();
  const router = express.Router();
  const secure = (req: Request) => req.secure || /^https\b/i.test(req.get('x-forwarded-proto') ?? '');
  const setCookie = (res: Response, req: Request, name: string, value: string, maxAgeSeconds: number) => res.append('Set-Cookie', cookieHeader(name, value, { maxAgeSeconds, secure: secure(req) }));

  router.use((_req, res, next) => {
    res.setHeader('Content-Security-Policy', CSP);
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Cache-Control', 'no-store');
    next();
  });

  router.get('/assets/:name', (req, res, next) => {
    const asset = ASSETS[String(req.params['name'])];
    if (!asset) return next();
    res.setHeader('Cache-Control', 'public, max-age=300');
    res.type(asset.type).send(asset.body);
  });

  router.use(express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 20, inflate: false }));

  // --- login and logout -------------------------------------------------------
  const showLogin = (req: Request, res: Response, status: number, extra: { error?: string; user?: string; next?: string } = {}) => {
    const csrf = sessions.csrfToken(LOGIN_BINDING);
    setCookie(res, req, CSRF_COOKIE, csrf, 3600);
    send(res, status, loginPage({ csrf, next: safeNext(extra.next ?? req.query['next']), noUsers: Object.keys(users).length === 0, ...extra }));
  };

  router.get('/login', (req, res) => {
    if (currentSession(req)) return res.redirect(303, safeNext(req.query['next']));
    showLogin(req, res, 200);
  });

  router.post('/login', async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const username = (text(body['username']) ?? '').trim().slice(0, 64);
    const password = text(body['password']) ?? '';
    const next = safeNext(body['next']);
    const cookies = parseCookies(req.get('cookie'));
    if (!sessions.csrfCheck(body[CSRF_FIELD], cookies[CSRF_COOKIE], LOGIN_BINDING)) {
      return showLogin(req, res, 401, { error: '登录表单已过期，请重试 The login form expired; please try again.', user: username, next });
    }
    const address = req.ip ?? '';
    const wait = throttle.retryAfterSeconds(username, address);
    if (wait > 0) {
      res.setHeader('Retry-After', String(wait));
      return showLogin(req, res, 429, { error: `登录失败次数过多，请 ${Math.ceil(wait / 60)} 分钟后再试 Too many failed logins; try again in ${Math.ceil(wait / 60)} min.`, user: username, next });
    }
    const known = Object.hasOwn(users, username);
    if (!username || !(await verifyPassword(password, known ? users[username] : undefined))) {
      throttle.failed(username, address);
      logger.warn('ops login failed', { user: username, address: req.ip });
      await auditOps(context.store, { clientId: 'ops:-', action: 'ops.login-failed', target: username || '-', details: { address: req.ip ?? null } }).catch(() => undefined);
      return showLogin(req, res, 401, { error: '用户名或密码错误 Wrong username or password.', user: username, next });
    }
    throttle.succeeded(username);
    const { session, cookie } = sessions.issue(username);
    setCookie(res, req, SESSION_COOKIE, cookie, sessions.ttlSeconds);
    setCookie(res, req, CSRF_COOKIE, sessions.csrfToken(session.sid), sessions.ttlSeconds);
    await auditOps(context.store, { clientId: `ops:${username}`, action: 'ops.login', target: username, details: { address: req.ip ?? null } });
    logger.info('ops login', { user: username });
    // The operator is about to read: the reader's thread and connection start now, not on the first page (192–370 ms under load).
    void context.reader.query(READER_WARM_UP).catch(() => undefined);
    res.redirect(303, next);
  });

  function currentSession(req: Request): OpsSession | undefined {
    const session = sessions.read(parseCookies(req.get('cookie'))[SESSION_COOKIE]);
    // A user removed from TONGBAN_OPS_USERS loses their sessions at once.
    return session && Object.hasOwn(users, session.user) ? session : undefined;
  }

  // --- everything else needs a session ----------------------------------------
  router.use((req, res, next) => {
    const session = currentSession(req);
    if (!session) {
      if (!wantsHtml(req)) return next(new TongbanError('OPS_LOGIN_REQUIRED', 'The ops dashboard needs a login session: sign in at /ops/login'));
      if (req.method === 'GET' || req.method === 'HEAD') return res.redirect(303, `/ops/login?next=${encodeURIComponent(req.originalUrl)}`);
      return send(res, 401, messagePage('需要登录 Login required', '登录已过期，请重新登录 Your session has expired; please log in again.', '/ops/login'));
    }
    const cookies = parseCookies(req.get('cookie'));
    let csrf = cookies[CSRF_COOKIE];
    if (req.method === 'POST') {
      if (!sessions.csrfCheck((req.body as Record<string, unknown> | undefined)?.[CSRF_FIELD], csrf, session.sid)) {
        logger.warn('ops form refused: CSRF token missing or wrong', { user: session.user, path: req.path });
        if (!wantsHtml(req)) return next(new TongbanError('OPS_LOGIN_REQUIRED', 'The form\'s CSRF token is missing or does not belong to this session; reload the page and submit again'));
        return send(res, 401, messagePage('表单已失效 Form expired', '表单令牌无效，请刷新页面后重试 The form token is invalid; reload the page and try again.'));
      }
    } else if (!sessions.csrfTokenValid(csrf, session.sid)) {
      csrf = sessions.csrfToken(session.sid);
      setCookie(res, req, CSRF_COOKIE, csrf, Math.max(1, (session.exp - Date.now()) / 1000));
    }
    res.locals.opsSession = session;
    res.locals.opsViewer = { user: session.user, csrf: csrf! };
    next();
  });

  const viewerOf = (res: Response): Viewer => res.locals.opsViewer!;
  const actor = (res: Response) => `ops:${res.locals.opsSession!.user}`;

  router.post('/logout', async (req, res) => {
    await auditOps(context.store, { clientId: actor(res), action: 'ops.logout', target: res.locals.opsSession!.user, details: {} });
    setCookie(res, req, SESSION_COOKIE, '', 0);
    setCookie(res, req, CSRF_COOKIE, '', 0);
    res.redirect(303, '/ops/login');
  });

  router.get('/', async (req, res) => {
    const requested = text(req.query['range']);
    const range: ChartRange = requested && requested in CHART_RANGES ? requested as ChartRange : '1h';
    send(res, 200, await overviewPage(context, viewerOf(res), range));
  });

  router.get('/deliveries', async (req, res) => {
    const state = text(req.query['state']) || undefined;
    const department = text(req.query['department']) || undefined;
    const limitText = text(req.query['limit']) || '100';
    const limit = Number(limitText);
    const problems = [
      ...(state && !DELIVERY_STATES.includes(state as DeliveryState) ? [{ pointer: '/state', message: `must be one of ${DELIVERY_STATES.join(', ')}` }] : []),
      ...(department && !DEPARTMENT.test(department) ? [{ pointer: '/department', message: 'must be a department code' }] : []),
      ...(!Number.isInteger(limit) || limit < 1 || limit > 1000 ? [{ pointer: '/limit', message: 'must be an integer from 1 to 1000' }] : []),
    ];
    if (problems.length) throw validationError(problems);
    const cursorText = text(req.query['cursor']) || undefined;
    const after = decodeCursor(cursorText, DELIVERY_CURSOR.list, DELIVERY_CURSOR.shape);
    const notice = text(req.query['notice']) === 'replayed-department'
      ? `已重新排队 ${text(req.query['count']) ?? '0'} 条死信 Queued again: ${text(req.query['count']) ?? '0'} dead letter(s) of ${department ?? ''}` : undefined;
    send(res, 200, await deliveriesPage(context, viewerOf(res), {
      ...(state ? { state: state as DeliveryState } : {}), ...(department ? { department } : {}), limit, ...(cursorText && after ? { cursor: { text: cursorText, key: after } } : {}),
    }, notice));
  });

  router.get('/deliveries/:id', async (req, res) => {
    const id = String(req.params['id']);
    const notice = text(req.query['notice']) === 'replayed' ? `已重新排队，等待投递 Queued again for delivery: ${id}` : undefined;
    const body = await deliveryPage(context, viewerOf(res), id, notice);
    if (!body) throw new TongbanError('NOT_FOUND', `No delivery ${id}`);
    send(res, 200, body);
  });

  router.post('/deliveries/replay', async (req, res) => {
    const department = text((req.body as Record<string, unknown>)['department']) ?? '';
    if (!DEPARTMENT.test(department)) throw validationError([{ pointer: '/department', message: 'must be a department code' }]);
    const count = await replayDepartment(context.store, department, actor(res));
    options.onReplay?.();
    logger.info('dead letters replayed from the dashboard', { department, count, user: res.locals.opsSession!.user });
    res.redirect(303, `/ops/deliveries?department=${encodeURIComponent(department)}&notice=replayed-department&count=${count}`);
  });

  router.post('/deliveries/:id/replay', async (req, res) => {
    const id = String(req.params['id']);
    await replayDelivery(context.store, id, actor(res));
    options.onReplay?.();
    logger.info('delivery replayed from the dashboard', { deliveryId: id, user: res.locals.opsSession!.user });
    res.redirect(303, `/ops/deliveries/${encodeURIComponent(id)}?notice=replayed`);
  });

  router.get('/sync', async (req, res) => {
    const run = text(req.query['run']);
    const status = text(req.query['status']);
    const notice = text(req.query['notice']) === 'synced' && run ? `同步 #${run}：${status ?? ''} Sync run #${run} ${status ?? ''}` : undefined;
    send(res, 200, await syncPage(context, viewerOf(res), notice));
  });

  router.post('/sync', async (req, res) => {
    const kind = text((req.body as Record<string, unknown>)['kind']);
    if (kind !== 'full' && kind !== 'incremental') throw validationError([{ pointer: '/kind', message: 'must be full or incremental' }]);
    if (!context.catalogSyncer) throw new TongbanError('SERVICE_UNAVAILABLE', 'No matter system is configured (TONGBAN_MATTER_SYSTEM_URL)');
    await auditOps(context.store, { clientId: actor(res), action: 'catalog.sync', target: kind, details: {} });
    const run = await context.catalogSyncer.runNow(kind, actor(res));
    res.redirect(303, `/ops/sync?notice=synced&run=${run.id}&status=${encodeURIComponent(run.status)}`);
  });

  router.get('/overdue', async (req, res) => {
    send(res, 200, await overduePage(context, viewerOf(res), {
      subApplications: decodeCursor(text(req.query['cursor']), OVERDUE_CURSOR.list, OVERDUE_CURSOR.shape),
      materials: decodeCursor(text(req.query['materials']), MATERIALS_CURSOR.list, MATERIALS_CURSOR.shape, '/materials'),
      supplements: decodeCursor(text(req.query['supplements']), SUPPLEMENTS_CURSOR.list, SUPPLEMENTS_CURSOR.shape, '/supplements'),
    }));
  });

  // --- 好差评: follow-ups of 差评 and dead pushes to the province (each action audited with the dashboard user) ---
  router.get('/evaluations', async (req, res) => {
    const state = text(req.query['state']);
    if (state !== undefined && !FOLLOW_UP_STATES.includes(state as FollowUpState)) throw validationError([{ pointer: '/state', message: `must be one of ${FOLLOW_UP_STATES.join(', ')}` }]);
    const notice = text(req.query['notice']);
    send(res, 200, await evaluationsPage(context, viewerOf(res), {
      state: state as FollowUpState | undefined, after: decodeCursor(text(req.query['cursor']), FOLLOW_UP_CURSOR.list, FOLLOW_UP_CURSOR.shape),
      notice: notice === 'moved' ? `整改回访已更新 Follow-up moved on: ${text(req.query['to']) ?? ''}` : notice === 'replayed' ? '已重新排队推送 Queued again for the provincial system' : undefined,
    }));
  });

  router.post('/evaluations/follow-ups/:id/transitions', async (req, res) => {
    const body = req.body as Record<string, unknown>;
    const assignee = text(body['assignee'])?.trim();
    const transition = readTransition({ to: body['to'], note: body['note'], ...(assignee ? { assignee } : {}) });
    await transitionFollowUp(context.store, String(req.params['id']), transition, { clientId: actor(res) });
    res.redirect(303, `/ops/evaluations?notice=moved&to=${encodeURIComponent(transition.to)}`);
  });

  router.post('/evaluations/pushes/:id/replay', async (req, res) => {
    await replayPush(context.store, String(req.params['id']), actor(res));
    res.redirect(303, '/ops/evaluations?notice=replayed');
  });

  // --- 网上缴费: differences with the payment platform and the daily reconciliations (docs/payments.md) ---
  router.get('/payments', async (_req, res) => {
    send(res, 200, await paymentsPage(context, viewerOf(res)));
  });

  router.get('/ledger', async (req, res) => {
    const after = decodeCursor(text(req.query['cursor']), RECENT_USES_CURSOR.list, RECENT_USES_CURSOR.shape);
    send(res, 200, await ledgerPage(context, viewerOf(res), undefined, undefined, after ? Number(after[0]) : undefined));
  });

  router.post('/ledger', async (req, res) => {
    const body = req.body as Record<string, unknown>;
    const holder = (text(body['holder']) ?? '').trim();
    const reasonText = text(body['reason']);
    const keptReason = reasonText && reasonText.length <= MAX_REASON_LENGTH ? reasonText : undefined;
    if (!HOLDER.test(holder)) return send(res, 400, await ledgerPage(context, viewerOf(res), '持证主体代码格式不正确 A holder code is 1–64 letters, digits, dots, dashes or underscores.', keptReason));
    let reason: string;
    try {
      reason = readReason(reasonText);
    } catch (error) {
      if (!(error instanceof SearchInputError)) throw error;
      return send(res, 400, await ledgerPage(context, viewerOf(res), error.message));
    }
    const beforeText = text(body['before']);
    const before = beforeText ? Number(beforeText) : undefined;
    if (before !== undefined && (!Number.isInteger(before) || before < 1)) throw validationError([{ pointer: '/before', message: 'must be a positive integer' }]);
    const entries = await context.ledger.listByHolder(holder, { limit: LEDGER_PAGE_SIZE, ...(before ? { before } : {}) });
    // Who looked at whose licence uses, and why, is itself worth knowing; the code is kept as a hash, not in clear.
    await auditOps(context.store, { clientId: actor(res), action: 'ledger.search', target: maskHolderCode(holder), details: { holderSha256: createHash('sha256').update(holder).digest('hex'), reason, results: entries.length } });
    send(res, 200, await ledgerResultPage(context, viewerOf(res), { holder, reason }, entries, before));
  });

  // --- search by any business id (a holder code: POST only, with a reason, audited) ---
  const readSearchOr400 = async (res: Response, input: unknown, keep: { reason?: string } = {}): Promise<SearchQuery | undefined> => {
    try {
      return readSearch(text(input));
    } catch (error) {
      if (!(error instanceof SearchInputError)) throw error;
      send(res, 400, searchPage(viewerOf(res), { error: error.message, ...keep }));
      return undefined;
    }
  };

  router.get('/search', async (req, res) => {
    if (req.query['q'] === undefined) return send(res, 200, searchPage(viewerOf(res)));
    const query = await readSearchOr400(res, req.query['q']);
    if (!query) return;
    if (query.holder || query.invalidHolder) {
      return send(res, 400, searchPage(viewerOf(res), { error: '身份证号或统一社会信用代码请通过查询表单提交（不放在网址中） Search for an ID number or credit code with the form (a POST), never in a URL.' }));
    }
    send(res, 200, searchResultPage(viewerOf(res), query, await searchDeliveries(context.reader, query)));
  });

  router.post('/search', async (req, res) => {
    const body = req.body as Record<string, unknown>;
    const reasonText = text(body['reason']);
    const query = await readSearchOr400(res, body['q'], reasonText && reasonText.length <= MAX_REASON_LENGTH ? { reason: reasonText } : {});
    if (!query) return;
    if (!query.holder) return send(res, 200, searchResultPage(viewerOf(res), query, await searchDeliveries(context.reader, query)));
    let reason: string;
    try {
      reason = readReason(reasonText);
    } catch (error) {
      if (!(error instanceof SearchInputError)) throw error;
      return send(res, 400, searchPage(viewerOf(res), { error: error.message }));
    }
    const result = await searchDeliveries(context.reader, query);
    // Looking up a holder is a use of personal data: who, when, why — the code kept masked and as a hash, never in clear.
    await auditOps(context.store, {
      clientId: actor(res), action: 'holder.search', target: query.display,
      details: { holderSha256: createHash('sha256').update(query.value).digest('hex'), reason, deliveries: result.rows.length, applications: result.holderRoles.size },
    });
    logger.info('holder searched from the dashboard', { user: res.locals.opsSession!.user, deliveries: result.rows.length });
    send(res, 200, searchResultPage(viewerOf(res), query, result, reason));
  });

  // --- business statistics (docs/ops.md "Statistics") -----------------------------
  const statisticsOptions = () => {
    if (!context.mappings) throw new TongbanError('NOT_FOUND', 'Statistics need the mappings; this dashboard was built without them');
    return { reader: context.reader, mappings: context.mappings, departments: context.departments, now: context.now };
  };
  router.get('/statistics', async (req, res) => {
    const input = { from: text(req.query['from']) ?? '', to: text(req.query['to']) ?? '' };
    let period;
    try {
      period = readPeriod({ from: req.query['from'] === '' ? undefined : req.query['from'], to: req.query['to'] === '' ? undefined : req.query['to'] }, context.now());
    } catch (error) {
      if (!(error instanceof TongbanError) || error.code !== 'VALIDATION_FAILED') throw error;
      return send(res, 400, statisticsErrorPage(viewerOf(res), input, error.message));
    }
    send(res, 200, statisticsPage(viewerOf(res), await computeStatistics(statisticsOptions(), period)));
  });
  router.get('/statistics/report.csv', async (req, res) => {
    const month = readMonth(text(req.query['month']), context.now());
    res.type('text/csv; charset=utf-8').attachment(`tongban-statistics-${month.month}.csv`).send(reportCsv(await computeStatistics(statisticsOptions(), month)));
  });
  router.get('/statistics/report.xlsx', async (req, res) => {
    const month = readMonth(text(req.query['month']), context.now());
    res.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').attachment(`tongban-statistics-${month.month}.xlsx`)
      .send(await reportXlsx(await computeStatistics(statisticsOptions(), month), month.month));
  });

  router.use((req) => {
    throw new TongbanError('NOT_FOUND', `No dashboard page at ${req.method} ${req.originalUrl.split('?')[0]}`);
  });

  // Errors of pages are pages; API-ish callers get problem+json from the app's handler.
  router.use((error: unknown, req: Request, res: Response, next: NextFunction) => {
    if (!wantsHtml(req) || res.headersSent) return next(error);
    const problem = asTongbanError(error);
    const status = problem.status;
    if (status >= 500) logger.error('ops dashboard page failed', { path: req.path, error: (error as Error).message });
    const message = status >= 500 ? '内部错误，请查看日志 Internal error; see the logs.' : problem.message;
    const viewer = res.locals.opsViewer;
    send(res, status, viewer
      ? page(viewer, { title: `错误 Error ${status}`, active: undefined, error: html`<code>${problem.code}</code> ${message}` }, html`<p><a href="/ops">返回总览 Back to the overview</a></p>`)
      : messagePage(`错误 Error ${status}`, message));
  });

  return router;
}
