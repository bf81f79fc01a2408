/**
 * The ops dashboard over real HTTP, on SQLite and PostgreSQL: login with
 * CSRF, the session cookie's attributes, 401/redirect without a session,
 * every panel reading the seeded state, escaping of hostile values, replay
 * (one and a department) audited as ops:<user>, the ledger search showing a
 * holder code in full only on its own result.
 */
import { expect } from 'chai';
import type { Gateway } from '../../../src/gateway.js';
import { hashPassword } from '../../../src/ops/dashboard/password.js';
import { maskHolderCode } from '../../../src/ops/dashboard/format.js';
import { readSearch, searchSql } from '../../../src/ops/dashboard/search.js';
import { READER_WARM_UP } from '../../../src/api/routes/ops-dashboard.js';
import { newId, SqliteReader } from '../../../src/store/index.js';
import { startTestGateway } from '../../helpers/gateway.js';
import { allPassed, storeFixtures } from '../../helpers/stores.js';
import { DashboardClient } from './dashboard-client.js';
import { ACCEPTANCE_NUMBER, HOSTILE, seedOpsData, SHOP_CREDIT_CODE, type Seeded } from './seed.js';

const PASSWORD = 'correct horse battery';

for (const fixture of storeFixtures()) describe(`ops dashboard (${fixture.name})`, function () {
  this.timeout(30_000);
  let gateway: Gateway;
  let seeded: Seeded;
  let browser: DashboardClient;

  before(async function () {
    this.timeout(60_000);
    await (await fixture.open()).close();
    ({ gateway } = await startTestGateway({
      ...fixture.gatewayEnv(),
      TONGBAN_DISPATCHER: 'false',
      TONGBAN_LOG_LEVEL: 'warn',
      TONGBAN_OPS_USERS: JSON.stringify({ ops: await hashPassword(PASSWORD), 'li.wei': await hashPassword('another password') }),
    }));
    seeded = await seedOpsData(gateway.store);
    browser = new DashboardClient(gateway.url);
    const login = await browser.login('ops', PASSWORD);
    expect(login.status, login.body).to.equal(303);
  });
  after(async function () {
    await gateway?.close();
    await fixture.cleanup(allPassed(this.test!.parent!));
  });

  async function stateOf(id: string): Promise<string> {
    return (await gateway.store.query<{ state: string }>('SELECT state FROM deliveries WHERE id = $1', [id])).rows[0]!.state;
  }
  async function audit(action: string): Promise<{ client_id: string; target: string; details: string }[]> {
    return (await gateway.store.query<{ client_id: string; target: string; details: string }>('SELECT client_id, target, details FROM ops_audit WHERE action = $1 ORDER BY id', [action])).rows;
  }

  describe('without a session', () => {
    it('sends a browser to the login page, and answers anything else 401 OPS_LOGIN_REQUIRED', async () => {
      const anonymous = new DashboardClient(gateway.url);
      const page = await anonymous.get('/ops/deliveries?state=dead');
      expect(page.status).to.equal(303);
      expect(page.location).to.equal('/ops/login?next=%2Fops%2Fdeliveries%3Fstate%3Ddead');
      const api = new DashboardClient(gateway.url, 'application/json');
      const answer = await api.get('/ops');
      expect(answer.status).to.equal(401);
      expect(answer.headers.get('content-type')).to.match(/^application\/problem\+json/);
      expect(JSON.parse(answer.body)).to.include({ code: 'OPS_LOGIN_REQUIRED', status: 401 });
    });

    it('refuses a replay without a session and changes nothing', async () => {
      const api = new DashboardClient(gateway.url, 'application/json');
      const answer = await api.post(`/ops/deliveries/${seeded.dead}/replay`, { _csrf: 'x' });
      expect(answer.status).to.equal(401);
      expect(JSON.parse(answer.body)).to.include({ code: 'OPS_LOGIN_REQUIRED' });
      expect(await stateOf(seeded.dead)).to.equal('dead');
    });

    it('serves the stylesheet and script to anyone (nothing secret in them)', async () => {
      const css = await fetch(`${gateway.url}/ops/assets/ops.css`);
      expect(css.status).to.equal(200);
      expect(css.headers.get('content-type')).to.match(/^text\/css/);
      const js = await fetch(`${gateway.url}/ops/assets/ops.js`);
      expect(js.headers.get('content-type')).to.match(/^text\/javascript/);
      expect(await js.text()).to.contain('data');
    });
  });

  describe('login', () => {
    it('sets an HttpOnly, SameSite=Strict session cookie scoped to /ops with an expiry, and audits the login', async () => {
      const client = new DashboardClient(gateway.url);
      const answer = await client.login('ops', PASSWORD, '/ops/sync');
      expect(answer.status).to.equal(303);
      expect(answer.location).to.equal('/ops/sync');
      const session = answer.setCookies.find((line) => line.startsWith('tongban_ops_session='));
      expect(session).to.match(/; Path=\/ops; HttpOnly; SameSite=Strict; Max-Age=28800$/);
      expect(answer.setCookies.find((line) => line.startsWith('tongban_ops_csrf='))).to.match(/HttpOnly; SameSite=Strict/);
      expect((await client.get('/ops/sync')).status).to.equal(200);
      expect((await audit('ops.login')).map((row) => row.client_id)).to.include('ops:ops');
    });

    it('starts the ops reader at login, before the first page asks it anything', async function () {
      const reader = gateway.opsReader;
      if (!(reader instanceof SqliteReader)) this.skip();
      const warmed = new Promise<void>((resolve) => {
        const seen = (sql: string) => {
          if (sql !== READER_WARM_UP) return;
          reader.off('statement', seen);
          resolve();
        };
        reader.on('statement', seen);
      });
      expect((await new DashboardClient(gateway.url).login('ops', PASSWORD)).status).to.equal(303);
      await warmed;
    });

    it('refuses a wrong password or an unknown user with the same answer, and sets no session', async () => {
      for (const [user, password] of [['ops', 'wrong password'], ['nobody', PASSWORD]] as const) {
        const client = new DashboardClient(gateway.url);
        const answer = await client.login(user, password);
        expect(answer.status).to.equal(401);
        expect(answer.body).to.contain('用户名或密码错误 Wrong username or password.');
        expect(client.cookies.has('tongban_ops_session')).to.equal(false);
      }
      expect((await audit('ops.login-failed')).map((row) => row.target)).to.include.members(['ops', 'nobody']);
    });

    it('refuses a login form without its CSRF token (login CSRF)', async () => {
      const client = new DashboardClient(gateway.url);
      const answer = await client.post('/ops/login', { username: 'ops', password: PASSWORD });
      expect(answer.status).to.equal(401);
      expect(client.cookies.has('tongban_ops_session')).to.equal(false);
    });

    it('follows only dashboard paths after login (no open redirect)', async () => {
      for (const next of ['https://evil.test/', '//evil.test/ops', '/v1/themes', '/ops\\@evil.test']) {
        const answer = await new DashboardClient(gateway.url).login('ops', PASSWORD, next);
        expect(answer.location, next).to.equal('/ops');
      }
    });

    it('does not accept a forged or altered session cookie', async () => {
      const forged = new DashboardClient(gateway.url);
      const [version, payload, mac] = browser.cookies.get('tongban_ops_session')!.split('.');
      const altered = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), u: 'li.wei' })).toString('base64url');
      forged.cookies.set('tongban_ops_session', `${version}.${altered}.${mac}`);
      expect((await forged.get('/ops')).status).to.equal(303);
      forged.cookies.set('tongban_ops_session', `${version}.${payload}.${'A'.repeat(mac!.length)}`);
      expect((await forged.get('/ops')).status).to.equal(303);
    });
  });

  describe('panels', () => {
    it('overview: circuits, the queue by department and state, the chart, what needs attention', async () => {
      const page = await browser.get('/ops');
      expect(page.status).to.equal(200);
      expect(page.headers.get('content-security-policy')).to.contain("script-src 'self'");
      expect(page.headers.get('cache-control')).to.equal('no-store');
      expect(page.body).to.match(/<tr data-department="gaj">[\s\S]*?circuit closed/);
      expect(page.body).to.contain('href="/ops/deliveries?state=dead&amp;department=gaj">2</a>');
      expect(page.body).to.contain('href="/ops/deliveries?state=pending&amp;department=gaj">1</a>');
      expect(page.body).to.contain('href="/ops/deliveries?state=delivered&amp;department=mzrsj">1</a>');
      const bars = [...page.body.matchAll(/data-delivered="(\d+)" data-failed="(\d+)"/g)];
      expect(bars).to.have.length(60);
      expect(bars.reduce((sum, bar) => sum + Number(bar[1]), 0)).to.equal(1);
      expect(bars.reduce((sum, bar) => sum + Number(bar[2]), 0)).to.equal(4);
      expect(page.body).to.match(/逾期子件 Overdue sub-applications: <strong>1<\/strong>/);
      expect(page.body).to.contain('UPSTREAM_UNAVAILABLE');
      // Every shared upstream, in the order of GET /v1/ops/adapters: the identity platform is configured here, the payment platform is not.
      expect([...page.body.matchAll(/<tr data-upstream="([a-z-]+)">/g)].map((row) => row[1])).to.deep.equal(
        ['matter-system', 'licence-library', 'seal-platform', 'identity-platform', 'payment-platform', 'logistics', 'evaluation', 'data-sharing']);
      expect(page.body).to.match(/<tr data-upstream="identity-platform"><td>统一身份认证平台 Identity platform<\/td><td><span class="ok">已配置 configured/);
      expect(page.body).to.match(/<tr data-upstream="payment-platform"><td>统一公共支付平台 Payment platform<\/td><td><span class="muted">未配置 not configured/);
      expect(page.body).to.contain('<th>待缴费 Awaiting payment</th>');
      // A waybill the mail service failed to create: its latest outcome, with the code.
      await gateway.store.query(`INSERT INTO postings (id, application_id, direction, order_no, hall_code, sender, recipient, items, status, state, next_attempt_at, last_error, created_at, updated_at)
        VALUES ($1, $2, 'result', $3, 'H1', '{}', '{}', '[]', 'not_created', 'dead', $4, $5, $4, $4)`, [newId(), seeded.applicationId, `TB-${newId()}`, seeded.now, 'timeout: no answer in 5000 ms']);
      expect((await browser.get('/ops')).body).to.match(/<tr data-upstream="logistics">.*?<td><span class="bad">失败 failed<\/span> [^<]+ <code>UPSTREAM_TIMEOUT<\/code><\/td><td>—<\/td><\/tr>/);
      const day = await browser.get('/ops?range=24h');
      expect([...day.body.matchAll(/data-delivered="(\d+)" data-failed="(\d+)"/g)]).to.have.length(24);
    });

    it('escapes every value: hostile matter names, errors and sync messages are shown as text', async () => {
      for (const path of ['/ops', '/ops/deliveries?state=dead', `/ops/deliveries/${seeded.dead}`, '/ops/sync', '/ops/ledger']) {
        const page = await browser.get(path);
        expect(page.status, path).to.equal(200);
        expect(page.body, path).not.to.contain('<script>alert');
        expect(page.body, path).not.to.contain('<img src=x');
        expect(page.body, path).not.to.contain('<b>boom');
      }
      expect((await browser.get('/ops/deliveries?state=dead')).body).to.contain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
      expect((await browser.get('/ops/deliveries?state=dead')).body).to.contain('国（境）内出生登记&lt;img src=x onerror=alert(1)&gt;');
      expect((await browser.get('/ops/sync')).body).to.contain('&lt;b&gt;boom&lt;/b&gt;');
    });

    it('dead letters: last error and a replay button per dead delivery; a delivery page lists its attempts', async () => {
      const page = await browser.get('/ops/deliveries?state=dead&department=gaj');
      const rows = [...page.body.matchAll(/<tr data-delivery="([^"]+)" data-state="dead">/g)].map((match) => match[1]);
      expect(rows).to.have.members([seeded.dead, seeded.dead2]);
      expect(page.body).to.contain(`action="/ops/deliveries/${seeded.dead}/replay"`);
      expect(page.body).to.contain('Replay every dead letter of gaj');
      const detail = await browser.get(`/ops/deliveries/${seeded.pending}`);
      expect(detail.body.match(/<tr class="outcome-retry">/g)).to.have.length(2);
      expect((await browser.get('/ops/deliveries/no-such-delivery')).status).to.equal(404);
      expect((await browser.get('/ops/deliveries?state=lost')).status).to.equal(400);
    });

    it('the delivery list pages: a 下一页 link keeping the filters, every delivery once; an altered cursor is a 400 page', async () => {
      const ids: string[] = [];
      let path: string | undefined = '/ops/deliveries?state=dead&limit=1';
      while (path) {
        const page = await browser.get(path);
        expect(page.status, page.body).to.equal(200);
        ids.push(...[...page.body.matchAll(/<tr data-delivery="([^"]+)"/g)].map((match) => match[1]!));
        path = /<a rel="next" class="next-page" href="([^"]+)">下一页 Next page/.exec(page.body)?.[1]?.replaceAll('&amp;', '&');
        if (path) expect(path).to.match(/^\/ops\/deliveries\?state=dead&limit=1&cursor=[A-Za-z0-9_-]+$/);
      }
      expect(ids).to.have.members([seeded.dead, seeded.dead2]);
      expect(ids).to.have.length(2);
      const altered = await browser.get('/ops/deliveries?cursor=not-a-cursor');
      expect(altered.status).to.equal(400);
      expect(altered.body).to.contain('cursor');
      expect((await browser.get('/ops/overdue?materials=x')).status).to.equal(400);
      expect((await browser.get('/ops/ledger?cursor=x')).status).to.equal(400);
    });

    it('sync runs and failures; overdue sub-applications', async () => {
      const sync = await browser.get('/ops/sync');
      expect(sync.body).to.match(new RegExp(`<table class="sync-failures">[\\s\\S]*data-run="${seeded.failedRunId}"`));
      expect(sync.body).to.contain('未配置省事项系统');
      const overdue = await browser.get('/ops/overdue');
      expect(overdue.body).to.contain(`data-sub-application="${seeded.overdueSubApplication}"`);
      expect(overdue.body).to.contain('2020-01-02');
    });

    it('ledger: recent uses with masked holder codes and licence types by their Chinese names; a search needs a reason, shows the code masked, by POST, audited without the code', async () => {
      const recent = await browser.get('/ops/ledger');
      expect(recent.body).not.to.contain(seeded.holder);
      expect(recent.body).not.to.contain(seeded.otherHolder);
      const masked = `${seeded.holder.slice(0, 6)}********${seeded.holder.slice(14)}`;
      expect(recent.body).to.contain(masked);
      expect(recent.body).to.contain('<td class="licence-type">居民身份证 <small class="code">residentIdCard</small></td>');
      expect(recent.body).to.contain('<td class="licence-type">结婚证 <small class="code">marriageCertificate</small></td>');
      expect(recent.body).to.contain('婴儿“出生一件事” <small class="code">MX-T05</small>');
      expect(recent.body).to.contain('<span class="coded" title="query">查询 query</span>');
      const csrf = DashboardClient.csrfOf(recent.body);
      const unexplained = await browser.post('/ops/ledger', { _csrf: csrf, holder: seeded.holder });
      expect(unexplained.status).to.equal(400);
      expect(unexplained.body).to.contain('须填写查询事由').and.not.to.contain(seeded.holder);
      expect(await audit('ledger.search')).to.deep.equal([]);
      const result = await browser.post('/ops/ledger', { _csrf: csrf, holder: seeded.holder, reason: '工单 #2026-118 申请人来电' });
      expect(result.status).to.equal(200);
      expect(result.body).not.to.contain(seeded.holder);
      expect(result.body).to.contain(`<span class="holder masked">${masked}</span>`);
      expect(result.body.match(/<tr><td class="num">\d+<\/td>/g)).to.have.length(2);
      expect(result.body).to.contain('居民身份证').and.to.contain('出生医学证明').and.not.to.contain('结婚证');
      expect(result.body).not.to.match(/<td>(residentIdCard|birthCertificate)<\/td>/);
      const [entry] = await audit('ledger.search');
      expect(entry!.client_id).to.equal('ops:ops');
      expect(entry!.target).not.to.contain(seeded.holder);
      expect(JSON.stringify(entry)).not.to.contain(seeded.holder);
      expect(JSON.parse(entry!.details)).to.include({ reason: '工单 #2026-118 申请人来电', results: 2 });
    });

    it('internal codes read in Chinese, the code kept in a title: channels, sync kinds and triggers, sub-application status', async () => {
      expect((await browser.get('/ops/deliveries?department=mzrsj')).body).to.contain('<span class="coded" title="soap">接口推送 SOAP</span>');
      const sync = await browser.get('/ops/sync');
      expect(sync.body).to.contain('<span class="coded" title="full">全量 full</span>').and.to.contain('<span class="coded" title="schedule">定时 schedule</span>');
      expect(sync.body).not.to.match(/<td>(full|incremental|schedule|startup)<\/td>/);
      const detail = await browser.get(`/ops/deliveries/${seeded.delivered}`);
      expect(detail.body).to.contain('<span class="coded" title="delivered">已送达 delivered</span>');
      expect(detail.body).to.contain('婴儿“出生一件事” <small class="code">MX-T05</small>');
    });
  });

  describe('ids and search', () => {
    /** The rows of a page's deliveries table: delivery id → the row's markup. */
    function rowsOf(body: string): Map<string, string> {
      return new Map([...body.matchAll(/<tr data-delivery="([^"]+)"[^>]*>([\s\S]*?)<\/tr>/g)].map((match) => [match[1]!, match[2]!]));
    }
    const search = async (q: string, reason?: string) => browser.post('/ops/search', { _csrf: await browser.csrf(), q, ...(reason === undefined ? {} : { reason }) });

    it('the delivery list shows ids that differ (their random last 12 digits, the full id in the title), with theme, application and 受理号', async () => {
      // UUIDv7 made in the same millisecond: the first digits (the time) are the same on every row.
      expect(new Set([seeded.dead, seeded.dead2, seeded.delivered, seeded.pending].map((id) => id.slice(0, 8))).size).to.equal(1);
      const page = await browser.get('/ops/deliveries');
      const rows = rowsOf(page.body);
      expect(rows.size).to.equal(5);
      const shown = [...rows].map(([id, row]) => {
        expect(row, id).to.contain(`<code class="id" title="${id}">${id.slice(-12)}</code>`);
        return id.slice(-12);
      });
      expect(new Set(shown).size).to.equal(rows.size);
      expect(page.body).not.to.contain(`<code>${seeded.dead.slice(0, 8)}</code>`);
      const delivered = rows.get(seeded.delivered)!;
      expect(delivered).to.contain('<td class="theme">婴儿“出生一件事” <small class="code">MX-T05</small></td>');
      expect(delivered).to.contain(`<a href="/ops/search?q=${seeded.applicationId}"><code class="id" title="${seeded.applicationId}">${seeded.applicationId.slice(-12)}</code></a>`);
      expect(delivered).to.contain(`<td class="acceptance-number">${ACCEPTANCE_NUMBER}</td>`);
      expect(rows.get(seeded.shopDelivery)).to.contain('我要开办食品经营(副食店、士多店) <small class="code">MX-T15</small>');
      const overdue = await browser.get('/ops/overdue');
      expect(overdue.body).to.contain(`<code class="id" title="${seeded.overdueSubApplication}">${seeded.overdueSubApplication.slice(-12)}</code>`);
    });

    it('finds deliveries by application id (in full, short, as a link), delivery id, sub-application id and 受理号', async () => {
      const ofApplication = [seeded.dead, seeded.dead2, seeded.delivered, seeded.pending];
      for (const answer of [await browser.get(`/ops/search?q=${seeded.applicationId}`), await search(seeded.applicationId.toUpperCase()), await search(seeded.applicationId.slice(-12)),
        await browser.get(`/ops/search?q=${encodeURIComponent(`…${seeded.applicationId.slice(-12)}`)}`)]) {
        expect(answer.status, answer.body).to.equal(200);
        const rows = rowsOf(answer.body);
        expect([...rows.keys()]).to.have.members(ofApplication);
        expect([...rows.values()].every((row) => row.includes('<td class="matched">申请号 application id</td>'))).to.equal(true);
      }
      const expectOne = async (q: string, id: string, matched: string) => {
        const rows = rowsOf((await search(q)).body);
        expect([...rows.keys()], q).to.deep.equal([id]);
        expect(rows.get(id), q).to.contain(`<td class="matched">${matched}</td>`);
      };
      await expectOne(seeded.dead, seeded.dead, '投递号 delivery id');
      await expectOne(seeded.dead.slice(-12), seeded.dead, '投递号 delivery id');
      await expectOne(seeded.deliveredSubApplication, seeded.delivered, '子件号 sub-application id');
      await expectOne(seeded.deliveredSubApplication.slice(-12), seeded.delivered, '子件号 sub-application id');
      await expectOne(ACCEPTANCE_NUMBER, seeded.delivered, '受理号 acceptance number');
      const none = await search('GAJ2099010100001');
      expect(none.status).to.equal(200);
      expect(rowsOf(none.body).size).to.equal(0);
      expect(await audit('holder.search')).to.deep.equal([]);
    });

    it('a holder code (ID number or credit code) needs a reason and a POST, finds its applications, is shown masked only, and is audited', async () => {
      const masked = maskHolderCode(seeded.holder);
      expect(masked).not.to.contain(seeded.holder.slice(6, 14));
      const unexplained = await search(seeded.holder);
      expect(unexplained.status).to.equal(400);
      expect(unexplained.body).to.contain('须填写查询事由').and.not.to.contain(seeded.holder);
      const inUrl = await browser.get(`/ops/search?q=${seeded.holder}`);
      expect(inUrl.status).to.equal(400);
      expect(inUrl.body).not.to.contain(seeded.holder);
      expect(await audit('holder.search')).to.deep.equal([]);

      const found = await search(seeded.holder.toLowerCase(), '工单 #118：申请人来电查询进度');
      expect(found.status, found.body).to.equal(200);
      expect(found.body).not.to.contain(seeded.holder);
      expect(found.body).to.contain(`持证主体 holder <span class="holder masked">${masked}</span>`);
      const rows = rowsOf(found.body);
      expect([...rows.keys()]).to.have.members([seeded.dead, seeded.dead2, seeded.delivered, seeded.pending]);
      expect(rows.get(seeded.dead)).to.contain(`<td class="matched">持证主体 holder <span class="holder masked">${masked}</span> <small>(mother)</small></td>`);
      expect(found.body).to.match(/<input type="search" name="q" value=""/);

      const shop = await search(SHOP_CREDIT_CODE, '核对开办进度');
      expect([...rowsOf(shop.body).keys()]).to.deep.equal([seeded.shopDelivery]);
      const shopMasked = maskHolderCode(SHOP_CREDIT_CODE);
      expect(shop.body).to.contain(`<span class="holder masked">${shopMasked}</span>`).and.not.to.contain(SHOP_CREDIT_CODE);

      const audited = await audit('holder.search');
      expect(audited.map((row) => [row.client_id, row.target])).to.deep.equal([['ops:ops', masked], ['ops:ops', shopMasked]]);
      expect(JSON.parse(audited[0]!.details)).to.include({ reason: '工单 #118：申请人来电查询进度', deliveries: 4, applications: 1 });
      expect(JSON.stringify(audited)).not.to.contain(seeded.holder).and.not.to.contain(SHOP_CREDIT_CODE);
    });

    it('malformed or hostile input gets a 400 page that says why, never a 500, and runs nothing it was given', async () => {
      const inputs = ['', '   ', 'x'.repeat(65), "1' OR '1'='1", 'GAJ-1);DROP TABLE deliveries;--', HOSTILE, 'a\u0000b', '受理号 123', '9'.repeat(5000)];
      for (const q of inputs) {
        const answer = await search(q);
        expect(answer.status, JSON.stringify(q)).to.equal(400);
        expect(answer.body, JSON.stringify(q)).to.match(/<p class="error" role="alert">[^<]+<\/p>/);
        expect(answer.body).not.to.contain('<script>alert');
      }
      const array = await browser.get(`/ops/search?q=${seeded.dead}&q=${seeded.dead2}`);
      expect(array.status).to.equal(400);
      const tooLongReason = await search(seeded.holder, 'r'.repeat(201));
      expect(tooLongReason.status).to.equal(400);
      expect(tooLongReason.body).not.to.contain(seeded.holder);
      expect((await gateway.store.query<{ n: number | string }>('SELECT COUNT(*) AS n FROM deliveries')).rows[0]!.n).to.satisfy((n: number | string) => Number(n) === 5);
    });

    it('every kind of lookup goes through an index, never a scan of a table', async () => {
      const queries = [
        readSearch(seeded.applicationId), readSearch(seeded.applicationId.slice(-12)), readSearch(ACCEPTANCE_NUMBER), readSearch(seeded.holder),
      ];
      expect(queries.map((query) => [query.idForm, query.holder, query.acceptanceNumber])).to.deep.equal([['id', false, false], ['shortId', false, true], [undefined, false, true], [undefined, true, true]]);
      for (const query of queries) {
        const plan = await explain(searchSql(query), [query.value]);
        if (fixture.name === 'sqlite') expect(plan.filter((line) => /^SCAN (d|s|a|h)\b/.test(line)), `${plan.join('\n')}`).to.deep.equal([]);
        else expect(plan.join('\n')).not.to.contain('Seq Scan');
      }
    });

    /** The query plan, one line per step; PostgreSQL is told to avoid sequential scans, so one appears only where no index can serve. */
    async function explain(sql: string, params: string[]): Promise<string[]> {
      if (fixture.name === 'sqlite') {
        return (await gateway.store.query<{ detail: string }>(`EXPLAIN QUERY PLAN ${sql}`, params)).rows.map((row) => row.detail);
      }
      return gateway.store.transaction(async (tx) => {
        await tx.query('SET LOCAL enable_seqscan = off');
        return (await tx.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql}`, params)).rows.map((row) => row['QUERY PLAN']);
      });
    }
  });

  describe('replay', () => {
    it('refuses a form without the CSRF token, or with a token of another session', async () => {
      expect((await browser.post(`/ops/deliveries/${seeded.dead}/replay`, {})).status).to.equal(401);
      const other = new DashboardClient(gateway.url);
      await other.login('li.wei', 'another password');
      const foreign = await other.csrf();
      expect((await browser.post(`/ops/deliveries/${seeded.dead}/replay`, { _csrf: foreign })).status).to.equal(401);
      expect(await stateOf(seeded.dead)).to.equal('dead');
    });

    it('replays a dead letter: queued again, audited as ops:<user>, the page says so', async () => {
      const answer = await browser.post(`/ops/deliveries/${seeded.dead}/replay`, { _csrf: await browser.csrf() });
      expect(answer.status).to.equal(303);
      expect(answer.location).to.equal(`/ops/deliveries/${seeded.dead}?notice=replayed`);
      expect(await stateOf(seeded.dead)).to.equal('pending');
      const replays = await audit('delivery.replay');
      expect(replays.find((row) => row.target === seeded.dead)?.client_id).to.equal('ops:ops');
      expect((await browser.get(answer.location!)).body).to.contain('Queued again for delivery');
      const again = await browser.post(`/ops/deliveries/${seeded.delivered}/replay`, { _csrf: await browser.csrf() });
      expect(again.status).to.equal(409);
      expect(again.body).to.contain('CONFLICT');
    });

    it('replays every dead letter of a department at once', async () => {
      const answer = await browser.post('/ops/deliveries/replay', { _csrf: await browser.csrf(), department: 'gaj' });
      expect(answer.status).to.equal(303);
      expect(answer.location).to.equal('/ops/deliveries?department=gaj&notice=replayed-department&count=1');
      expect(await stateOf(seeded.dead2)).to.equal('pending');
      expect((await audit('delivery.replay-department')).at(-1)).to.include({ client_id: 'ops:ops', target: 'gaj' });
    });
  });

  describe('logout and throttling', () => {
    it('logout clears the session', async () => {
      const client = new DashboardClient(gateway.url);
      await client.login('ops', PASSWORD);
      const answer = await client.post('/ops/logout', { _csrf: await client.csrf() });
      expect(answer.status).to.equal(303);
      expect(answer.setCookies.some((line) => /^tongban_ops_session=;.*Max-Age=0/.test(line))).to.equal(true);
      expect((await client.get('/ops')).status).to.equal(303);
    });

    it('after five failed logins for a user, even the right password is refused for a while (429)', async () => {
      for (let index = 0; index < 5; index += 1) expect((await new DashboardClient(gateway.url).login('li.wei', 'guess')).status).to.equal(401);
      const answer = await new DashboardClient(gateway.url).login('li.wei', 'another password');
      expect(answer.status).to.equal(429);
      expect(Number(answer.headers.get('retry-after'))).to.be.greaterThan(0);
    });
  });
});

