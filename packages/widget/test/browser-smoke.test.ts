// Loads the built, minified chat_v3.js in Chromium. The chat API is not served here (the full
// end-to-end tests run against the real server): this checks that the bundle loads cleanly,
// exposes the documented API, validates its arguments and never throws into the host page.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { type Browser, chromium, type Page } from 'playwright-core';
import type { HilalChatApi } from '../src/types.js';

declare global {
  interface Window {
    HilalChat?: HilalChatApi;
  }
}

const CHROMIUM = '/usr/bin/chromium';
/** In CI (`.ci/run` exports CI=true) a suite that cannot run fails; only a laptop may skip it. */
const IN_CI = (process.env.CI ?? '') !== '' && process.env.CI !== 'false';
const NO_CHROMIUM =
  fs.existsSync(CHROMIUM) || IN_CI ? false : `no ${CHROMIUM} (in CI this fails instead)`;
const BUNDLE = new URL('../../dist/chat_v3.js', import.meta.url);
const ORG = 'org_0123456789abcdef01234567';
const BOT = 'bot_0123456789abcdef01234567';

/** The embed snippet's one-line stub, exactly as README "3. Pass it to the widget" shows it. */
const STUB = (() => {
  const readme = fs.readFileSync(new URL('../../../../README.md', import.meta.url), 'utf8');
  const line = /^<script>window\.HilalChat=window\.HilalChat\|\|.*<\/script>$/m.exec(readme)?.[0];
  assert.ok(line, 'README.md shows the one-line stub');
  return line;
})();

/** Host pages by path; `/chat_v3.js` is the bundle; every `/api/…` is a 404 (no server here). */
const pages: Record<string, string> = {
  '/bare': '<script src="/chat_v3.js"></script>',
  '/bad-attributes': `<script src="/chat_v3.js" data-org-id="nope" data-bot-id="${BOT}"></script>`,
  // Called before the script: a bad init and an open (not started: an error), then a good init
  // and an open. Each error goes to the console; the good calls still happen, in order.
  '/stub-queue': `${STUB}<script>
      HilalChat.init({ organizationId: 'nope' });
      HilalChat.open();
      HilalChat.init({ organizationId: '${ORG}', botId: '${BOT}' });
      HilalChat.open();
      window.queuedBeforeLoad = HilalChat.q.length;
    </script><script src="/chat_v3.js"></script>`,
  '/attributes': `<style>button { padding: 40px; background: yellow } div { display: none }</style>
    <script src="/chat_v3.js" data-org-id="${ORG}" data-bot-id="${BOT}"></script>`,
};

