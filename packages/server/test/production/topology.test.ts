// docs/contract.md §8, §11 and issue 10: Hilal as a production deployment runs it. Debian's
// nginx terminates TLS (a self-signed certificate made here) with deploy/nginx/hilal.conf in
// front of two `hilal serve` instances on PostgreSQL and Redis, NODE_ENV=production; the
// widget runs in Chromium on an https host page, and an agent answers through the admin API.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Response } from 'playwright-core';
import { chromium } from 'playwright-core';
import { CHROMIUM, requireChromium } from '../browser/harness.js';
import type { PageGlobals } from '../browser/page-globals.js';
import { createTestEnvironment, type TestEnvironment } from '../support/databases.js';
import { PASSWORD, seedUser } from '../support/sign-in.js';
import { type SeededBot, seedBot } from '../support/test-app.js';
import { signHs256 } from '../support/tokens.js';
import { composeEnvironment, deployCommands, environmentFile } from './deploy-files.js';
import { httpsRequest, openHttpsStream } from './https-client.js';
import {
  type Certificate,
  freePort,
  makeCertificate,
  type NginxProxy,
  NO_NGINX,
  requireNginx,
  startNginx,
} from './nginx-proxy.js';
import {
  hostPort,
  MASTER_KEY,
  type ProductionInstances,
  productionEnvironment,
  startProductionInstances,
} from './production-instances.js';
import { printFigures } from './proof-mode.js';

const AGENT_EMAIL = 'agent@acme.test';
const WAIT_MS = 20_000;
/** Test-only: which instance answered, so the test can tell the agent's from the widget's. */
const UPSTREAM_HEADER = 'x-hilal-upstream';

describe('deploy/: the commands and settings the production suites run', () => {
  it('the Dockerfile, compose.yaml and the systemd units run `hilal migrate` and `hilal serve`', () => {
    assert.deepEqual(
      deployCommands().map((command) => `${command.where}: hilal ${command.hilalArgs.join(' ')}`),
      [
        'Dockerfile CMD: hilal serve',
        'compose.yaml migrate: hilal migrate',
        'compose.yaml hilal-a: hilal serve',
        'compose.yaml hilal-b: hilal serve',
        'systemd/hilal@.service: hilal serve',
        'systemd/hilal-migrate.service: hilal migrate',
      ],
    );
  });

  it('every variable they set, the production suites set too, with the same NODE_ENV and trusted proxy', async () => {
    const env = await createTestEnvironment('sqlite');
    try {
      const environment = productionEnvironment(env);
      for (const [file, settings] of [
        ['systemd/hilal.env.example', environmentFile('systemd/hilal.env.example')],
        ['compose.yaml', composeEnvironment()],
      ] as const) {
        // HILAL_PUBLIC_URL is nginx's address: the topology suite sets it, once nginx has a port.
        const missing = [...settings.keys()].filter(
          (key) => !(key in environment) && key !== 'HILAL_PUBLIC_URL',
        );
        assert.deepEqual(missing, [], `${file} sets variables the suites do not`);
        assert.equal(settings.get('NODE_ENV'), 'production', file);
        assert.equal(
          settings.get('HILAL_TRUSTED_PROXIES'),
          environment.HILAL_TRUSTED_PROXIES,
          file,
        );
      }
    } finally {
      await env.cleanup();
    }
  });
});

