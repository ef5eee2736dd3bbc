import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createChatbot } from '../src/bots/chatbots-repository.js';
import { signHs256 } from '../src/identity/sign-hs256.js';
import { PENDING_SECRET_LIFETIME_MS } from '../src/secrets/widget-secret.js';
import { DIALECTS } from './support/databases.js';
import { PASSWORD, seedUser, signIn } from './support/sign-in.js';
import { openStream } from './support/sse.js';
import { type SeededBot, seedBot, startTestApp, type TestApp } from './support/test-app.js';
import { WidgetClient } from './support/widget-client.js';

// docs/contract.md §3, zero-gap rotation: while a regenerated secret is pending its tokens verify
// too; Save makes it the only one, Cancel and its 24th hour drop it, each at once.

const DAY = PENDING_SECRET_LIFETIME_MS;
const MISMATCH = { verified: false, reason: 'invalid_signature', detail: 'signature_mismatch' };
const sessionEnded = (event: { event: string }) => event.event === 'session_ended';
// A stream that never ends must fail its test, not hang the run.
const WITHIN = { timeout: 20_000 };

for (const dialect of DIALECTS) {
  describe(`zero-gap rotation through the API, with an injected clock (${dialect})`, () => {
    let t: TestApp;
    let url: string;
    let orgId: string;
    let clock = Date.now();
    let cookie: string | undefined;

    before(async () => {
      // The periodic stream check runs often, so an advanced clock is noticed at once.
      t = await startTestApp(dialect, {}, { now: () => clock }, { streams: { checkMs: 20 } });
      url = await t.app.listen({ port: 0, host: '127.0.0.1' });
      orgId = (await seedUser(t.services, 'owner@zero-gap.test', 'owner')).orgId;
    });
    after(() => t.close());

    /** Moves the clock; the dashboard session (12 hours) is signed in again when next needed. */
    function setClock(ms: number) {
      clock = ms;
      cookie = undefined;
    }

    async function admin(method: 'GET' | 'POST', path: string) {
      if (cookie === undefined) {
        const res = await signIn(t.app, 'owner@zero-gap.test', PASSWORD);
        assert.equal(res.statusCode, 200, res.body);
        cookie = String(res.headers['set-cookie']).split(';')[0] ?? '';
      }
      return t.app.inject({
        method,
        url: path,
        headers: { cookie, ...(method === 'GET' ? {} : { 'x-hilal-csrf': '1' }) },
      });
    }
    const secretApi = (botId: string, action = '') =>
      `/api/admin/bots/${botId}/secret${action ? `/${action}` : ''}`;

    async function regenerate(botId: string): Promise<{ secret: string; preview: string }> {
      const res = await admin('POST', secretApi(botId, 'regenerate'));
      assert.equal(res.statusCode, 200, res.body);
      return res.json();
    }

    /** A bot in the owner's organization, with a saved secret unless `withSecret` is false. */
    async function freshBot(withSecret = true): Promise<SeededBot & { secret: string }> {
      const bot = await createChatbot(t.services.db, orgId, 'Support', clock);
      const secret = withSecret
        ? (await t.services.secrets.rotate(orgId, bot.id, 'test')).secret
        : 'never-saved';
      return { orgId, botId: bot.id, secret };
    }

    const tokenFor = (secret: string, sub = 'u-1') =>
      signHs256(secret, { sub, name: 'Sami', exp: Math.floor(clock / 1000) + 600 });
    const verify = (botId: string, token: string) =>
      t.app.inject({
        method: 'POST',
        url: '/api/widget/verify-jwt',
        payload: { orgId, botId, token },
      });

    /** A browser whose widget verified `token`: its session was made with that token's secret. */
    async function verifiedVisitor(bot: SeededBot, token: string) {
      const visitor = new WidgetClient(t.app, bot);
      const res = await visitor.verify(token);
      assert.equal(res.statusCode, 200, res.body);
      return visitor;
    }
    const identityOf = async (visitor: WidgetClient) => (await visitor.history()).json().identity;

    async function endedWith(stream: Awaited<ReturnType<typeof openStream>>, reason: string) {
      const event = await stream.waitFor(sessionEnded);
      assert.deepEqual(JSON.parse(event.data), { reason });
      await stream.ended;
    }

    it(
      "a pending secret's tokens verify beside the active one's; status shows its masked preview and expiry, never the secret",
      WITHIN,
      async () => {
        const bot = await freshBot();
        const regeneratedAt = clock;
        const { secret: pending, preview } = await regenerate(bot.botId);
        assert.equal((await verify(bot.botId, tokenFor(bot.secret))).statusCode, 200);
        const res = await verify(bot.botId, tokenFor(pending));
        assert.equal(res.statusCode, 200, res.body);
        assert.equal(res.json().verified, true);

        const status = await admin('GET', secretApi(bot.botId));
        assert.equal(status.statusCode, 200);
        assert.deepEqual(status.json(), {
          state: 'own',
          preview: `••••${bot.secret.slice(-4)}`,
          rotatedAt: status.json().rotatedAt,
          rotatedBy: 'test',
          pending: true,
          pendingPreview: preview,
          pendingExpiresAt: regeneratedAt + DAY,
        });
        assert.equal(preview, `••••${pending.slice(-4)}`);
        for (const secret of [pending, bot.secret]) {
          assert.ok(!status.body.includes(secret.slice(0, 12)));
          assert.ok(!status.body.includes(secret.slice(-5)));
        }
      },
    );

    it(
      'Save: the old secret fails at once, the pending one verifies; its sessions stay verified, the old one’s turn anonymous',
      WITHIN,
      async () => {
        const bot = await freshBot();
        const oldUser = await verifiedVisitor(bot, tokenFor(bot.secret, 'old-user'));
        const oldStream = await openStream(url, oldUser.session ?? '');
        const { secret: pending } = await regenerate(bot.botId);
        const newUser = await verifiedVisitor(bot, tokenFor(pending, 'new-user'));
        const newStream = await openStream(url, newUser.session ?? '');

        const saved = await admin('POST', secretApi(bot.botId, 'save'));
        assert.equal(saved.statusCode, 200, saved.body);
        assert.equal(saved.json().preview, `••••${pending.slice(-4)}`);
        assert.equal(saved.json().pending, false);
        assert.equal(saved.json().pendingPreview, null);

        const old = await verify(bot.botId, tokenFor(bot.secret));
        assert.equal(old.statusCode, 401);
        assert.deepEqual(old.json(), MISMATCH);
        assert.equal((await verify(bot.botId, tokenFor(pending))).statusCode, 200);

        assert.equal(await identityOf(oldUser), 'anonymous');
        assert.equal(await identityOf(newUser), 'verified');
        await endedWith(oldStream, 'secret_changed');
        // The pending secret's session carries on as verified, its stream open.
        const sent = await newUser.send('still verified');
        assert.equal(sent.statusCode, 200, sent.body);
        assert.equal(sent.headers['x-hilal-identity-source'], 'verified');
        await newStream.waitFor(
          (e) => e.event === 'message' && JSON.parse(e.data).text === 'still verified',
        );
        assert.equal(newStream.events.filter(sessionEnded).length, 0);
        newStream.close();
      },
    );

    it(
      'Cancel: the pending secret’s tokens fail at once and its sessions end; the active one carries on',
      WITHIN,
      async () => {
        const bot = await freshBot();
        const oldUser = await verifiedVisitor(bot, tokenFor(bot.secret, 'old-user'));
        const { secret: pending } = await regenerate(bot.botId);
        const pendingUser = await verifiedVisitor(bot, tokenFor(pending, 'pending-user'));
        assert.equal(await identityOf(pendingUser), 'verified');
        const stream = await openStream(url, pendingUser.session ?? '');

        const cancelled = await admin('POST', secretApi(bot.botId, 'cancel'));
        assert.equal(cancelled.statusCode, 200, cancelled.body);
        assert.equal(cancelled.json().preview, `••••${bot.secret.slice(-4)}`);
        assert.equal(cancelled.json().pending, false);
        assert.equal(cancelled.json().pendingPreview, null);
        assert.equal(cancelled.json().pendingExpiresAt, null);

        const res = await verify(bot.botId, tokenFor(pending));
        assert.equal(res.statusCode, 401);
        assert.deepEqual(res.json(), MISMATCH);
        assert.equal((await verify(bot.botId, tokenFor(bot.secret))).statusCode, 200);

        await endedWith(stream, 'secret_changed');
        assert.equal(await identityOf(pendingUser), 'anonymous');
        const sent = await pendingUser.send('who am I now?');
        assert.equal(sent.headers['x-hilal-identity-source'], 'anonymous');
        assert.equal(await identityOf(oldUser), 'verified');
      },
    );

    it(
      'a pending secret not saved within 24 hours is dropped: its tokens fail, its sessions end, status shows none',
      WITHIN,
      async () => {
        const bot = await freshBot();
        const regeneratedAt = clock;
        const { secret: pending } = await regenerate(bot.botId);

        setClock(regeneratedAt + DAY - 1);
        // On SQLite this also caches the pending key: its expiry must not be frozen in the cache.
        const user = await verifiedVisitor(bot, tokenFor(pending, 'late-user'));
        const stream = await openStream(url, user.session ?? '');

        setClock(regeneratedAt + DAY + 1);
        const res = await verify(bot.botId, tokenFor(pending));
        assert.equal(res.statusCode, 401);
        assert.deepEqual(res.json(), MISMATCH);
        assert.equal((await verify(bot.botId, tokenFor(bot.secret))).statusCode, 200);
        await endedWith(stream, 'secret_changed');
        assert.equal(await identityOf(user), 'anonymous');

        const status = await admin('GET', secretApi(bot.botId));
        assert.equal(status.json().pending, false);
        assert.equal(status.json().pendingPreview, null);
        assert.equal(status.json().pendingExpiresAt, null);
        for (const action of ['save', 'cancel']) {
          const late = await admin('POST', secretApi(bot.botId, action));
          assert.equal(late.statusCode, 409, action);
          assert.equal(late.json().error, 'no_pending_secret');
        }
        assert.equal((await verify(bot.botId, tokenFor(bot.secret))).statusCode, 200);
      },
    );

    it(
      'with no secret of its own and no fallback, a pending secret’s tokens verify (not not_configured)',
      WITHIN,
      async () => {
        const bot = await freshBot(false);
        const before = await verify(bot.botId, tokenFor('any secret at all'));
        assert.equal(before.json().reason, 'not_configured');

        const { secret: pending } = await regenerate(bot.botId);
        assert.equal((await verify(bot.botId, tokenFor(pending))).statusCode, 200);
        assert.deepEqual((await verify(bot.botId, tokenFor('another secret'))).json(), MISMATCH);
        const status = (await admin('GET', secretApi(bot.botId))).json();
        assert.equal(status.state, 'not_configured');
        assert.equal(status.pending, true);

        assert.equal((await admin('POST', secretApi(bot.botId, 'cancel'))).statusCode, 200);
        assert.equal((await verify(bot.botId, tokenFor(pending))).json().reason, 'not_configured');
      },
    );

    it(
      'a second Regenerate replaces the first pending secret: its tokens fail and its sessions end',
      WITHIN,
      async () => {
        const bot = await freshBot();
        const { secret: first } = await regenerate(bot.botId);
        const user = await verifiedVisitor(bot, tokenFor(first));
        const { secret: second } = await regenerate(bot.botId);
        assert.deepEqual((await verify(bot.botId, tokenFor(first))).json(), MISMATCH);
        assert.equal((await verify(bot.botId, tokenFor(second))).statusCode, 200);
        assert.equal(await identityOf(user), 'anonymous');
      },
    );

    it('plain regenerate and save at once still ends the old secret at once', WITHIN, async () => {
      const bot = await freshBot();
      const user = await verifiedVisitor(bot, tokenFor(bot.secret));
      // The command line's `bot secret regenerate` without --pending.
      const { secret: rotated } = await t.services.secrets.rotate(orgId, bot.botId, 'cli');
      assert.deepEqual((await verify(bot.botId, tokenFor(bot.secret))).json(), MISMATCH);
      assert.equal((await verify(bot.botId, tokenFor(rotated))).statusCode, 200);
      assert.equal(await identityOf(user), 'anonymous');

      // The dashboard's Regenerate then Save, back to back.
      const { secret: next } = await regenerate(bot.botId);
      assert.equal((await admin('POST', secretApi(bot.botId, 'save'))).statusCode, 200);
      assert.deepEqual((await verify(bot.botId, tokenFor(rotated))).json(), MISMATCH);
      assert.equal((await verify(bot.botId, tokenFor(next))).statusCode, 200);
    });
  });
}

