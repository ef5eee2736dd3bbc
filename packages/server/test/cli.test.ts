import assert from 'node:assert/strict';
import { type ChildProcessByStdio, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { after, describe, it, type TestContext } from 'node:test';
import { createOrganization, findOrganization } from '../src/accounts/organizations-repository.js';
import { verifyPassword } from '../src/accounts/password-hash.js';
import { findUserByEmail } from '../src/accounts/users-repository.js';
import { createChatbot, findChatbot } from '../src/bots/chatbots-repository.js';
import { type CliIo, main } from '../src/cli/main.js';
import { signHs256 } from '../src/identity/sign-hs256.js';
import { VERIFY_DETAILS } from '../src/identity/verify-reasons.js';
import { verifyWidgetToken } from '../src/identity/verify-widget-token.js';
import { PENDING_SECRET_LIFETIME_MS } from '../src/secrets/widget-secret.js';
import { type AppServices, openServices } from '../src/services.js';
import {
  createTestEnvironment,
  DIALECTS,
  type TestDialect,
  type TestEnvironment,
} from './support/databases.js';
import { HILAL_BIN_PATH, type HilalRun, runHilal, runHilalJson } from './support/run-hilal.js';

const UNREACHABLE_POSTGRES = 'postgres://root@127.0.0.1:1/x';
const FAIL_FAST_MS = 10_000;
const JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/** Looks at the database the command line wrote to, through the server's own services. */
async function inspect<T>(
  env: TestEnvironment,
  use: (services: AppServices) => Promise<T>,
  overrides: Record<string, string> = {},
): Promise<T> {
  const services = await openServices(env.config(overrides), { flushIntervalMs: 0 });
  try {
    return await use(services);
  } finally {
    await services.close();
  }
}

/** A failed run: the exit code, nothing on stdout, and a `hilal: …` message on stderr. */
function assertFails(run: HilalRun, code: number, message: RegExp): void {
  assert.equal(run.code, code, `exit code (stderr: ${run.stderr})`);
  assert.equal(run.stdout, '');
  assert.match(run.stderr, /^hilal: /);
  assert.match(run.stderr, message);
}

function decodeSegment(token: string, index: number): Record<string, unknown> {
  const segment = token.split('.')[index] ?? '';
  return JSON.parse(Buffer.from(segment, 'base64url').toString('utf8')) as Record<string, unknown>;
}

const text = (value: unknown): string => {
  assert.equal(typeof value, 'string');
  return value as string;
};

/** A fresh data folder and database for one test, removed when it ends; not even migrated. */
async function freshDatabase(t: TestContext, dialect: TestDialect): Promise<TestEnvironment> {
  const env = await createTestEnvironment(dialect);
  t.after(() => env.cleanup());
  return env;
}

interface WithBot {
  readonly env: TestEnvironment;
  readonly orgId: string;
  readonly botId: string;
}

/**
 * What most tests start from, made for each test alone (so any test runs by itself, in any
 * order): a fresh database with an organization and a bot, made through the services rather
 * than by the commands under test.
 */
async function freshBot(t: TestContext, dialect: TestDialect): Promise<WithBot> {
  const env = await freshDatabase(t, dialect);
  const ids = await inspect(env, async ({ db, now }) => {
    const org = await createOrganization(db, 'Acme Inc.', now());
    const bot = await createChatbot(db, org.id, 'Support', now());
    return { orgId: org.id, botId: bot.id };
  });
  return { env, ...ids };
}

for (const dialect of DIALECTS) {
  describe(`hilal command line, main flows on ${dialect}`, () => {
    it('migrate applies every migration on a fresh database, then none', async (t) => {
      const env = await freshDatabase(t, dialect);
      const first = await runHilalJson(['migrate'], env.env());
      assert.ok(Array.isArray(first.applied));
      assert.equal((first.applied as unknown[])[0], '001-identity-core');
      assert.deepEqual(await runHilalJson(['migrate'], env.env()), { applied: [] });
    });

    it('org create prints the new organization id', async (t) => {
      const env = await freshDatabase(t, dialect);
      const result = await runHilalJson(['org', 'create', '--name', 'Acme Inc.'], env.env());
      assert.deepEqual(Object.keys(result), ['id']);
      const orgId = text(result.id);
      assert.match(orgId, /^org_[0-9a-f]{24}$/);
      const stored = await inspect(env, ({ db }) => findOrganization(db, orgId));
      assert.deepEqual(stored, { id: orgId, name: 'Acme Inc.' });
    });

    it('user create takes the password from HILAL_PASSWORD and stores only its hash', async (t) => {
      const { env, orgId } = await freshBot(t, dialect);
      const result = await runHilalJson(
        ['user', 'create', '--org', orgId, '--email', 'Owner@Acme.test', '--role', 'owner'],
        env.env({ HILAL_PASSWORD: 'correct horse battery' }),
      );
      assert.match(text(result.id), /^usr_[0-9a-f]{24}$/);
      const user = await inspect(env, ({ db }) => findUserByEmail(db, 'owner@acme.test'));
      assert.equal(user?.id, result.id);
      assert.equal(user?.organization_id, orgId);
      assert.equal(user?.role, 'owner');
      assert.ok(!user?.password_hash.includes('correct horse battery'));
      assert.equal(await verifyPassword('correct horse battery', user?.password_hash ?? ''), true);
    });

    it('user create takes the password from standard input, without its line break', async (t) => {
      const { env, orgId } = await freshBot(t, dialect);
      const result = await runHilalJson(
        ['user', 'create', '--org', orgId, '--email', 'agent@acme.test', '--role', 'agent'],
        env.env(),
        { input: 'piped password\n' },
      );
      const user = await inspect(env, ({ db }) => findUserByEmail(db, 'agent@acme.test'));
      assert.equal(user?.id, result.id);
      assert.equal(user?.role, 'agent');
      assert.equal(await verifyPassword('piped password', user?.password_hash ?? ''), true);
    });

    it('bot create prints the bot id and its organization', async (t) => {
      const { env, orgId } = await freshBot(t, dialect);
      const result = await runHilalJson(
        ['bot', 'create', '--org', orgId, '--name', 'Sales'],
        env.env(),
      );
      assert.deepEqual(Object.keys(result), ['id', 'orgId']);
      const botId = text(result.id);
      assert.match(botId, /^bot_[0-9a-f]{24}$/);
      assert.equal(result.orgId, orgId);
      const bot = await inspect(env, ({ db }) => findChatbot(db, orgId, botId));
      assert.equal(bot?.name, 'Sales');
    });

    it('bot secret regenerate prints a new secret once and makes it the active one', async (t) => {
      const { env, orgId, botId } = await freshBot(t, dialect);
      const first = await runHilalJson(['bot', 'secret', 'regenerate', botId], env.env());
      assert.deepEqual(Object.keys(first), ['secret', 'preview']);
      const secret = text(first.secret);
      assert.match(secret, /^[0-9a-f]{64}$/);
      assert.equal(first.preview, `••••${secret.slice(-4)}`);

      await inspect(env, async ({ db, secrets, signingKeys }) => {
        const status = await secrets.status(orgId, botId);
        assert.equal(status.state, 'own');
        assert.equal(status.preview, first.preview);
        assert.equal(status.rotatedBy, 'cli');
        const signing = await signingKeys.resolve(orgId, botId);
        assert.deepEqual(signing?.key, Buffer.from(secret, 'utf8'));
        // docs/contract.md §3: encrypted at rest; the plaintext is nowhere in the table.
        const rows = await db.selectFrom('widget_secrets').selectAll().execute();
        assert.ok(rows.length > 0);
        assert.ok(!JSON.stringify(rows).includes(secret));
      });

      // Generates and saves at once: the previous secret stops verifying immediately.
      const second = await runHilalJson(['bot', 'secret', 'regenerate', botId], env.env());
      assert.notEqual(second.secret, secret);
      const signing = await inspect(env, ({ signingKeys }) => signingKeys.resolve(orgId, botId));
      assert.deepEqual(signing?.key, Buffer.from(text(second.secret), 'utf8'));
    });

    it('bot secret clear prints {"configured":false}, with or without the environment fallback', async (t) => {
      const { env, orgId, botId } = await freshBot(t, dialect);
      await inspect(env, ({ secrets }) => secrets.rotate(orgId, botId, 'test'));
      assert.equal(
        (await inspect(env, ({ secrets }) => secrets.status(orgId, botId))).state,
        'own',
      );
      const run = await runHilal(['bot', 'secret', 'clear', botId], env.env());
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.stdout, '{"configured":false}\n');
      const status = await inspect(env, ({ secrets }) => secrets.status(orgId, botId));
      assert.equal(status.state, 'not_configured');

      await runHilalJson(['bot', 'secret', 'regenerate', botId], env.env());
      const fallback = { WIDGET_JWT_HMAC_SECRET: 'f'.repeat(64) };
      const withFallback = await runHilal(['bot', 'secret', 'clear', botId], env.env(fallback));
      assert.equal(withFallback.code, 0, withFallback.stderr);
      assert.equal(withFallback.stdout, '{"configured":false}\n');
      assert.match(withFallback.stderr, /WIDGET_JWT_HMAC_SECRET is set/);
      assert.ok(!withFallback.stderr.includes(fallback.WIDGET_JWT_HMAC_SECRET));
      const after = await inspect(env, ({ secrets }) => secrets.status(orgId, botId), fallback);
      assert.equal(after.state, 'environment');
    });

    it('bot secret regenerate --pending keeps the old secret until save; save and cancel print the status', async (t) => {
      const { env, orgId, botId } = await freshBot(t, dialect);
      const active = await runHilalJson(['bot', 'secret', 'regenerate', botId], env.env());
      const keysNow = () => inspect(env, ({ signingKeys }) => signingKeys.resolve(orgId, botId));

      const run = await runHilal(['bot', 'secret', 'regenerate', botId, '--pending'], env.env());
      assert.equal(run.code, 0, run.stderr);
      const pending = JSON.parse(run.stdout) as Record<string, unknown>;
      assert.deepEqual(Object.keys(pending), ['secret', 'preview', 'pending']);
      assert.equal(pending.pending, true);
      assert.match(text(pending.secret), /^[0-9a-f]{64}$/);
      assert.equal(pending.preview, `••••${text(pending.secret).slice(-4)}`);
      assert.match(run.stderr, /note: both secrets verify until "hilal bot secret save bot_/);
      assert.ok(!run.stderr.includes(text(pending.secret)));
      // Both verify: the old one is still the active key, the new one the pending key.
      let keys = await keysNow();
      assert.deepEqual(keys?.key, Buffer.from(text(active.secret), 'utf8'));
      assert.deepEqual(keys?.pending?.key, Buffer.from(text(pending.secret), 'utf8'));

      const cancelled = await runHilalJson(['bot', 'secret', 'cancel', botId], env.env());
      assert.deepEqual(cancelled, {
        state: 'own',
        preview: active.preview,
        rotatedAt: cancelled.rotatedAt,
        rotatedBy: 'cli',
        pending: false,
        pendingPreview: null,
        pendingExpiresAt: null,
      });
      keys = await keysNow();
      assert.deepEqual(keys?.key, Buffer.from(text(active.secret), 'utf8'));
      assert.equal(keys?.pending, undefined);

      const next = await runHilalJson(
        ['bot', 'secret', 'regenerate', botId, '--pending'],
        env.env(),
      );
      const saved = await runHilalJson(['bot', 'secret', 'save', botId], env.env());
      assert.equal(saved.state, 'own');
      assert.equal(saved.preview, next.preview);
      assert.equal(saved.pending, false);
      keys = await keysNow();
      assert.deepEqual(keys?.key, Buffer.from(text(next.secret), 'utf8'));
      assert.equal(keys?.pending, undefined);

      for (const action of ['save', 'cancel']) {
        assertFails(
          await runHilal(['bot', 'secret', action, botId], env.env()),
          1,
          new RegExp(
            `bot "${botId}" has no pending secret: make one with "hilal bot secret regenerate ${botId} --pending"`,
          ),
        );
      }
    });

    it('token check prints the verdict, its fix, the decoded header and claims, and afterSave while a secret is pending', async (t) => {
      const { env, botId } = await freshBot(t, dialect);
      const secret = text(
        (await runHilalJson(['bot', 'secret', 'regenerate', botId], env.env())).secret,
      );
      const nowS = Math.floor(Date.now() / 1000);
      const iso = (seconds: number) => new Date(seconds * 1000).toISOString();
      const header = { alg: 'HS256', typ: 'JWT' };
      const check = async (token: string, overrides: Record<string, string> = {}) => {
        const run = await runHilal(['token', 'check', botId], env.env(overrides), {
          input: `${token}\n`,
        });
        // The verdict is the output, good or bad: exit 0, nothing on stderr, never the token.
        assert.equal(run.code, 0, run.stderr);
        assert.equal(run.stderr, '');
        assert.ok(!run.stdout.includes(token.split('.')[2] ?? token), 'no signature');
        return JSON.parse(run.stdout) as Record<string, unknown>;
      };

      const goodClaims = { sub: 'user-1', name: 'Ada', iat: nowS, exp: nowS + 600 };
      const good = signHs256(secret, goodClaims);
      assert.deepEqual(await check(good), {
        verified: true,
        header,
        claims: goodClaims,
        times: { exp: iso(nowS + 600), iat: iso(nowS) },
      });

      const expired = signHs256(secret, { sub: 'user-1', exp: nowS - 60 });
      assert.deepEqual(await check(expired), {
        verified: false,
        reason: 'expired',
        detail: 'expired',
        fix: VERIFY_DETAILS.expired.fix,
        header,
        claims: { sub: 'user-1', exp: nowS - 60 },
        times: { exp: iso(nowS - 60) },
      });
      // With the server's WIDGET_JWT_CLOCK_TOLERANCE_S, as verify-jwt would.
      const tolerant = await check(expired, { WIDGET_JWT_CLOCK_TOLERANCE_S: '120' });
      assert.equal(tolerant.verified, true);

      const wrong = await check(signHs256('0'.repeat(64), goodClaims));
      assert.equal(wrong.verified, false);
      assert.equal(wrong.reason, 'invalid_signature');
      assert.equal(wrong.detail, 'signature_mismatch');
      assert.equal(wrong.fix, "Use this bot's current secret, as text (see Troubleshooting).");
      assert.deepEqual(wrong.claims, goodClaims);

      assert.deepEqual(await check('garbage, not a token'), {
        verified: false,
        reason: 'malformed',
        detail: 'segments',
        fix: VERIFY_DETAILS.segments.fix,
        header: null,
        claims: null,
        times: {},
      });

      const pending = text(
        (await runHilalJson(['bot', 'secret', 'regenerate', botId, '--pending'], env.env())).secret,
      );
      const withPending = await check(signHs256(pending, goodClaims));
      assert.equal(withPending.verified, true);
      assert.deepEqual(withPending.afterSave, { verified: true });
      const withOld = await check(good);
      assert.equal(withOld.verified, true);
      assert.deepEqual(withOld.afterSave, {
        verified: false,
        reason: 'invalid_signature',
        detail: 'signature_mismatch',
        fix: "Use this bot's current secret, as text (see Troubleshooting).",
      });

      assertFails(
        await runHilal(['token', 'check', botId], env.env(), { input: '' }),
        1,
        /no token: pass it on standard input/,
      );
    });

    it('an unknown bot or organization names the database the command looked in', async (t) => {
      const { env, botId } = await freshBot(t, dialect);
      let where: string;
      let run: HilalRun;
      if (dialect === 'sqlite') {
        // The bot exists, but the command runs with another HILAL_DATA_DIR: a database of its own.
        const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), 'hilal-elsewhere-'));
        t.after(() => fs.rmSync(elsewhere, { recursive: true, force: true }));
        const { DATABASE_URL: _, ...withoutUrl } = env.env();
        where = `sqlite:${path.join(elsewhere, 'hilal.sqlite')}`;
        run = await runHilal(['bot', 'secret', 'regenerate', botId], {
          ...withoutUrl,
          HILAL_DATA_DIR: elsewhere,
        });
        assertFails(run, 1, /Set HILAL_DATA_DIR \(or DATABASE_URL\) as the server has it/);
      } else {
        const url = new URL(env.databaseUrl);
        url.password = 'hunter2hunter2';
        where = env.databaseUrl.replace('root@', 'root:***@');
        run = await runHilal(['bot', 'secret', 'regenerate', 'bot_000000000000000000000000'], {
          ...env.env({ DATABASE_URL: url.toString() }),
        });
        assertFails(run, 1, /Set DATABASE_URL as the server has it/);
        assert.ok(!run.stderr.includes('hunter2'));
      }
      assert.ok(run.stderr.includes(`unknown bot "`), run.stderr);
      assert.ok(run.stderr.includes(` in the database ${where}.`), run.stderr);

      const org = await runHilal(
        ['bot', 'create', '--org', 'org_000000000000000000000000', '--name', 'B'],
        env.env(),
      );
      assertFails(org, 1, /unknown organization "org_0{24}" in the database /);
      const own =
        dialect === 'sqlite' ? `sqlite:${path.join(env.dataDir, 'hilal.sqlite')}` : env.databaseUrl;
      assert.ok(org.stderr.includes(` in the database ${own}.`), org.stderr);
    });

    it('every command that needs the database fails fast when it is unreachable', async (t) => {
      const { env, botId } = await freshBot(t, dialect);
      const unreachable = env.env({ DATABASE_URL: UNREACHABLE_POSTGRES });
      for (const args of [
        ['migrate'],
        ['org', 'create', '--name', 'X'],
        ['bot', 'secret', 'regenerate', botId],
      ]) {
        const run = await runHilal(args, unreachable, { timeoutMs: FAIL_FAST_MS * 2 });
        assertFails(run, 1, /cannot reach the database at postgres:\/\/root@127\.0\.0\.1:1\/x/);
        assert.ok(run.ms < FAIL_FAST_MS, `took ${run.ms} ms`);
      }
    });
  });
}

