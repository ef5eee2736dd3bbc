// The dashboard end to end: the real Hilal server (SQLite) serving the built dashboard at /app/,
// one owner who can sign in, and Chromium. Each `open` is a fresh browser context: "another
// browser", with no cookie. Launched as harness.ts launches it, and like it, failing in CI when
// Chromium is missing.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import type { AxeResults, RunOptions } from 'axe-core';
import { type Browser, chromium, type Page } from 'playwright-core';
import { PASSWORD, seedUser } from '../support/sign-in.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { CHROMIUM, requireChromium } from './harness.js';
import { WAIT_MS } from './network-log.js';

export const OWNER_EMAIL = 'owner@acme.test';
export { PASSWORD };

export interface DashboardPage {
  readonly page: Page;
  /** Uncaught errors and console errors (a Content-Security-Policy refusal is one). */
  readonly errors: string[];
}

export interface DashboardHarness {
  readonly hilal: TestApp;
  /** The Hilal server, e.g. http://127.0.0.1:41234 */
  readonly url: string;
  readonly browser: Browser;
  /**
   * Opens `path` (e.g. `/app/`) in a fresh context. `bypassCSP` only where a test injects a
   * script of its own (axe-core): the app itself always runs under its policy.
   */
  open(path: string, options?: { bypassCSP?: boolean }): Promise<DashboardPage>;
  close(): Promise<void>;
}

export async function startDashboardHarness(): Promise<DashboardHarness> {
  requireChromium();
  const hilal = await startTestApp('sqlite');
  await seedUser(hilal.services, OWNER_EMAIL, 'owner');
  const url = await hilal.app.listen({ port: 0, host: '127.0.0.1' });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-quic',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    hilal,
    url,
    browser,
    async open(path, options = {}) {
      const context = await browser.newContext({
        viewport: { width: 960, height: 600 },
        bypassCSP: options.bypassCSP ?? false,
      });
      context.setDefaultTimeout(WAIT_MS);
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(String(error)));
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(message.text());
      });
      await page.goto(url + path, { waitUntil: 'load' });
      return { page, errors };
    },
    async close() {
      await browser.close();
      await hilal.close();
    },
  };
}

/** Signs in through the form, finding its controls by their visible labels. */
export async function signInThroughForm(page: Page, email: string, password: string) {
  await page.getByRole('textbox', { name: 'Email' }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

const axeSource = fs.readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
);

/** The global that axe.min.js defines, as page functions see it. */
interface AxeGlobal {
  readonly axe: { run(options: RunOptions): Promise<AxeResults> };
}

/** axe-core's serious and critical violations on the page as it is now, one line each. */
export async function seriousAxeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: axeSource });
  const { violations } = await page.evaluate(() =>
    (globalThis as unknown as AxeGlobal).axe.run({ resultTypes: ['violations'] }),
  );
  assert.ok(Array.isArray(violations), 'axe-core ran');
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`,
    );
}

/**
 * The text of the focused element. `document.activeElement` holds whether or not the browser
 * window itself has focus, which `:focus` does not when several browsers run at once.
 */
export async function focusedText(page: Page): Promise<string | null> {
  return page.evaluate('document.activeElement?.textContent ?? null');
}