describe('production topology: nginx (TLS) → two instances on PostgreSQL and Redis', {
  skip: NO_NGINX,
  timeout: 180_000,
}, () => {
  let env: TestEnvironment;
  let environment: Record<string, string>;
  let certificate: Certificate;
  let workDir: string;
  let instances: ProductionInstances;
  let proxy: NginxProxy;
  let bot: SeededBot;
  let browser: Browser | undefined;
  let hostServer: https.Server | undefined;

  before(async () => {
    requireNginx();
    requireChromium();
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hilal-topology-'));
    certificate = makeCertificate(workDir);
    env = await createTestEnvironment('postgres');
    const httpsPort = await freePort();
    environment = productionEnvironment(env, {
      HILAL_PUBLIC_URL: `https://127.0.0.1:${httpsPort}`,
    });
    instances = await startProductionInstances(
      environment,
      async (services) => {
        bot = await seedBot(services);
        await seedUser(services, AGENT_EMAIL, 'agent', bot.orgId);
      },
      env.config({ HILAL_MASTER_KEY: MASTER_KEY }),
    );
    proxy = await startNginx({
      upstreams: [hostPort(instances.servers[0].url), hostPort(instances.servers[1].url)],
      certificate,
      httpsPort,
      extraHttpsLines: [`add_header X-Hilal-Upstream $upstream_addr always;`],
    });
  });
  after(async () => {
    await browser?.close();
    hostServer?.closeAllConnections();
    await new Promise((resolve) => (hostServer ? hostServer.close(resolve) : resolve(null)));
    await proxy?.stop();
    await instances?.stop();
    await env?.cleanup();
    if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
  });

  it('`hilal migrate` ran first, as the deployment files run it', () => {
    assert.ok(Array.isArray(instances.migrated.applied) && instances.migrated.applied.length > 0);
  });

  it('plain HTTP is refused: nginx sends pages to HTTPS and refuses the API; an instance refuses it directly', async () => {
    const page = await fetch(`${proxy.httpUrl}/app/`, { redirect: 'manual' });
    assert.equal(page.status, 301);
    assert.match(page.headers.get('location') ?? '', /^https:\/\/127\.0\.0\.1\/app\/$/);

    const token = signHs256(bot.secret ?? '', {
      sub: 'u-1',
      exp: Math.floor(Date.now() / 1000) + 600,
    });
    const post = await fetch(`${proxy.httpUrl}/api/widget/verify-jwt`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ orgId: bot.orgId, botId: bot.botId, token }),
    });
    assert.equal(post.status, 403);
    assert.equal(((await post.json()) as { error: string }).error, 'https_required');

    for (const server of instances.servers) {
      const direct = await fetch(
        `${server.url}/api/widget/config?orgId=${bot.orgId}&botId=${bot.botId}`,
      );
      assert.equal(direct.status, 403, 'an instance refuses plain HTTP that no proxy vouched for');
      assert.equal(((await direct.json()) as { error: string }).error, 'https_required');
    }
    assert.doesNotMatch(
      proxy.accessLog(),
      /verify-jwt/,
      'the plain-HTTP POST never reached an instance',
    );

    const viaTls = await httpsRequest(
      `${proxy.httpsUrl}/api/widget/config?orgId=${bot.orgId}&botId=${bot.botId}`,
      certificate.pem,
    );
    assert.equal(viaTls.status, 200, viaTls.text);
    assert.match(String(viaTls.headers['strict-transport-security']), /max-age=\d+/);
  });

  it('a live stream through nginx carries each event the moment it is written', async () => {
    const session = await httpsRequest(`${proxy.httpsUrl}/api/widget/session`, certificate.pem, {
      method: 'POST',
      body: { orgId: bot.orgId, botId: bot.botId },
    });
    assert.equal(session.status, 200, session.text);
    const credential = String(session.json().session);
    const stream = await openHttpsStream(`${proxy.httpsUrl}/api/chat/events`, certificate.pem, {
      authorization: `Bearer ${credential}`,
      accept: 'text/event-stream',
    });
    try {
      const sent = Date.now();
      const post = await httpsRequest(`${proxy.httpsUrl}/api/chat/messages`, certificate.pem, {
        method: 'POST',
        headers: { authorization: `Bearer ${credential}` },
        body: { clientMessageId: 'c-1', text: 'Hello' },
      });
      assert.equal(post.status, 200, post.text);
      // The bot's reply is a few hundred bytes: a buffering proxy would sit on it.
      await stream.waitFor(/"author":"bot"/, 5_000);
      printFigures('topology stream', { first_reply_ms: Date.now() - sent });
    } finally {
      stream.close();
    }
  });

  it('the widget on an https page: verified, chatting, and the agent on the other instance replying', async () => {
    const started = Date.now();
    const hostPage = await serveHostPage(certificate, proxy.httpsUrl, bot);
    hostServer = hostPage.server;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run'],
    });
    const context = await browser.newContext({ ignoreHTTPSErrors: true });
    context.setDefaultTimeout(WAIT_MS);
    const page = await context.newPage();
    const streams: Response[] = [];
    page.on('response', (response) => {
      if (new URL(response.url()).pathname === '/api/chat/events') streams.push(response);
    });
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(String(error)));
    await page.goto(hostPage.url, { waitUntil: 'load' });

    // Verified through nginx: the token went over TLS to whichever instance nginx chose.
    await page.waitForFunction(
      () => (globalThis as unknown as PageGlobals).HilalChat?.state().identity === 'verified',
      undefined,
      { polling: 100 },
    );
    await page.locator('hilal-chat button.launcher').click();
    const input = page.locator('hilal-chat textarea');
    await input.fill('Hello');
    await input.press('Enter');
    const bots = page.locator('hilal-chat li[data-author=bot][data-status=sent] .bubble');
    await bots.first().waitFor();
    assert.match((await bots.first().textContent()) ?? '', /Ada/, 'greeted by the verified name');
    await page.waitForFunction(
      () => (globalThis as unknown as PageGlobals).HilalChat.state().connected,
      undefined,
      { polling: 100 },
    );
    const streamOn = streams.at(-1)?.headers()[UPSTREAM_HEADER];
    assert.ok(streamOn, 'the live stream came through nginx');

    // The agent, through nginx too: replies until one lands on the instance without the stream.
    const login = await httpsRequest(`${proxy.httpsUrl}/api/auth/login`, certificate.pem, {
      method: 'POST',
      body: { email: AGENT_EMAIL, password: PASSWORD },
    });
    assert.equal(login.status, 200, login.text);
    const cookie = String(login.headers['set-cookie']).split(';')[0] ?? '';
    const admin = { cookie, 'x-hilal-csrf': '1' };
    const list = await httpsRequest(`${proxy.httpsUrl}/api/admin/conversations`, certificate.pem, {
      headers: admin,
    });
    assert.equal(list.status, 200, list.text);
    const [conversation] = list.json().conversations as Array<{ id: string; badge: string }>;
    assert.equal(conversation?.badge, 'verified');
    const answeredFrom: string[] = [];
    for (let attempt = 1; attempt <= 4 && !answeredFrom.some((at) => at !== streamOn); attempt++) {
      const text = `An agent here (reply ${attempt})`;
      const reply = await httpsRequest(
        `${proxy.httpsUrl}/api/admin/conversations/${conversation?.id}/messages`,
        certificate.pem,
        { method: 'POST', headers: admin, body: { text } },
      );
      assert.equal(reply.status, 200, reply.text);
      answeredFrom.push(String(reply.headers[UPSTREAM_HEADER]));
      await page.locator('hilal-chat li[data-author=agent] .bubble', { hasText: text }).waitFor();
    }
    assert.ok(
      answeredFrom.some((at) => at !== streamOn),
      `a reply stored by the other instance reached the stream on ${streamOn}: ${answeredFrom}`,
    );
    assert.deepEqual(pageErrors, []);

    const log = proxy.accessLog();
    const upstreams = new Set([...log.matchAll(/upstream=(\S+)/g)].map((match) => match[1]));
    for (const server of instances.servers) {
      assert.ok(upstreams.has(hostPort(server.url)), `nginx sent requests to ${server.url}`);
    }
    printFigures('topology', {
      instances: 2,
      proxied_requests: log.split('\n').filter((line) => line.includes('upstream=')).length,
      stream_on: streamOn,
      agent_replies_from: answeredFrom.join(','),
      seconds: ((Date.now() - started) / 1000).toFixed(1),
    });
  });
});

/** An https host page on its own origin (https://localhost:port) embedding the widget through nginx. */
async function serveHostPage(certificate: Certificate, hilalUrl: string, bot: SeededBot) {
  const token = signHs256(bot.secret ?? '', {
    sub: 'user-42',
    name: 'Ada',
    exp: Math.floor(Date.now() / 1000) + 600,
  });
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Shop</title></head>
<body><h1>Shop</h1><script src="${hilalUrl}/chat_v3.js" data-org-id="${bot.orgId}"
data-bot-id="${bot.botId}" data-user-token="${token}"></script></body></html>`;
  const server = https.createServer(
    { cert: certificate.pem, key: certificate.keyPem },
    (_, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { server, url: `https://localhost:${port}/shop` };
}