describe('hilal command line: usage and errors (SQLite)', () => {
  it('--help lists every command of docs/contract.md §9 on stdout', async (t) => {
    const env = await freshDatabase(t, 'sqlite');
    const run = await runHilal(['--help'], env.env());
    assert.equal(run.code, 0);
    assert.equal(run.stderr, '');
    for (const usage of [
      'hilal serve',
      'hilal migrate',
      'hilal org create --name NAME',
      'hilal user create --org ORG --email EMAIL --role owner|admin|agent',
      'hilal bot create --org ORG --name NAME',
      'hilal bot secret regenerate BOT [--pending]',
      'hilal bot secret save BOT',
      'hilal bot secret cancel BOT',
      'hilal bot secret clear BOT',
      'hilal token check BOT',
      'hilal token --sub SUB [--name NAME] [--email EMAIL] [--ttl SECONDS]',
    ]) {
      assert.ok(run.stdout.includes(usage), usage);
    }
  });

  it('a command with --help prints its own usage, even with a broken configuration', async (t) => {
    const env = await freshDatabase(t, 'sqlite');
    const run = await runHilal(['bot', 'secret', 'regenerate', '--help'], env.env({ PORT: 'x' }));
    assert.equal(run.code, 0);
    assert.match(run.stdout, /hilal bot secret regenerate BOT/);
    assert.doesNotMatch(run.stdout, /hilal org create/);
  });

  it('no command prints the usage on stderr and exits 2', async (t) => {
    const env = await freshDatabase(t, 'sqlite');
    const run = await runHilal([], env.env());
    assertFails(run, 2, /Usage: hilal <command>/);
  });

  it('an unknown command exits 2', async (t) => {
    const env = await freshDatabase(t, 'sqlite');
    assertFails(await runHilal(['frobnicate'], env.env()), 2, /unknown command "frobnicate"/);
    assertFails(await runHilal(['org', 'delete'], env.env()), 2, /unknown command "org delete"/);
    assertFails(await runHilal(['bot'], env.env()), 2, /"hilal bot" needs a subcommand/);
  });

  it('a missing, empty, valueless or unknown flag exits 2 and names the flag', async (t) => {
    const { env, orgId, botId } = await freshBot(t, 'sqlite');
    const cases: Array<[string[], RegExp]> = [
      [['org', 'create'], /missing --name/],
      [['org', 'create', '--name'], /--name needs a value/],
      [['org', 'create', '--name', '--org', 'x'], /--name needs a value/],
      [['org', 'create', '--name', '  '], /--name must not be empty/],
      [['org', 'create', '--name', 'A', '--colour', 'red'], /unknown option --colour/],
      [['org', 'create', '--name', 'A', 'extra'], /takes no arguments besides its options/],
      [['org', 'create', '--name', 'A', '--help=yes'], /--help takes no value/],
      [['bot', 'create', '--name', 'A'], /missing --org/],
      [['bot', 'secret', 'regenerate'], /needs BOT/],
      [['bot', 'secret', 'clear', botId, 'more'], /takes BOT and nothing more/],
      [['user', 'create', '--org', orgId, '--email', 'a@b.test'], /missing --role/],
      [['token', '--name', 'Ada'], /missing --sub/],
    ];
    for (const [args, message] of cases) {
      const run = await runHilal(
        args,
        env.env({ HILAL_PASSWORD: 'long enough', HILAL_SECRET: 's' }),
      );
      assertFails(run, 2, message);
      assert.match(run.stderr, /Run "hilal .*--help" for usage/);
    }
  });

  it('an unknown organization exits 1', async (t) => {
    const env = await freshDatabase(t, 'sqlite');
    for (const org of ['org_000000000000000000000000', 'acme']) {
      assertFails(
        await runHilal(['bot', 'create', '--org', org, '--name', 'B'], env.env()),
        1,
        new RegExp(`unknown organization "${org}"`),
      );
      assertFails(
        await runHilal(
          ['user', 'create', '--org', org, '--email', 'x@acme.test', '--role', 'admin'],
          env.env({ HILAL_PASSWORD: 'long enough' }),
        ),
        1,
        /unknown organization/,
      );
    }
  });

  it('an unknown bot exits 1, naming the database', async (t) => {
    const env = await freshDatabase(t, 'sqlite');
    const commands = [
      ['bot', 'secret', 'regenerate'],
      ['bot', 'secret', 'save'],
      ['bot', 'secret', 'cancel'],
      ['bot', 'secret', 'clear'],
      ['token', 'check'],
    ];
    for (const command of commands) {
      for (const bot of ['bot_000000000000000000000000', 'support']) {
        const run = await runHilal([...command, bot], env.env(), { input: 'a.b.c\n' });
        assertFails(run, 1, new RegExp(`unknown bot "${bot}" in the database sqlite:`));
        assert.ok(run.stderr.includes(path.join(env.dataDir, 'hilal.sqlite')), run.stderr);
      }
    }
  });

  it('user create refuses an invalid role or email with exit 2', async (t) => {
    const { env, orgId } = await freshBot(t, 'sqlite');
    const base = ['user', 'create', '--org', orgId];
    const env2 = env.env({ HILAL_PASSWORD: 'long enough' });
    assertFails(
      await runHilal([...base, '--email', 'a@acme.test', '--role', 'boss'], env2),
      2,
      /--role must be one of owner, admin, agent/,
    );
    assertFails(
      await runHilal([...base, '--email', 'not-an-email', '--role', 'admin'], env2),
      2,
      /--email must be an email address/,
    );
  });

  it('user create refuses a password shorter than 8 characters, and creates nobody', async (t) => {
    const { env, orgId } = await freshBot(t, 'sqlite');
    const args = [
      'user',
      'create',
      '--org',
      orgId,
      '--email',
      'short@acme.test',
      '--role',
      'admin',
    ];
    const fromEnv = await runHilal(args, env.env({ HILAL_PASSWORD: 'seven77' }));
    assertFails(fromEnv, 1, /the password must be at least 8 characters/);
    assert.ok(!fromEnv.stderr.includes('seven77'));
    const fromStdin = await runHilal(args, env.env(), { input: 'seven77\n' });
    assertFails(fromStdin, 1, /at least 8 characters/);
    assert.equal(await inspect(env, ({ db }) => findUserByEmail(db, 'short@acme.test')), undefined);
  });

  it('user create without any password exits 1 and says where one comes from', async (t) => {
    const { env, orgId } = await freshBot(t, 'sqlite');
    const run = await runHilal(
      ['user', 'create', '--org', orgId, '--email', 'none@acme.test', '--role', 'admin'],
      env.env(),
      { input: '' },
    );
    assertFails(run, 1, /no password: set HILAL_PASSWORD or pass it on standard input/);
  });

  it('user create refuses an email that is already taken', async (t) => {
    const { env, orgId } = await freshBot(t, 'sqlite');
    const args = ['user', 'create', '--org', orgId, '--email', 'dup@acme.test', '--role', 'admin'];
    await runHilalJson(args, env.env({ HILAL_PASSWORD: 'long enough' }));
    args[5] = 'DUP@acme.test';
    assertFails(
      await runHilal(args, env.env({ HILAL_PASSWORD: 'long enough' })),
      1,
      /a user with the email "DUP@acme\.test" already exists/,
    );
  });

  it('serve fails fast too when the database is unreachable', async (t) => {
    const env = await freshDatabase(t, 'sqlite');
    const run = await runHilal(
      ['serve'],
      env.env({ DATABASE_URL: UNREACHABLE_POSTGRES, PORT: '0' }),
      {
        timeoutMs: FAIL_FAST_MS * 2,
      },
    );
    assertFails(run, 1, /cannot reach the database/);
    assert.ok(run.ms < FAIL_FAST_MS, `took ${run.ms} ms`);
  });

  it('a database password never appears in the message', async (t) => {
    const env = await freshDatabase(t, 'sqlite');
    const run = await runHilal(
      ['migrate'],
      env.env({ DATABASE_URL: 'postgres://root:hunter2hunter2@127.0.0.1:1/x' }),
    );
    assertFails(run, 1, /cannot reach the database at postgres:\/\/root:\*\*\*@127\.0\.0\.1:1\/x/);
    assert.ok(!run.stderr.includes('hunter2'));
  });

  it('an unreachable Redis fails fast with a clear message', async (t) => {
    const env = await freshDatabase(t, 'sqlite');
    const run = await runHilal(
      ['org', 'create', '--name', 'X'],
      env.env({ REDIS_URL: 'redis://127.0.0.1:1' }),
      { timeoutMs: FAIL_FAST_MS * 2 },
    );
    assertFails(run, 1, /cannot reach Redis at redis:\/\/127\.0\.0\.1:1/);
    assert.ok(run.ms < FAIL_FAST_MS, `took ${run.ms} ms`);
  });

  it('a configuration error exits 78 and names the variable, never its secret value', async (t) => {
    const env = await freshDatabase(t, 'sqlite');
    assertFails(
      await runHilal(['migrate'], env.env({ PORT: 'eighty' })),
      78,
      /configuration error: PORT must be/,
    );
    const badKey = 'not-a-master-key-but-a-secret';
    const run = await runHilal(
      ['org', 'create', '--name', 'X'],
      env.env({ HILAL_MASTER_KEY: badKey }),
    );
    assertFails(run, 78, /configuration error: HILAL_MASTER_KEY/);
    assert.ok(!run.stderr.includes(badKey));
  });

  describe('token', () => {
    const secret = 'c0ffee'.repeat(10).concat('beef');

    it('prints only an HS256 token whose claims verify with the secret', async (t) => {
      const env = await freshDatabase(t, 'sqlite');
      const run = await runHilal(
        ['token', '--sub', 'user-7', '--name', 'Zoë 李', '--email', 'zoe@example.com'],
        env.env({ HILAL_SECRET: secret }),
      );
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.stderr, '');
      const token = run.stdout.trimEnd();
      assert.equal(run.stdout, `${token}\n`);
      assert.match(token, JWS);
      assert.deepEqual(decodeSegment(token, 0), { alg: 'HS256', typ: 'JWT' });
      const payload = decodeSegment(token, 1);
      assert.deepEqual(Object.keys(payload), ['sub', 'name', 'email', 'iat', 'exp']);
      assert.equal(Number(payload.exp) - Number(payload.iat), 600);
      const nowS = Number(payload.iat);
      const result = verifyWidgetToken(token, Buffer.from(secret, 'utf8'), { nowS, toleranceS: 0 });
      assert.ok(result.verified);
      assert.deepEqual(result.claims, { sub: 'user-7', name: 'Zoë 李', email: 'zoe@example.com' });
    });

    it('reads the secret from standard input, and --ttl sets the lifetime', async (t) => {
      const env = await freshDatabase(t, 'sqlite');
      const run = await runHilal(['token', '--sub', 'u', '--ttl', '60'], env.env(), {
        input: `${secret}\n`,
      });
      assert.equal(run.code, 0, run.stderr);
      const token = run.stdout.trim();
      const payload = decodeSegment(token, 1);
      assert.deepEqual(Object.keys(payload), ['sub', 'iat', 'exp']);
      assert.equal(Number(payload.exp) - Number(payload.iat), 60);
      const result = verifyWidgetToken(token, Buffer.from(secret, 'utf8'), {
        nowS: Number(payload.iat),
        toleranceS: 0,
      });
      assert.ok(result.verified);
    });

    it('refuses a bad --ttl, and runs without a secret', async (t) => {
      const env = await freshDatabase(t, 'sqlite');
      for (const ttl of ['0', '-5', 'ten', '1.5', '99999999999']) {
        const run = await runHilal(
          ['token', '--sub', 'u', `--ttl=${ttl}`],
          env.env({ HILAL_SECRET: secret }),
        );
        assertFails(run, 2, /--ttl must be a whole number of seconds/);
        assert.ok(!run.stderr.includes(secret));
      }
      assertFails(
        await runHilal(['token', '--sub', 'u'], env.env(), { input: '' }),
        1,
        /no secret: set HILAL_SECRET or pass it on standard input/,
      );
    });

    it('never echoes a secret or token pasted in the wrong place', async (t) => {
      const { env, botId } = await freshBot(t, 'sqlite');
      const pasted = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1In0.c2lnbmF0dXJlc2lnbmF0dXJl';
      const runs = [
        await runHilal(['token', '--sub', 'u', secret], env.env()),
        await runHilal(['token', '--sub', 'u', `--secret=${secret}`], env.env()),
        await runHilal(['token', `--${secret}`], env.env()),
        await runHilal([pasted], env.env()),
        await runHilal(['bot', 'secret', 'clear', botId, pasted], env.env()),
      ];
      for (const run of runs) {
        assert.notEqual(run.code, 0);
        assert.equal(run.stdout, '');
        assert.ok(!run.stderr.includes(secret), run.stderr);
        assert.ok(!run.stderr.includes(pasted), run.stderr);
        assert.ok(!run.stderr.includes(pasted.split('.')[0] ?? ''), run.stderr);
      }
    });
  });

  it('serve answers verify-jwt with a token from the command line, and stops on SIGTERM', async (t) => {
    const { env, orgId, botId } = await freshBot(t, 'sqlite');
    const { secret } = await runHilalJson(['bot', 'secret', 'regenerate', botId], env.env());
    const token = (
      await runHilal(
        ['token', '--sub', 'user-1', '--name', 'Ada'],
        env.env({ HILAL_SECRET: text(secret) }),
      )
    ).stdout.trim();
    const child = spawn(process.execPath, [HILAL_BIN_PATH, 'serve'], {
      env: env.env({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      const url = await listeningUrl(child);
      const response = await fetch(`${url}/api/widget/verify-jwt`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ orgId, botId, token }),
      });
      assert.equal(response.status, 200);
      const body = (await response.json()) as Record<string, unknown>;
      assert.equal(body.verified, true);
      assert.deepEqual(body.claims, { sub: 'user-1', name: 'Ada' });
    } finally {
      child.kill('SIGTERM');
    }
    assert.equal(await exited, 0);
  });
});

