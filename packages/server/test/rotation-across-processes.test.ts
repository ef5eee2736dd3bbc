import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { hashPassword } from '../src/accounts/password-hash.js';
import { createUser } from '../src/accounts/users-repository.js';
import { openServices } from '../src/services.js';
import { createTestEnvironment, type TestEnvironment } from './support/databases.js';
import { runHilal } from './support/run-hilal.js';
import { type ServerProcess, startServerProcess } from './support/server-process.js';
import { PASSWORD, seedUser, signIn } from './support/sign-in.js';
import { openStream } from './support/sse.js';
import { type SeededBot, seedBot } from './support/test-app.js';
import { signHs256 } from './support/tokens.js';
import { startTwoInstances, type TwoInstances } from './support/two-instances.js';
import { WidgetClient } from './support/widget-client.js';

const MASTER_KEY = 'ab'.repeat(32);

async function verifyOver(server: { url: string }, bot: SeededBot, token: string) {
  const res = await fetch(`${server.url}/api/widget/verify-jwt`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ orgId: bot.orgId, botId: bot.botId, token }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** The identity a widget session holds now on `server`, as its chat history says. */
async function identityOver(server: { url: string }, session: string) {
  const res = await fetch(`${server.url}/api/chat/history`, {
    headers: { authorization: `Bearer ${session}` },
  });
  assert.equal(res.status, 200);
  return ((await res.json()) as { identity: string }).identity;
}

const tokenFor = (secret: string) =>
  signHs256(secret, { sub: 'u-1', exp: Math.floor(Date.now() / 1000) + 600 });
const MISMATCH = { verified: false, reason: 'invalid_signature', detail: 'signature_mismatch' };

/** Seeds a bot with a secret, and an admin, straight into the database the servers will share. */
async function seed(env: TestEnvironment): Promise<SeededBot> {
  const services = await openServices(env.config({ HILAL_MASTER_KEY: MASTER_KEY }), {
    flushIntervalMs: 0,
  });
  try {
    const bot = await seedBot(services);
    const passwordHash = await hashPassword('a long enough password');
    await createUser(
      services.db,
      { organizationId: bot.orgId, email: 'admin@acme.test', passwordHash, role: 'admin' },
      Date.now(),
    );
    return bot;
  } finally {
    await services.close();
  }
}

describe('rotation across processes: two servers on one PostgreSQL database', () => {
  let env: TestEnvironment;
  let bot: SeededBot;
  let first: ServerProcess;
  let second: ServerProcess;

  before(async () => {
    env = await createTestEnvironment('postgres');
    bot = await seed(env);
    [first, second] = await Promise.all([
      startServerProcess(env.env({ HILAL_MASTER_KEY: MASTER_KEY })),
      startServerProcess(env.env({ HILAL_MASTER_KEY: MASTER_KEY })),
    ]);
  });
  after(async () => {
    await Promise.all([first?.stop(), second?.stop()]);
    await env.cleanup();
  });

  it('a save through one server makes the old token fail on the other at its next request', async () => {
    const oldToken = tokenFor(bot.secret ?? '');
    assert.equal(
      (await verifyOver(second, bot, oldToken)).status,
      200,
      'warm: the second server has the old key cached',
    );

    const login = await fetch(`${first.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'admin@acme.test', password: 'a long enough password' }),
    });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const headers = { cookie, 'x-hilal-csrf': '1' };
    const regenerated = await fetch(`${first.url}/api/admin/bots/${bot.botId}/secret/regenerate`, {
      method: 'POST',
      headers,
    });
    const { secret } = (await regenerated.json()) as { secret: string };
    assert.equal((await verifyOver(second, bot, oldToken)).status, 200, 'not saved yet');
    const saved = await fetch(`${first.url}/api/admin/bots/${bot.botId}/secret/save`, {
      method: 'POST',
      headers,
    });
    assert.equal(saved.status, 200);

    const after = await verifyOver(second, bot, oldToken);
    assert.equal(after.status, 401);
    assert.deepEqual(after.body, {
      verified: false,
      reason: 'invalid_signature',
      detail: 'signature_mismatch',
    });
    assert.equal((await verifyOver(second, bot, tokenFor(secret))).status, 200);
    assert.equal((await verifyOver(first, bot, oldToken)).status, 401);
  });
});

describe('rotation across processes: the command line rotates while a SQLite server runs', () => {
  let env: TestEnvironment;
  let bot: SeededBot;
  let server: ServerProcess;

  before(async () => {
    env = await createTestEnvironment('sqlite');
    bot = await seed(env);
    server = await startServerProcess(env.env({ HILAL_MASTER_KEY: MASTER_KEY }));
  });
  after(async () => {
    await server?.stop();
    await env.cleanup();
  });

  it('after `hilal bot secret regenerate`, the old token fails at the next request', async () => {
    const oldToken = tokenFor(bot.secret ?? '');
    assert.equal((await verifyOver(server, bot, oldToken)).status, 200);
    const cli = await runHilal(
      ['bot', 'secret', 'regenerate', bot.botId],
      env.env({ HILAL_MASTER_KEY: MASTER_KEY }),
    );
    assert.equal(cli.code, 0, cli.stderr);
    const { secret, preview } = JSON.parse(cli.stdout) as { secret: string; preview: string };
    assert.match(secret, /^[0-9a-f]{64}$/);
    assert.equal(preview, `••••${secret.slice(-4)}`);

    const after = await verifyOver(server, bot, oldToken);
    assert.equal(after.status, 401);
    assert.equal(after.body.reason, 'invalid_signature');
    assert.equal((await verifyOver(server, bot, tokenFor(secret))).status, 200);
  });

  it('after `hilal bot secret regenerate`, a verified chat session is anonymous at its next request', async () => {
    const env2 = env.env({ HILAL_MASTER_KEY: MASTER_KEY });
    const current = JSON.parse(
      (await runHilal(['bot', 'secret', 'regenerate', bot.botId], env2)).stdout,
    ).secret as string;
    const verified = await verifyOver(server, bot, tokenFor(current));
    const session = verified.body.session as string;
    assert.equal(await identityOver(server, session), 'verified');
    assert.equal(await identityOver(server, session), 'verified', 'warm cache');

    assert.equal((await runHilal(['bot', 'secret', 'regenerate', bot.botId], env2)).code, 0);
    assert.equal(await identityOver(server, session), 'anonymous');
  });

  it('`regenerate --pending` verifies at the next request; `cancel` fails it, `save` fails the old one', async () => {
    const env2 = env.env({ HILAL_MASTER_KEY: MASTER_KEY });
    const active = (
      await runHilal(['bot', 'secret', 'regenerate', bot.botId], env2).then((run) =>
        JSON.parse(run.stdout),
      )
    ).secret as string;
    assert.equal((await verifyOver(server, bot, tokenFor(active))).status, 200, 'warm cache');

    const pendingRun = await runHilal(
      ['bot', 'secret', 'regenerate', bot.botId, '--pending'],
      env2,
    );
    assert.equal(pendingRun.code, 0, pendingRun.stderr);
    const pending = (JSON.parse(pendingRun.stdout) as { secret: string }).secret;
    assert.equal((await verifyOver(server, bot, tokenFor(pending))).status, 200);
    assert.equal((await verifyOver(server, bot, tokenFor(active))).status, 200);

    assert.equal((await runHilal(['bot', 'secret', 'cancel', bot.botId], env2)).code, 0);
    assert.deepEqual((await verifyOver(server, bot, tokenFor(pending))).body, MISMATCH);

    const next = (
      JSON.parse(
        (await runHilal(['bot', 'secret', 'regenerate', bot.botId, '--pending'], env2)).stdout,
      ) as {
        secret: string;
      }
    ).secret;
    assert.equal((await verifyOver(server, bot, tokenFor(next))).status, 200);
    assert.equal((await runHilal(['bot', 'secret', 'save', bot.botId], env2)).code, 0);
    assert.deepEqual((await verifyOver(server, bot, tokenFor(active))).body, MISMATCH);
    assert.equal((await verifyOver(server, bot, tokenFor(next))).status, 200);
  });
});

describe('zero-gap rotation on two instances (PostgreSQL + Redis): they agree at every step', () => {
  let both: TwoInstances;
  before(async () => {
    // A check period far beyond the test: only the news carried by Redis can end a stream.
    both = await startTwoInstances({ appOptions: { streams: { checkMs: 600_000 } } });
  });
  after(() => both?.close());

  it('regenerate on A verifies on B; save on A fails the old one on B at once; cancel on A fails on B and ends its streams', {
    timeout: 20_000,
  }, async () => {
    const { a, b } = both;
    const bot = await seedBot(a.services);
    await seedUser(a.services, 'admin@two.test', 'admin', bot.orgId);
    const login = await signIn(a.app, 'admin@two.test', PASSWORD);
    const cookie = String(login.headers['set-cookie']).split(';')[0] ?? '';
    const onA = async (action: 'regenerate' | 'save' | 'cancel') => {
      const res = await fetch(`${a.url}/api/admin/bots/${bot.botId}/secret/${action}`, {
        method: 'POST',
        headers: { cookie, 'x-hilal-csrf': '1' },
      });
      assert.equal(res.status, 200, action);
      return (await res.json()) as Record<string, unknown>;
    };
    const oldToken = tokenFor(bot.secret ?? '');
    assert.equal((await verifyOver(b, bot, oldToken)).status, 200, 'warm: B knows the old key');

    const { secret: pending } = (await onA('regenerate')) as { secret: string };
    assert.equal((await verifyOver(b, bot, tokenFor(pending))).status, 200, 'pending, on B');
    assert.equal((await verifyOver(b, bot, oldToken)).status, 200, 'the old one still, on B');

    await onA('save');
    const old = await verifyOver(b, bot, oldToken);
    assert.equal(old.status, 401);
    assert.deepEqual(old.body, MISMATCH);
    assert.equal((await verifyOver(b, bot, tokenFor(pending))).status, 200, 'saved, on B');

    const { secret: next } = (await onA('regenerate')) as { secret: string };
    const visitor = new WidgetClient(b.app, { ...bot, secret: next });
    assert.equal((await visitor.verify(tokenFor(next))).statusCode, 200, 'pending, on B');
    const stream = await openStream(b.url, visitor.session ?? '');

    await onA('cancel');
    assert.deepEqual((await verifyOver(b, bot, tokenFor(next))).body, MISMATCH);
    assert.equal((await verifyOver(b, bot, tokenFor(pending))).status, 200, 'the active one');
    const ended = await stream.waitFor((event) => event.event === 'session_ended');
    assert.deepEqual(JSON.parse(ended.data), { reason: 'secret_changed' });
    await stream.ended;
    assert.equal((await visitor.history()).json().identity, 'anonymous');
  });
});