describe('a stream verified with a pending secret ends at its 24th hour, to the millisecond', () => {
  let t: TestApp;
  let url: string;
  let offset = 0;

  before(async () => {
    // A clock that runs, and a periodic check far beyond the test: only the stream's own timer,
    // set for the pending secret's expiry, can end it.
    t = await startTestApp(
      'sqlite',
      {},
      { now: () => Date.now() + offset },
      { streams: { checkMs: 600_000 } },
    );
    url = await t.app.listen({ port: 0, host: '127.0.0.1' });
  });
  after(() => t.close());

  it(
    'ends with session_ended when the pending secret expires, though the token is still valid',
    WITHIN,
    async () => {
      const bot = await seedBot(t.services);
      // Read before: the pending secret's 24 hours start inside regenerate, not after it returns.
      const regeneratedAt = t.services.now();
      const { secret: pending } = await t.services.secrets.regenerate(bot.orgId, bot.botId, 'test');
      offset += DAY - 400; // 400 ms of the pending secret's 24 hours are left
      const visitor = new WidgetClient(t.app, { ...bot, secret: pending });
      const nowS = Math.floor(t.services.now() / 1000);
      assert.equal(
        (await visitor.verify(signHs256(pending, { sub: 'u', exp: nowS + 600 }))).statusCode,
        200,
      );
      const stream = await openStream(url, visitor.session ?? '');
      const event = await stream.waitFor(sessionEnded);
      assert.deepEqual(JSON.parse(event.data), { reason: 'secret_changed' });
      assert.ok(t.services.now() >= regeneratedAt + DAY, 'not before the 24th hour');
      await stream.ended;
    },
  );
});
