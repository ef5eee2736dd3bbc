// The end-to-end harness: the real Hilal server on one origin (http://127.0.0.1:A), host pages
// on another (http://localhost:B, docs/contract.md §5: both are allowed token destinations), and Chromium
// running the built chat_v3.js that the Hilal server serves. Each test gets a fresh browser
// context, which has storage of its own: "another browser".
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Browser, chromium, type Page } from 'playwright-core';
import { type SeededBot, seedBot, startTestApp, type TestApp } from '../support/test-app.js';
import { signHs256 } from '../support/tokens.js';
import { WAIT_MS } from './network-log.js';
import { WidgetPage } from './widget-page.js';

export const CHROMIUM = '/usr/bin/chromium';
/** Set by CI (`.ci/run` exports CI=true): there, a browser suite that cannot run must fail. */
export const IN_CI = (process.env.CI ?? '') !== '' && process.env.CI !== 'false';
/**
 * For `describe(…, { skip })`: without Chromium, a laptop skips these tests; CI does not, and
 * `requireChromium` (called by `startHarness`) fails the suite instead, saying why.
 */
export const NO_CHROMIUM =
  fs.existsSync(CHROMIUM) || IN_CI ? false : `no ${CHROMIUM} (in CI this fails instead)`;
/** For `it(…, TEST_OPTIONS)`: a hang fails the test instead of the whole run. */
export const TEST_OPTIONS = { timeout: 120_000 } as const;

/** Fails loudly when the browser the suite needs is not there (the `before` hook of every suite). */
export function requireChromium(): void {
  assert.ok(
    fs.existsSync(CHROMIUM),
    `Chromium is missing at ${CHROMIUM}, and CI is set, so the browser tests must run, not skip: ` +
      'install it (apt-get install chromium; .ci/run does).',
  );
}

/** Chromium as every browser suite runs it: headless, with none of its own background traffic. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
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
}

export interface Claims {
  readonly sub: string;
  readonly name?: string;
  readonly email?: string;
}

export interface Harness {
  readonly hilal: TestApp;
  readonly bot: SeededBot;
  /** The Hilal server, e.g. http://127.0.0.1:41234 */
  readonly hilalUrl: string;
  /** The host pages' server, on another origin, e.g. http://localhost:41235 */
  readonly hostUrl: string;
  readonly browser: Browser;
  /**
   * The server's clock, in epoch ms: real time plus however far `advanceClock` moved it. A page
   * that installs Playwright's clock at `now()` and fast-forwards it by the same amounts keeps
   * the same time as the server.
   */
  now(): number;
  /** Moves the server's clock ahead by `ms`; tokens signed from then on are signed at the new time. */
  advanceClock(ms: number): void;
  /**
   * An HS256 token signed at `now()`, as the host's backend would sign it: with the bot's current
   * secret (the seeded one, or the last `rotateSecret`), or with `secret`.
   */
  token(claims: Claims, ttlS?: number, secret?: string): string;
  /**
   * Regenerates and saves the bot's secret at once, as an admin would (the verified sessions of
   * the old one end); `token` signs with the new one from then on. Returns the old and the new.
   */
  rotateSecret(): Promise<{ previous: string; current: string }>;
  /** `<script src=…/chat_v3.js …data-*>` with the org and bot filled in. */
  scriptTag(data?: Record<string, string>): string;
  /** `<script>` calling `HilalChat.init(options)` with the org and bot filled in. */
  initScript(options?: Record<string, unknown>): string;
  /** Serves a host page (HTML in the body, optional extra head) and returns its URL. */
  hostPage(body: string, head?: string): string;
  /** Opens `url` in a fresh browser context, recording its network traffic. */
  open(url: string, setup?: (page: Page) => Promise<unknown>): Promise<WidgetPage>;
  close(): Promise<void>;
}

/** Embeds a value in an inline script: `<` is escaped so no `</script>` can end it early. */
export const scriptJson = (value: unknown): string =>
  JSON.stringify(value).replace(/</g, '\\u003c');

const escapeAttribute = (value: string): string =>
  value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/** Starts Hilal (SQLite, one seeded bot with its own secret), the host page server and Chromium. */
export async function startHarness(): Promise<Harness> {
  requireChromium();
  let aheadMs = 0;
  const now = () => Date.now() + aheadMs;
  const hilal = await startTestApp('sqlite', {}, { now });
  const bot = await seedBot(hilal.services);
  assert.ok(bot.secret, 'the seeded bot has a secret of its own');
  let secret = bot.secret;
  const hilalUrl = await hilal.app.listen({ port: 0, host: '127.0.0.1' });

  const pages = new Map<string, string>();
  const hostServer = http.createServer((request, response) => {
    const html = pages.get(new URL(request.url ?? '/', 'http://x').pathname);
    if (html === undefined) {
      response.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
      return;
    }
    response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(html);
  });
  await new Promise<void>((resolve) => hostServer.listen(0, '127.0.0.1', resolve));
  const hostUrl = `http://localhost:${(hostServer.address() as AddressInfo).port}`;

  const browser = await launchChromium();

  const ids = { organizationId: bot.orgId, botId: bot.botId };
  return {
    hilal,
    bot,
    hilalUrl,
    hostUrl,
    browser,
    now,
    advanceClock(ms) {
      assert.ok(ms >= 0, 'the clock only moves ahead');
      aheadMs += ms;
    },
    token(claims, ttlS = 600, signWith = secret) {
      return signHs256(signWith, { ...claims, exp: Math.floor(now() / 1000) + ttlS });
    },
    async rotateSecret() {
      const previous = secret;
      secret = (await hilal.services.secrets.rotate(bot.orgId, bot.botId, 'test')).secret;
      return { previous, current: secret };
    },
    scriptTag(data = {}) {
      const attributes = { 'org-id': bot.orgId, 'bot-id': bot.botId, ...data };
      const rendered = Object.entries(attributes)
        .map(([name, value]) => ` data-${name}="${escapeAttribute(value)}"`)
        .join('');
      return `<script src="${hilalUrl}/chat_v3.js"${rendered}></script>`;
    },
    initScript(options = {}) {
      return `<script src="${hilalUrl}/chat_v3.js"></script>
        <script>HilalChat.init(${scriptJson({ ...ids, ...options })});</script>`;
    },
    hostPage(body, head = '') {
      const path = `/page-${pages.size + 1}`;
      pages.set(
        path,
        `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Host</title>${head}</head><body>${body}</body></html>`,
      );
      return hostUrl + path;
    },
    async open(url, setup) {
      const context = await browser.newContext();
      context.setDefaultTimeout(WAIT_MS);
      const page = await context.newPage();
      const widget = new WidgetPage(context, page, hilalUrl, hilal);
      await setup?.(page);
      await page.goto(url, { waitUntil: 'load' });
      return widget;
    },
    async close() {
      await browser.close();
      await hilal.app.replies.drain();
      hostServer.closeAllConnections();
      await new Promise((resolve) => hostServer.close(resolve));
      await hilal.close();
    },
  };
}
