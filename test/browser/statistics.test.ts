/**
 * The statistics page in a real headless Chromium: an operator logs in,
 * follows the navigation to 统计 Statistics, picks November 2026 with the
 * period picker, and sees the charts drawn as inline SVG — a bar per theme
 * that received applications, an on-time/overdue bar per department that
 * completed any, five satisfaction bars — each with its label and a visible
 * width matching its number, the totals and the report links; under the
 * strict CSP, without a console error. Screenshot: test-output/ops-statistics.png.
 */
import { expect } from 'chai';
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import type { Gateway } from '../../src/gateway.js';
import { hashPassword } from '../../src/ops/dashboard/password.js';
import { startTestGateway } from '../helpers/gateway.js';
import { allPassed, storeFixtures } from '../helpers/stores.js';
import { BIRTH, HIRING, seedStatistics } from '../integration/statistics/seed.js';
import { openChromium, skipWithoutChromium } from './chromium.js';

const SCREENSHOT = 'test-output/ops-statistics.png';

describe('statistics page in Chromium', function () {
  this.timeout(90_000);
  const fixture = storeFixtures()[0]!;
  let gateway: Gateway | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let consoleErrors: string[] = [];

  before(async function () {
    skipWithoutChromium(this);
    this.timeout(90_000);
    await (await fixture.open()).close();
    ({ gateway } = await startTestGateway({
      ...fixture.gatewayEnv(), TONGBAN_DISPATCHER: 'false', TONGBAN_LOG_LEVEL: 'warn', TONGBAN_OPS_USERS: JSON.stringify({ ops: await hashPassword('tongban-ops') }),
    }));
    await seedStatistics(gateway.store);
    ({ browser, page, consoleErrors } = await openChromium());
  });
  after(async function () {
    await browser?.close();
    await gateway?.close();
    await fixture.cleanup(allPassed(this.test!.parent!));
  });

  /** Each bar of a chart: its key, its label, and the drawn width of each of its rectangles by class. */
  async function bars(chart: string): Promise<{ key: string; label: string; widths: Record<string, number> }[]> {
    const groups = page.locator(`#${chart} svg g.bar`);
    const result = [];
    for (let index = 0; index < await groups.count(); index += 1) {
      const group = groups.nth(index);
      const widths: Record<string, number> = {};
      const rects = group.locator('rect');
      for (let rect = 0; rect < await rects.count(); rect += 1) {
        const box = await rects.nth(rect).boundingBox();
        widths[(await rects.nth(rect).getAttribute('class'))!] = box?.width ?? 0;
      }
      result.push({ key: (await group.getAttribute('data-key'))!, label: (await group.locator('text.label').textContent())!, widths });
    }
    return result;
  }

  it('log in, open the statistics, pick November: the charts are drawn with their bars and labels', async () => {
    await page.goto(`${gateway!.url}/ops`);
    await page.getByLabel('用户名 Username').fill('ops');
    await page.getByLabel('密码 Password').fill('tongban-ops');
    await Promise.all([page.waitForURL(`${gateway!.url}/ops`), page.getByRole('button', { name: '登录 Log in' }).click()]);

    await Promise.all([page.waitForURL(/\/ops\/statistics$/), page.getByRole('link', { name: '统计 Statistics' }).click()]);
    expect(await page.locator('h1').textContent()).to.equal('业务统计 Statistics');
    await page.locator('input[name="from"]').fill('2026-11-01');
    await page.locator('input[name="to"]').fill('2026-12-01');
    await Promise.all([page.waitForURL(/from=2026-11-01&to=2026-12-01/), page.getByRole('button', { name: '查询 Show' }).click()]);

    const themes = await bars('chart-themes');
    expect(themes.map((bar) => bar.key)).to.deep.equal([HIRING, BIRTH]);
    expect(themes.map((bar) => bar.label)).to.deep.equal([`员工“录用一件事” (${HIRING})`, `婴儿“出生一件事” (${BIRTH})`]);
    // 1 and 2 applications: the longer bar twice the shorter.
    expect(themes[1]!.widths['applications']! / themes[0]!.widths['applications']!).to.be.closeTo(2, 0.01);

    const timeliness = await bars('chart-timeliness');
    expect(timeliness.map((bar) => bar.key)).to.deep.equal(['gaj', 'mzrsj']);
    expect(timeliness[0]!.label).to.contain('(gaj)');
    // gaj: 2 on time and 1 deadline unknown; mzrsj: 1 overdue.
    expect(Object.keys(timeliness[0]!.widths)).to.deep.equal(['on-time', 'unknown']);
    expect(timeliness[0]!.widths['on-time']! / timeliness[0]!.widths['unknown']!).to.be.closeTo(2, 0.01);
    expect(Object.keys(timeliness[1]!.widths)).to.deep.equal(['overdue']);

    const satisfaction = await bars('chart-satisfaction');
    expect(satisfaction.map((bar) => bar.label)).to.deep.equal(['非常满意 (5)', '满意 (4)', '基本满意 (3)', '不满意 (2)', '非常不满意 (1)']);
    expect(satisfaction.map((bar) => Object.keys(bar.widths))).to.deep.equal([['good'], ['good'], [], ['poor'], []]);

    expect(await page.locator('[data-figure="applications"] dd').textContent()).to.equal('3');
    expect(await page.locator('[data-figure="onTimeRate"] dd').textContent()).to.equal('66.7%');
    expect(await page.locator('#report-xlsx').getAttribute('href')).to.equal('/ops/statistics/report.xlsx?month=2026-11');
    expect(await page.locator('#by-department tfoot tr[data-code="*"] td').first().textContent()).to.equal('3');

    mkdirSync('test-output', { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(consoleErrors, consoleErrors.join('\n')).to.deep.equal([]);
  });
});
