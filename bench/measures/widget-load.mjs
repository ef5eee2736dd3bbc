// The widget in a real browser (Chromium via playwright-core, as the browser tests run it): a
// host page on one origin embeds chat_v3.js from the Hilal server on another, with a signed-in
// user's token, in a fresh browser context each time (first visit: empty cache and storage).
// - Requests to Hilal until the widget is ready (initialized, live stream connected), and how
//   many are CORS preflights: counted by a proxy in front of the server (counting-proxy.mjs).
// - Main-thread time: the CPU time of the page's renderer main thread, from a Chromium trace
//   (main-thread-time.mjs), until the widget is ready, against the same host page without the
//   widget, interleaved.
import fs from 'node:fs';
import http from 'node:http';
import { chromium } from 'playwright-core';
import { startCountingProxy } from '../support/counting-proxy.mjs';
import { createDatabase } from '../support/databases.mjs';
import { hilalCli, hilalEnv, seedOrganization, startHilal } from '../support/hilal.mjs';
import { mainThreadCpuMs, TRACE_CATEGORIES } from '../support/main-thread-time.mjs';
import { interleave, knob } from '../support/rounds.mjs';
import { summarize } from '../support/stats.mjs';
import { signHs256 } from '../support/tokens.mjs';

const CHROMIUM = process.env.BENCH_CHROMIUM ?? '/usr/bin/chromium';
const LOADS = knob('BENCH_PAGE_LOADS', 3);
const WAIT_MS = 30_000;

export default {
  id: 'widget-load',
  method: `**widget load, Chromium** (\`${CHROMIUM}\`, headless, via playwright-core): a host page on \`http://localhost\` embeds \`chat_v3.js\` from Hilal on \`http://127.0.0.1\` with \`data-user-token\` (a signed-in user), each load in a fresh browser context. Ready = \`HilalChat.state()\` says initialized and connected. Requests: those reaching Hilal (through a counting proxy, preflights included) by then. Main-thread time: the CPU time (thread time, so other work on the machine does not count) of the top-level tasks on the page's renderer main thread in a Chromium trace (category \`toplevel\`) from navigation to ready, less the tasks that evaluate the measure's own polls for ready (\`Runtime.evaluate\`, every 25 ms) and the source positions V8 collects for the stack traces of DevTools' network log (\`V8.CollectSourcePositions\`: Playwright's connection asks for them, a browser without DevTools does not), against the same page without the widget at its \`load\` event; ${LOADS} loads of each per round, alternating one by one (the median and range are over all loads).`,
  async run({ rounds, log }) {
    if (!fs.existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM} (BENCH_CHROMIUM)`);
    const database = await createDatabase('sqlite');
    const env = hilalEnv(database);
    await hilalCli(['migrate'], env);
    const bot = await seedOrganization(env, 'Widget');
    const hilal = await startHilal(env);
    const proxy = await startCountingProxy(hilal.url);
    const pages = { '/blank': page(''), '/widget': '' };
    const host = http.createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      const html =
        path === '/widget'
          ? page(
              `<script src="${proxy.url}/chat_v3.js" data-org-id="${bot.orgId}" data-bot-id="${bot.botId}" data-user-token="${signHs256({ sub: `user-${Math.random()}`, name: 'Ada Lovelace', email: 'ada@example.com' }, bot.secret)}"></script>`,
            )
          : pages[path];
      res.writeHead(html === undefined ? 404 : 200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(html ?? 'not found');
    });
    await new Promise((resolve) => host.listen(0, '127.0.0.1', resolve));
    const hostUrl = `http://localhost:${host.address().port}`;
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
    try {
      const requests = [];
      const targets = [
        { name: 'widget', load: () => loadWidget(browser, `${hostUrl}/widget`, proxy, requests) },
        { name: 'blank', load: () => loadBlank(browser, `${hostUrl}/blank`) },
      ];
      for (const target of targets) await target.load(); // warm-up: Chromium's own start
      requests.length = 0;
      // Page loads are short and noisy: each round is several, alternating one by one.
      const results = await interleave(rounds * LOADS, targets, (target) => target.load(), log);
      const total = requests.map((r) => r.total);
      const preflights = requests.map((r) => r.preflights);
      for (const list of new Set(requests.map((r) => r.list)))
        log(`requests before ready: ${list}`);
      return {
        rows: [
          {
            measure: 'requests to Hilal before the widget is ready',
            unit: 'requests',
            hilal: summarize(total),
            goal: { on: 'hilal', at: 'most', limit: 3 },
          },
          {
            measure: '… of which CORS preflights',
            unit: 'requests',
            hilal: summarize(preflights),
            goal: { on: 'hilal', at: 'most', limit: 0 },
          },
          {
            measure: 'widget main-thread time, Chromium',
            baseline: 'a blank page',
            unit: 'ms',
            hilal: results.widget.mainThreadMs,
            against: results.blank.mainThreadMs,
            vs: 'delta',
            goal: { on: 'vs', at: 'most', limit: 20 },
          },
        ],
      };
    } finally {
      await browser.close();
      host.closeAllConnections();
      await new Promise((resolve) => host.close(resolve));
      await proxy.close();
      await hilal.stop();
      await database.drop();
    }
  },
};

function page(body) {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Host</title></head><body><main><h1>A host page</h1><p>Some text.</p></main>${body}</body></html>`;
}

/** A fresh context and tab, traced from before it navigates (one trace at a time). */
async function open(browser) {
  const context = await browser.newContext();
  context.setDefaultTimeout(WAIT_MS);
  const tab = await context.newPage();
  const cdp = await context.newCDPSession(tab);
  await browser.startTracing(tab, { categories: TRACE_CATEGORIES });
  return { context, tab, cdp };
}

/** Stops the trace; the page's main-thread CPU milliseconds so far. */
async function mainThread(browser) {
  const trace = JSON.parse((await browser.stopTracing()).toString('utf8'));
  return { mainThreadMs: mainThreadCpuMs(trace) };
}

/**
 * Polls `expression` in the page over CDP until it is true. Raw CDP rather than Playwright's
 * waitForFunction, which would first load Playwright's own script into the page and count it.
 */
async function until(cdp, expression) {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const { result } = await cdp.send('Runtime.evaluate', { expression, returnByValue: true });
    if (result.value === true) return;
    if (Date.now() > deadline) throw new Error(`the page never had ${expression}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function loadBlank(browser, url) {
  const { context, tab, cdp } = await open(browser);
  try {
    await tab.goto(url, { waitUntil: 'load' });
    await until(cdp, "document.readyState === 'complete'");
    return await mainThread(browser);
  } finally {
    await context.close();
  }
}

async function loadWidget(browser, url, proxy, requests) {
  const { context, tab, cdp } = await open(browser);
  try {
    const from = proxy.count;
    await tab.goto(url, { waitUntil: 'load' });
    await until(
      cdp,
      'globalThis.HilalChat?.state().initialized === true && HilalChat.state().connected === true',
    );
    const figures = await mainThread(browser);
    const seen = proxy.since(from);
    requests.push({
      total: seen.length,
      preflights: seen.filter((r) => r.method === 'OPTIONS').length,
      list: seen.map((r) => `${r.method} ${r.path.split('?')[0]}`).join(', '),
    });
    return figures;
  } finally {
    await context.close();
  }
}
