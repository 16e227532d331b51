/**
 * Headless Chromium for the end-to-end tests: Debian's `chromium` package (CHROMIUM_PATH, default
 * /usr/bin/chromium) driven by playwright-core, which downloads no browser of its own. Every page
 * records console errors, uncaught exceptions and CSP violations, so a test can assert there were none.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface WatchedPage {
  page: Page;
  /** Console errors, page errors and CSP violations, in order. */
  problems: string[];
}

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`no Chromium at ${CHROMIUM_PATH}: install it (apt-get install chromium) or set CHROMIUM_PATH`);
  }
  // --no-sandbox: CI runs as root in a container, where Chromium's sandbox cannot start.
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}

export async function watchedPage(context: BrowserContext): Promise<WatchedPage> {
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  await page.exposeFunction('__reportCspViolation', (text: string) => problems.push(`CSP: ${text}`));
  // Injected by the browser itself (not a page script), so the page's own CSP does not block it.
  // (A string: it runs in the browser, where this repository's Node types do not apply.)
  await page.addInitScript({
    content: "document.addEventListener('securitypolicyviolation', (e) => window.__reportCspViolation(e.violatedDirective + ' blocked ' + e.blockedURI));",
  });
  return { page, problems };
}
