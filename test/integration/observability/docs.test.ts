/**
 * `/docs` serves Swagger UI from swagger-ui-dist through the gateway itself
 * (no CDN), under a CSP that allows exactly that; the page renders every
 * operation of `/openapi.json` in a real browser without a CSP violation or a
 * request to another origin. Other routes keep helmet's default CSP.
 */
import { expect } from 'chai';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { Gateway } from '../../../src/gateway.js';
import { startTestGateway } from '../../helpers/gateway.js';

const CHROMIUM = [process.env['CHROMIUM_PATH'], '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((path) => path && existsSync(path));

describe('API docs at /docs (Swagger UI, offline)', () => {
  let dir: string;
  let gateway: Gateway;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tongban-docs-'));
    ({ gateway } = await startTestGateway({ TONGBAN_SQLITE_PATH: join(dir, 'db.sqlite') }));
  });
  after(async () => {
    await gateway?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const get = (path: string) => fetch(gateway.url + path, { redirect: 'manual' });

  it('/docs redirects to /docs/ (relative assets need the slash)', async () => {
    const answer = await get('/docs');
    expect(answer.status).to.equal(301);
    expect(new URL(answer.headers.get('location')!, `${gateway.url}/docs`).pathname).to.equal('/docs/');
  });

  it('/docs/ is the Swagger UI page: local assets only, pointing to /openapi.json, under the docs CSP', async () => {
    const answer = await get('/docs/');
    expect(answer.status).to.equal(200);
    expect(answer.headers.get('content-type')).to.match(/^text\/html/);
    const html = await answer.text();
    expect(html).to.contain('<div id="swagger-ui"></div>').and.contain('./swagger-ui-bundle.js').and.contain('./swagger-initializer.js');
    expect(html, 'no CDN or other origin').to.not.match(/(https?:)?\/\/[a-z]/i);
    expect(html, 'no inline script').to.not.match(/<script(?![^>]*\bsrc=)[^>]*>/);
    const csp = answer.headers.get('content-security-policy')!;
    expect(csp).to.contain("script-src 'self'").and.contain("style-src 'self' 'unsafe-inline'").and.contain("connect-src 'self'");
    expect(csp).to.not.contain('unsafe-eval').and.not.contain('http');

    const initializer = await get('/docs/swagger-initializer.js');
    expect(initializer.status).to.equal(200);
    const script = await initializer.text();
    expect(script).to.contain("'../openapi.json'").and.contain('validatorUrl: null').and.not.contain('petstore');
  });

  it('serves the Swagger UI scripts and styles from swagger-ui-dist', async () => {
    const bundle = await get('/docs/swagger-ui-bundle.js');
    expect(bundle.status).to.equal(200);
    expect(bundle.headers.get('content-type')).to.match(/javascript/);
    const text = await bundle.text();
    expect(text.length).to.be.greaterThan(500_000);
    expect(text).to.contain('SwaggerUIBundle');
    const css = await get('/docs/swagger-ui.css');
    expect(css.status).to.equal(200);
    expect(css.headers.get('content-type')).to.match(/^text\/css/);
  });

  it('serves nothing else from the package or the disk', async () => {
    for (const path of ['/docs/index.html', '/docs/package.json', '/docs/swagger-ui.js.map', '/docs/..%2F..%2Fpackage.json', '/docs/%2e%2e%2fpackage.json']) {
      const answer = await get(path);
      expect(answer.status, path).to.equal(404);
      expect(answer.headers.get('content-type'), path).to.match(/^application\/problem\+json/);
    }
  });

  it('other routes keep helmet\'s default CSP', async () => {
    const csp = (await get('/healthz')).headers.get('content-security-policy')!;
    expect(csp).to.contain("script-src 'self'").and.contain('upgrade-insecure-requests');
    expect(csp).to.not.contain("style-src 'self' 'unsafe-inline'");
  });

  it('renders every operation in a real browser, with no CSP violation and no request to another origin', async function () {
    if (!CHROMIUM) this.skip();
    this.timeout(60_000);
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    try {
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on('console', (message) => { if (message.type() === 'error' || message.type() === 'warning') problems.push(message.text()); });
      page.on('pageerror', (error) => problems.push(error.message));
      const foreign: string[] = [];
      page.on('request', (request) => { if (!request.url().startsWith(gateway.url) && !request.url().startsWith('data:')) foreign.push(request.url()); });
      await page.goto(`${gateway.url}/docs`);
      const description = await (await fetch(`${gateway.url}/openapi.json`)).json() as { paths: Record<string, Record<string, unknown>> };
      const operations = Object.values(description.paths).reduce((count, item) => count + Object.keys(item).length, 0);
      // Waited for with a locator (Playwright's own isolated world): a string predicate is evaluated with eval in the
      // page, which the page's CSP (script-src 'self') may refuse.
      await page.locator('.opblock').nth(operations - 1).waitFor({ state: 'attached', timeout: 20_000 });
      expect(await page.locator('.opblock').count(), 'one block per operation').to.equal(operations);
      expect(await page.locator('.info .title').first().textContent()).to.contain('Tongban');
      expect(await page.locator('.opblock-summary-path', { hasText: '/v1/applications' }).count()).to.be.greaterThan(0);
      expect(problems, 'console errors (a CSP violation is one)').to.deep.equal([]);
      expect(foreign).to.deep.equal([]);
    } finally {
      await browser.close();
    }
  });
});
