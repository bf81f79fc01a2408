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
import { startTestGateway } from '../../helpers/gateway.js';
import { allPassed, storeFixtures } from '../../helpers/stores.js';
import { DashboardClient } from './dashboard-client.js';
import { seedOpsData, type Seeded } from './seed.js';

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

    it('sync runs and failures; overdue sub-applications', async () => {
      const sync = await browser.get('/ops/sync');
      expect(sync.body).to.match(new RegExp(`<table class="sync-failures">[\\s\\S]*data-run="${seeded.failedRunId}"`));
      expect(sync.body).to.contain('未配置省事项系统');
      const overdue = await browser.get('/ops/overdue');
      expect(overdue.body).to.contain(`data-sub-application="${seeded.overdueSubApplication}"`);
      expect(overdue.body).to.contain('2020-01-02');
    });

    it('ledger: recent uses with masked holder codes; the search result shows the code in full, by POST, audited without the code', async () => {
      const recent = await browser.get('/ops/ledger');
      expect(recent.body).not.to.contain(seeded.holder);
      expect(recent.body).not.to.contain(seeded.otherHolder);
      expect(recent.body).to.contain(`${seeded.holder.slice(0, 6)}********${seeded.holder.slice(14)}`);
      const result = await browser.post('/ops/ledger', { _csrf: DashboardClient.csrfOf(recent.body), holder: seeded.holder });
      expect(result.status).to.equal(200);
      expect(result.body).to.contain(`<span class="holder full">${seeded.holder}</span>`);
      expect(result.body.match(/<tr><td class="num">\d+<\/td>/g)).to.have.length(2);
      expect(result.body).to.contain('residentIdCard').and.to.contain('birthCertificate').and.not.to.contain('marriageCertificate');
      const [entry] = await audit('ledger.search');
      expect(entry!.client_id).to.equal('ops:ops');
      expect(entry!.target).not.to.contain(seeded.holder);
      expect(JSON.stringify(entry)).not.to.contain(seeded.holder);
    });
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