describe('chat_v3.js in Chromium', { skip: NO_CHROMIUM }, () => {
  let browser: Browser;
  let server: http.Server;
  let origin: string;

  before(async () => {
    assert.ok(
      fs.existsSync(CHROMIUM),
      `Chromium is missing at ${CHROMIUM}, and CI is set, so the browser tests must run, not skip: ` +
        'install it (apt-get install chromium; .ci/run does).',
    );
    server = http.createServer((request, response) => {
      const path = new URL(request.url ?? '/', 'http://x').pathname;
      if (path === '/chat_v3.js') {
        response.writeHead(200, { 'Content-Type': 'text/javascript' });
        response.end(fs.readFileSync(BUNDLE));
      } else if (path === '/favicon.ico') {
        response.writeHead(204).end();
      } else if (pages[path] !== undefined) {
        response.writeHead(200, { 'Content-Type': 'text/html' });
        response.end(
          `<!doctype html><html><head></head><body><p>host</p>${pages[path]}</body></html>`,
        );
      } else {
        response.writeHead(404, { 'Content-Type': 'application/json' });
        response.end('{"error":"not_found","message":"Not found."}');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  });

  after(async () => {
    await browser?.close();
    server?.close();
  });

  /** Opens a host page, collecting uncaught page errors and console errors. */
  async function open(
    path: string,
  ): Promise<{ page: Page; pageErrors: string[]; consoleErrors: string[] }> {
    const page = await browser.newPage();
    const pageErrors: string[] = [];
    const consoleErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(String(error)));
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    await page.goto(origin + path, { waitUntil: 'load' });
    return { page, pageErrors, consoleErrors };
  }

  test('without attributes: loads cleanly, exposes the API, adds nothing to the page', async () => {
    const { page, pageErrors, consoleErrors } = await open('/bare');
    const api = await page.evaluate(() => {
      const hilal = window.HilalChat;
      return {
        methods: Object.keys(hilal ?? {})
          .filter((key) => typeof Reflect.get(hilal ?? {}, key) === 'function')
          .sort(),
        version: hilal?.version,
        frozen: Object.isFrozen(hilal),
        state: hilal?.state(),
        identity: hilal?.identity(),
        elements: document.querySelectorAll('hilal-chat, style, link').length,
      };
    });
    assert.deepEqual(api.methods, [
      'close',
      'identity',
      'init',
      'logout',
      'open',
      'setUserToken',
      'state',
    ]);
    assert.equal(api.version, '3.0.0');
    assert.equal(api.frozen, true);
    assert.deepEqual(api.state, {
      initialized: false,
      identity: 'anonymous',
      name: null,
      open: false,
      unread: 0,
      connected: false,
      messages: 0,
    });
    assert.deepEqual(api.identity, { state: 'anonymous' });
    assert.equal(api.elements, 0);
    assert.deepEqual(pageErrors, []);
    assert.deepEqual(consoleErrors, []);
    await page.close();
  });

  test('init, setUserToken, open and close validate their arguments with TypeError', async () => {
    const { page, pageErrors } = await open('/bare');
    const outcomes = await page.evaluate(
      ({ org, bot }) => {
        const hilal = window.HilalChat;
        if (!hilal) throw new Error('no HilalChat');
        const attempt = (action: () => unknown) => {
          try {
            action();
            return 'no error';
          } catch (error) {
            return error instanceof TypeError ? `TypeError: ${error.message}` : String(error);
          }
        };
        const init = (options: unknown) => () => Reflect.apply(hilal.init, hilal, [options]);
        return {
          openFirst: attempt(() => hilal.open()),
          closeFirst: attempt(() => hilal.close()),
          tokenFirst: attempt(() => hilal.setUserToken('a.b.c')),
          logoutFirst: attempt(() => hilal.logout()),
          nothing: attempt(init(undefined)),
          empty: attempt(init({})),
          noBot: attempt(init({ organizationId: org })),
          badBot: attempt(init({ organizationId: org, botId: 'my-bot' })),
          badToken: attempt(init({ organizationId: org, botId: bot, userToken: 42 })),
          badUser: attempt(init({ organizationId: org, botId: bot, user: 'Ada' })),
          badProvider: attempt(init({ organizationId: org, botId: bot, userTokenProvider: 'x' })),
          badServer: attempt(init({ organizationId: org, botId: bot, serverUrl: 'not a url' })),
          emptyToken: attempt(() => hilal.setUserToken('')),
          stillNotStarted: hilal.state().initialized,
        };
      },
      { org: ORG, bot: BOT },
    );
    const notStarted = /^TypeError: HilalChat\.\w+: call HilalChat\.init\(\{ … \}\) first\.$/;
    assert.match(outcomes.openFirst, notStarted);
    assert.match(outcomes.closeFirst, notStarted);
    assert.match(outcomes.tokenFirst, notStarted);
    assert.match(outcomes.logoutFirst, notStarted);
    assert.match(outcomes.nothing, /^TypeError: HilalChat\.init: expected an options object/);
    assert.match(outcomes.empty, /^TypeError: HilalChat\.init: organizationId must be/);
    assert.match(
      outcomes.noBot,
      /^TypeError: HilalChat\.init: botId must be a string like "bot_…"/,
    );
    assert.match(outcomes.badBot, /botId must be/);
    assert.match(outcomes.badToken, /userToken must be a string/);
    assert.match(outcomes.badUser, /user must be an object/);
    assert.match(outcomes.badProvider, /userTokenProvider must be a function/);
    assert.match(outcomes.badServer, /serverUrl must be an absolute URL/);
    assert.match(
      outcomes.emptyToken,
      /^TypeError: HilalChat\.setUserToken: token must be a non-empty string/,
    );
    assert.equal(outcomes.stillNotStarted, false);
    assert.deepEqual(pageErrors, []);
    await page.close();
  });

  test('bad script attributes are reported in the console, never thrown into the page', async () => {
    const { page, pageErrors, consoleErrors } = await open('/bad-attributes');
    assert.deepEqual(pageErrors, []);
    assert.ok(
      consoleErrors.some((text) => text.includes('organizationId must be')),
      consoleErrors.join('\n'),
    );
    assert.equal(await page.evaluate(() => window.HilalChat?.state().initialized), false);
    await page.close();
  });

  test('the stub queues calls made before the script loads; they run in order, errors to the console', async () => {
    const { page, pageErrors, consoleErrors } = await open('/stub-queue');
    await page.waitForFunction(() => window.HilalChat?.state().open);
    const after = await page.evaluate(() => ({
      queued: Reflect.get(window, 'queuedBeforeLoad'),
      frozen: Object.isFrozen(window.HilalChat),
      version: window.HilalChat && 'version' in window.HilalChat ? window.HilalChat.version : null,
      queue: window.HilalChat && 'q' in window.HilalChat,
      state: window.HilalChat?.state(),
    }));
    assert.equal(after.queued, 4, 'the four calls were queued before the script ran');
    assert.equal(after.frozen, true, 'the real API took the place of the stub');
    assert.equal(after.version, '3.0.0');
    assert.equal(after.queue, false);
    assert.equal(after.state?.initialized, true);
    assert.equal(after.state?.open, true);
    assert.deepEqual(pageErrors, [], 'nothing thrown into the page');
    // (Besides these, the browser logs the 404s of this server without a chat API.)
    const reported = consoleErrors.filter((text) => text.startsWith('HilalChat.'));
    assert.equal(reported.length, 2, consoleErrors.join('\n'));
    assert.match(reported[0] ?? '', /^HilalChat\.init: organizationId must be/);
    assert.match(reported[1] ?? '', /^HilalChat\.open: call HilalChat\.init\(\{ … \}\) first\.$/);
    await page.close();
  });

  test('with attributes and no chat API: the launcher still mounts in a shadow root', async () => {
    const { page, pageErrors } = await open('/attributes');
    await page.waitForFunction(() => document.querySelector('hilal-chat')?.shadowRoot);
    const before = await page.evaluate(() => {
      const root = document.querySelector('hilal-chat')?.shadowRoot;
      const launcher = root?.querySelector('button.launcher');
      return {
        label: launcher?.getAttribute('aria-label'),
        // The page styles every button with padding and every div with display: none.
        padding: launcher ? getComputedStyle(launcher).paddingTop : null,
        // Built on first open; if there, hidden.
        panelShown: !(root?.querySelector<HTMLElement>('[role=dialog]')?.hidden ?? true),
        globalStyles: document.querySelectorAll('style').length,
      };
    });
    assert.deepEqual(before, {
      label: 'Open chat',
      padding: '0px',
      panelShown: false,
      globalStyles: 1, // the host page's own
    });

    await page.evaluate(() => window.HilalChat?.open());
    const opened = await page.evaluate(() => {
      const root = document.querySelector('hilal-chat')?.shadowRoot;
      return {
        state: window.HilalChat?.state().open,
        panelHidden: root?.querySelector<HTMLElement>('[role=dialog]')?.hidden,
        focused: root?.activeElement?.getAttribute('aria-label'),
      };
    });
    assert.deepEqual(opened, { state: true, panelHidden: false, focused: 'Message' });

    await page.keyboard.press('Escape');
    assert.equal(await page.evaluate(() => window.HilalChat?.state().open), false);

    // init is idempotent for the same bot, and refuses to switch to another one.
    const again = await page.evaluate(
      async ({ org, bot }) => {
        const hilal = window.HilalChat;
        if (!hilal) throw new Error('no HilalChat');
        await Promise.race([
          hilal.init({ organizationId: org, botId: bot }),
          new Promise((resolve) => setTimeout(resolve, 50)),
        ]);
        let other = 'no error';
        try {
          await hilal.init({ organizationId: org, botId: 'bot_ffffffffffffffffffffffff' });
        } catch (error) {
          other = error instanceof TypeError ? error.message : String(error);
        }
        return { hosts: document.querySelectorAll('hilal-chat').length, other };
      },
      { org: ORG, bot: BOT },
    );
    assert.equal(again.hosts, 1);
    assert.match(again.other, /^HilalChat\.init: already started for bot_0123/);
    assert.deepEqual(pageErrors, []);
    await page.close();
  });
});
