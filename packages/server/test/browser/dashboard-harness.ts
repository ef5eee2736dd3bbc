// The dashboard end to end: the real Hilal server (SQLite) serving the built dashboard at /app/,
// one owner who can sign in, and Chromium. Each `open` is a fresh browser context: "another
// browser", with no cookie. Launched as harness.ts launches it, and like it, failing in CI when
// Chromium is missing.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import type { AxeResults, RunOptions } from 'axe-core';
import type { Browser, Page, ViewportSize } from 'playwright-core';
import { PASSWORD, seedUser } from '../support/sign-in.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { launchChromium, requireChromium } from './harness.js';
import { WAIT_MS } from './network-log.js';

export const OWNER_EMAIL = 'owner@acme.test';
export { PASSWORD };

export interface DashboardPage {
  readonly page: Page;
  /** Uncaught errors and console errors (a Content-Security-Policy refusal is one). */
  readonly errors: string[];
}

export interface OpenOptions {
  /**
   * Only where a test injects a script of its own (axe-core): the app itself always runs under
   * its policy.
   */
  readonly bypassCSP?: boolean;
  /** 960×600 unless given. */
  readonly viewport?: ViewportSize;
  /** Lets the page read and write the clipboard ("Copy" buttons). */
  readonly clipboard?: boolean;
}

export interface DashboardHarness {
  readonly hilal: TestApp;
  /** The Hilal server, e.g. http://127.0.0.1:41234 */
  readonly url: string;
  /** The owner's organization. */
  readonly orgId: string;
  readonly browser: Browser;
  /** Opens `path` (e.g. `/app/`) in a fresh context. */
  open(path: string, options?: OpenOptions): Promise<DashboardPage>;
  close(): Promise<void>;
}

export async function startDashboardHarness(): Promise<DashboardHarness> {
  requireChromium();
  const hilal = await startTestApp('sqlite');
  const { orgId } = await seedUser(hilal.services, OWNER_EMAIL, 'owner');
  const url = await hilal.app.listen({ port: 0, host: '127.0.0.1' });
  const browser = await launchChromium();
  return {
    hilal,
    url,
    orgId,
    browser,
    async open(path, options = {}) {
      const context = await browser.newContext({
        viewport: options.viewport ?? { width: 960, height: 600 },
        bypassCSP: options.bypassCSP ?? false,
        ...(options.clipboard ? { permissions: ['clipboard-read', 'clipboard-write'] } : {}),
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

/**
 * A fresh context ("another browser") at 1100×900 that may use the clipboard, signed in as
 * `email` through the form, on the page the app lands on.
 */
export async function openSignedIn(
  h: DashboardHarness,
  email: string,
  password = PASSWORD,
  options: OpenOptions = {},
): Promise<DashboardPage> {
  const opened = await h.open('/app/sign-in', {
    viewport: { width: 1100, height: 900 },
    clipboard: true,
    ...options,
  });
  await signInThroughForm(opened.page, email, password);
  await opened.page.getByRole('navigation', { name: 'Main' }).waitFor();
  return opened;
}

/**
 * `errors` less the refusals the server answered on purpose (Chromium logs every 4xx as a
 * console error).
 */
export const unexpectedErrors = (errors: string[]): string[] =>
  errors.filter(
    (e) => !/Failed to load resource: the server responded with a status of 4\d\d/.test(e),
  );

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
