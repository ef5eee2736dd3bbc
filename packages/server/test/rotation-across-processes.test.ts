import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { hashPassword } from '../src/accounts/password-hash.js';
import { createUser } from '../src/accounts/users-repository.js';
import { openServices } from '../src/services.js';
import { createTestEnvironment, type TestEnvironment } from './support/databases.js';
import { runHilal } from './support/run-hilal.js';
import { type ServerProcess, startServerProcess } from './support/server-process.js';
import { type SeededBot, seedBot } from './support/test-app.js';
import { signHs256 } from './support/tokens.js';

const MASTER_KEY = 'ab'.repeat(32);

async function verifyOver(server: ServerProcess, bot: SeededBot, token: string) {
  const res = await fetch(`${server.url}/api/widget/verify-jwt`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ orgId: bot.orgId, botId: bot.botId, token }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const tokenFor = (secret: string) =>
  signHs256(secret, { sub: 'u-1', exp: Math.floor(Date.now() / 1000) + 600 });

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
});
