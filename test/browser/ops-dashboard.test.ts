/**
 * The ops dashboard in a real headless Chromium: a REST department refuses
 * a sub-application with a non-retryable 422, so it becomes a dead letter;
 * an operator logs in, finds it among the dead letters, presses replay (and
 * confirms), and — the department's fault having passed — watches it
 * delivered; then searches for the application by the short id the list
 * shows, and for the mother by her ID number (with a reason), seeing the
 * delivery and the code only masked. The page must load its stylesheet and
 * script under the strict CSP without a single console error. Screenshots:
 * test-output/ops-dashboard.png, test-output/ops-search.png.
 */
import { expect } from 'chai';
import { existsSync, mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { maskHolderCode } from '../../src/ops/dashboard/format.js';
import { hashPassword } from '../../src/ops/dashboard/password.js';
import { birthForm, birthSubmission, startDeliveryEnvironment, type DeliveryEnvironment } from '../helpers/delivery-environment.js';
import { allPassed, storeFixtures } from '../helpers/stores.js';
import { waitFor } from '../helpers/wait.js';
import { openChromium, skipWithoutChromium } from './chromium.js';

const SCREENSHOT = 'test-output/ops-dashboard.png';
const SEARCH_SCREENSHOT = 'test-output/ops-search.png';

describe('ops dashboard in Chromium', function () {
  this.timeout(90_000);
  const fixture = storeFixtures()[0]!;
  let env: DeliveryEnvironment | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let consoleErrors: string[] = [];

  before(async function () {
    skipWithoutChromium(this);
    this.timeout(90_000);
    env = await startDeliveryEnvironment(fixture, { env: { TONGBAN_OPS_USERS: JSON.stringify({ ops: await hashPassword('tongban-ops') }), TONGBAN_DELIVERY_MAX_ATTEMPTS: '1' } });
    env.outcomes.gaj = () => 'silent';
    env.outcomes.mzrsj = () => 'silent';
    env.outcomes.ybj = () => 'silent';
    ({ browser, page, consoleErrors } = await openChromium());
  });
  after(async function () {
    await browser?.close();
    await env?.close();
    await fixture.cleanup(allPassed(this.test!.parent!));
  });

  it('log in, find the dead letter, replay it, see it delivered', async () => {
    const gateway = env!.gateway;
    // The department refuses the first delivery for good (422: not retryable).
    env!.gaj.faults.enqueue({ kind: 'status', status: 422, pathPrefix: '/' });
    const form = birthForm({ child: { name: '浏览器测试' } });
    const answer = await env!.submit(birthSubmission(form));
    expect(answer.status, JSON.stringify(answer.body)).to.equal(202);
    const applicationId = (answer.body as { applicationId: string }).applicationId;
    const dead = await env!.waitForApplication(applicationId, (view) => view.subApplications[0]!.delivery.state === 'dead', 'the 出生登记 delivery to be dead-lettered');
    const deliveryId = dead.subApplications[0]!.delivery.id;

    await page.goto(`${gateway.url}/ops`);
    expect(new URL(page.url()).pathname).to.equal('/ops/login');
    await page.getByLabel('用户名 Username').fill('ops');
    await page.getByLabel('密码 Password').fill('tongban-ops');
    await Promise.all([page.waitForURL(`${gateway.url}/ops`), page.getByRole('button', { name: '登录 Log in' }).click()]);
    expect(await page.locator('h1').textContent()).to.equal('总览 Overview');
    expect(await page.locator('tr[data-department="gaj"] td.circuit').textContent()).to.contain('closed');
    // Every shared upstream has its row, the newer ones too.
    expect(await page.locator('#adapters tr[data-upstream] td:first-child').allTextContents()).to.include.members(
      ['统一身份认证平台 Identity platform', '统一公共支付平台 Payment platform', 'EMS 邮政寄递 Mail service', '好差评系统 Evaluation system', '数据共享交换平台 Data-sharing exchange']);

    await page.getByRole('link', { name: '死信 Dead letters' }).click();
    const row = page.locator(`tr[data-delivery="${deliveryId}"]`);
    await row.waitFor();
    expect(await row.getAttribute('data-state')).to.equal('dead');
    expect(await row.locator('td.error-text').textContent()).to.contain('422');

    page.once('dialog', (dialog) => { void dialog.accept(); });
    await Promise.all([page.waitForURL(`**/ops/deliveries/${deliveryId}?notice=replayed`), row.getByRole('button', { name: '重放 Replay' }).click()]);
    expect(await page.locator('p.notice').textContent()).to.contain(deliveryId);

    await waitFor(async () => {
      await page.reload();
      return (await page.locator('table.fields').getAttribute('data-state')) === 'delivered';
    }, { what: 'the replayed delivery to show as delivered', timeoutMs: 20_000, intervalMs: 200 });
    expect(await page.locator('table.attempts tbody tr').count()).to.equal(2);
    expect(await page.locator('table.attempts tbody tr').first().textContent()).to.contain('dead');
    expect(await page.locator('table.attempts tbody tr').last().textContent()).to.contain('delivered');
    const audit = await gateway.store.query<{ client_id: string }>("SELECT client_id FROM ops_audit WHERE action = 'delivery.replay' AND target = $1", [deliveryId]);
    expect(audit.rows.map((entry) => entry.client_id)).to.deep.equal(['ops:ops']);

    await page.getByRole('link', { name: '总览 Overview' }).click();
    const bars = page.locator('figure.chart g.bar');
    expect(await bars.count()).to.equal(60);
    const totals = await page.locator('figure.chart figcaption').textContent();
    expect(totals).to.match(/成功 delivered [1-9]/).and.to.match(/失败 failed [1-9]/);
    mkdirSync('test-output', { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(existsSync(SCREENSHOT)).to.equal(true);

    // The list shows the application by its short id; searching for that finds the delivery.
    await page.getByRole('link', { name: '投递队列 Delivery queue' }).click();
    const shortApplicationId = (await page.locator(`tr[data-delivery="${deliveryId}"] td.application code`).textContent())!;
    expect(shortApplicationId).to.equal(applicationId.slice(-12));
    await page.getByRole('link', { name: '查询 Search' }).click();
    await page.getByLabel('编号 Id').fill(shortApplicationId);
    await page.getByRole('button', { name: '查询 Search' }).click();
    expect(await page.locator(`tr[data-delivery="${deliveryId}"] td.matched`).textContent()).to.contain('申请号');

    // The mother's ID number, with a reason: the same application, her code masked, the search audited.
    const idNumber = form['mother']!['idNumber'] as string;
    await page.getByLabel('编号 Id').fill(idNumber);
    await page.getByLabel('查询事由 Reason').fill('浏览器测试：核对出生登记进度');
    await page.getByRole('button', { name: '查询 Search' }).click();
    await page.locator('h2 span.holder.masked').waitFor();
    expect(await page.locator(`tr[data-delivery="${deliveryId}"] td.matched`).textContent()).to.contain(maskHolderCode(idNumber)).and.to.contain('mother');
    expect(await page.content()).not.to.contain(idNumber);
    expect(await page.getByLabel('编号 Id').inputValue()).to.equal('');
    const searches = await gateway.store.query<{ client_id: string; details: string }>("SELECT client_id, details FROM ops_audit WHERE action = 'holder.search'");
    expect(searches.rows.map((row) => [row.client_id, JSON.parse(row.details).reason])).to.deep.equal([['ops:ops', '浏览器测试：核对出生登记进度']]);
    await page.screenshot({ path: SEARCH_SCREENSHOT, fullPage: true });
    expect(existsSync(SEARCH_SCREENSHOT)).to.equal(true);
    expect(consoleErrors, 'console errors (CSP violations, script errors)').to.deep.equal([]);
  });
});