describe('main() in-process', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hilal-cli-'));
  after(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  function capture(extra: Partial<CliIo> = {}) {
    const out: string[] = [];
    const err: string[] = [];
    const io: CliIo = {
      stdout: (chunk) => out.push(chunk),
      stderr: (chunk) => err.push(chunk),
      ...extra,
    };
    return { io, out: () => out.join(''), err: () => err.join('') };
  }

  it('token uses the injected clock and input', async () => {
    const { io, out, err } = capture({
      now: () => 1_800_000_000_500,
      readInput: async () => 'typed-secret\n',
    });
    const code = await main(
      ['token', '--sub', '42', '--ttl', '90'],
      { HILAL_DATA_DIR: dataDir },
      io,
    );
    assert.equal(code, 0, err());
    const token = out().trim();
    assert.deepEqual(decodeSegment(token, 1), {
      sub: '42',
      iat: 1_800_000_000,
      exp: 1_800_000_090,
    });
    const result = verifyWidgetToken(token, Buffer.from('typed-secret', 'utf8'), {
      nowS: 1_800_000_000,
      toleranceS: 0,
    });
    assert.ok(result.verified);
  });

  it('bot secret and token check use the injected clock: a pending secret is dropped at its 24th hour', async () => {
    const start = 1_900_000_000_000;
    let clock = start;
    let input = '';
    const run = async (argv: string[]) => {
      const { io, out, err } = capture({ now: () => clock, readInput: async () => input });
      const code = await main(argv, { HILAL_DATA_DIR: dataDir }, io);
      assert.equal(code, 0, err());
      return JSON.parse(out()) as Record<string, unknown>;
    };
    const orgId = text((await run(['org', 'create', '--name', 'Clock'])).id);
    const botId = text((await run(['bot', 'create', '--org', orgId, '--name', 'B'])).id);
    const active = text((await run(['bot', 'secret', 'regenerate', botId])).secret);
    const pending = text((await run(['bot', 'secret', 'regenerate', botId, '--pending'])).secret);

    clock = start + PENDING_SECRET_LIFETIME_MS - 1;
    input = signHs256(pending, { sub: 'u', exp: Math.floor(clock / 1000) + 60 });
    const late = await run(['token', 'check', botId]);
    assert.equal(late.verified, true);
    assert.deepEqual(late.afterSave, { verified: true });

    clock = start + PENDING_SECRET_LIFETIME_MS + 1;
    input = signHs256(pending, { sub: 'u', exp: Math.floor(clock / 1000) + 60 });
    const dropped = await run(['token', 'check', botId]);
    assert.equal(dropped.verified, false);
    assert.equal(dropped.detail, 'signature_mismatch');
    assert.equal(dropped.afterSave, undefined);
    // The token's own times are judged by the same clock, not the machine's.
    input = signHs256(active, { sub: 'u', exp: Math.floor(start / 1000) + 60 });
    assert.equal((await run(['token', 'check', botId])).detail, 'expired');
  });

  it('returns the exit code instead of exiting', async () => {
    const { io, err } = capture();
    assert.equal(await main(['nope'], { HILAL_DATA_DIR: dataDir }, io), 2);
    assert.match(err(), /unknown command "nope"/);
  });
});

/** The URL `hilal serve` says it listens on (its log line), once it does; rejects if it exits first. */
function listeningUrl(child: ChildProcessByStdio<null, Readable, Readable>): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match?.[1]) resolve(match[1]);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`hilal serve exited with ${code}: ${output}`)));
  });
}
