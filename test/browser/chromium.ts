/** Headless Chromium for the browser tests: the Debian package's binary (.ci/run installs it), skipped without it. */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

/** Skips the suite (from its `before`) when the machine has no Chromium. */
export function skipWithoutChromium(context: Mocha.Context): void {
  if (existsSync(CHROMIUM)) return;
  // eslint-disable-next-line no-console
  console.log(`      skipped: no Chromium at ${CHROMIUM} (install the Debian package "chromium"; .ci/run does)`);
  context.skip();
}

/** A browser and one page (1280×1000, zh-CN) whose console errors and page errors are collected in `consoleErrors`. */
export async function openChromium(): Promise<{ browser: Browser; page: Page; consoleErrors: string[] }> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = await browser.newPage({ viewport: { width: 1280, height: 1000 }, locale: 'zh-CN' });
  const consoleErrors: string[] = [];
  page.on('console', (message) => { if (message.type() === 'error') consoleErrors.push(message.text()); });
  page.on('pageerror', (error) => consoleErrors.push(error.message));
  return { browser, page, consoleErrors };
}
