import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createOrganization } from '../src/accounts/organizations-repository.js';
import { hashPassword } from '../src/accounts/password-hash.js';
import { createUser } from '../src/accounts/users-repository.js';
import { createChatbot } from '../src/bots/chatbots-repository.js';
import type { Role } from '../src/db/schema.js';
import { effectiveIdentity } from '../src/identity/widget-sessions.js';
import { DIALECTS } from './support/databases.js';
import { type SeededBot, seedBot, startTestApp, type TestApp } from './support/test-app.js';
import { signHs256 } from './support/tokens.js';

const PASSWORD = 'correct horse battery staple';

for (const dialect of DIALECTS) {
  describe(`Widget Security API: regenerate, then save (${dialect})`, () => {
    let t: TestApp;
    let bot: SeededBot;
    const cookies: Partial<Record<Role, string>> = {};

    before(async () => {
      t = await startTestApp(dialect);
      bot = await seedBot(t.services);
      for (const role of ['owner', 'admin', 'agent'] as const) {
        const email = `${role}@acme.test`;
        const passwordHash = await hashPassword(PASSWORD);
        await createUser(
          t.services.db,
          { organizationId: bot.orgId, email, passwordHash, role },
          Date.now(),
        );
        const res = await t.app.inject({
          method: 'POST',
          url: '/api/auth/login',
          payload: { email, password: PASSWORD },
        });
        assert.equal(res.statusCode, 200);
        const setCookie = String(res.headers['set-cookie']);
        assert.match(setCookie, /HttpOnly/);
        assert.match(setCookie, /SameSite=Strict/);
        cookies[role] = setCookie.split(';')[0];
      }
    });
    after(() => t.close());

    const call = (
      method: 'GET' | 'POST' | 'DELETE',
      url: string,
      role: Role | null = 'admin',
      csrf = true,
    ) =>
      t.app.inject({
        method,
        url,
        headers: {
          ...(role ? { cookie: cookies[role] ?? '' } : {}),
          ...(csrf ? { 'x-hilal-csrf': '1' } : {}),
        },
      });
    const verify = (token: string, botId = bot.botId) =>
      t.app.inject({
        method: 'POST',
        url: '/api/widget/verify-jwt',
        payload: { orgId: bot.orgId, botId, token },
      });
    const tokenFor = (secret: string) =>
      signHs256(secret, { sub: 'u-1', exp: Math.floor(Date.now() / 1000) + 600 });

    it('shows the full secret once; afterwards only a masked preview of at most 4 characters', async () => {
      const regenerated = await call('POST', `/api/admin/bots/${bot.botId}/secret/regenerate`);
      assert.equal(regenerated.statusCode, 200);
      const { secret, preview } = regenerated.json();
      assert.match(secret, /^[0-9a-f]{64}$/);
      assert.equal(preview, `••••${secret.slice(-4)}`);
      assert.equal(regenerated.headers['cache-control'], 'no-store');
      const status = await call('GET', `/api/admin/bots/${bot.botId}/secret`);
      assert.equal(status.statusCode, 200);
      assert.ok(!status.body.includes(secret.slice(0, 8)));
      assert.ok(!status.body.includes(secret.slice(-8)));
      assert.equal(status.json().pending, true);
      assert.equal(status.json().pendingPreview, preview);
      assert.equal(status.json().state, 'own');
      const cancelled = await call('POST', `/api/admin/bots/${bot.botId}/secret/cancel`);
      assert.equal(cancelled.statusCode, 200);
      assert.ok(!cancelled.body.includes(secret.slice(-8)));
    });

    it('until Save both secrets verify; after Save the old one fails and the new one verifies', async () => {
      const oldToken = tokenFor(bot.secret ?? '');
      const verified = await verify(oldToken);
      assert.equal(verified.statusCode, 200);
      const session: string = verified.json().session;

      const { secret: newSecret } = (
        await call('POST', `/api/admin/bots/${bot.botId}/secret/regenerate`)
      ).json();
      assert.equal((await verify(oldToken)).statusCode, 200, 'the old secret is still active');
      assert.equal(
        (await verify(tokenFor(newSecret))).statusCode,
        200,
        'docs/contract.md §3, zero-gap rotation: the pending secret verifies too',
      );

      const saved = await call('POST', `/api/admin/bots/${bot.botId}/secret/save`);
      assert.equal(saved.statusCode, 200);
      assert.equal(saved.json().rotatedBy, 'admin@acme.test');
      assert.equal(saved.json().preview, `••••${newSecret.slice(-4)}`);
      assert.equal(saved.json().pending, false);

      const old = await verify(oldToken);
      assert.equal(old.statusCode, 401);
      assert.deepEqual(old.json(), {
        verified: false,
        reason: 'invalid_signature',
        detail: 'signature_mismatch',
      });
      assert.equal((await verify(tokenFor(newSecret))).statusCode, 200);

      // The session that the old secret verified is no longer verified (docs/contract.md §2).
      const stored = await t.services.sessions.find(session, Date.now());
      assert.ok(stored);
      const current = await t.services.signingKeys.resolve(bot.orgId, bot.botId);
      assert.equal(effectiveIdentity(stored, current, Date.now() / 1000), 'anonymous');
    });

    it('Save or Cancel with nothing regenerated → 409 no_pending_secret', async () => {
      for (const action of ['save', 'cancel']) {
        const res = await call('POST', `/api/admin/bots/${bot.botId}/secret/${action}`);
        assert.equal(res.statusCode, 409, action);
        assert.equal(res.json().error, 'no_pending_secret');
      }
    });

    it('Cancel: only owners and admins, with the CSRF header, in their own organization', async () => {
      const url = `/api/admin/bots/${bot.botId}/secret/cancel`;
      const { secret } = (
        await call('POST', `/api/admin/bots/${bot.botId}/secret/regenerate`, 'owner')
      ).json();
      const refused = [
        [await call('POST', url, 'agent'), 403, 'forbidden'],
        [await call('POST', url, 'owner', false), 403, 'forbidden'],
        [await call('POST', url, null), 401, 'unauthorized'],
      ] as const;
      for (const [res, status, error] of refused) {
        assert.equal(res.statusCode, status, res.body);
        assert.equal(res.json().error, error);
      }
      assert.equal(
        (await verify(tokenFor(secret))).statusCode,
        200,
        'a refused Cancel left the pending secret in place',
      );

      const otherOrg = await createOrganization(t.services.db, 'Other', Date.now());
      const foreign = await createChatbot(t.services.db, otherOrg.id, 'Theirs', Date.now());
      await t.services.secrets.regenerate(otherOrg.id, foreign.id, 'test');
      const notFound = await call('POST', `/api/admin/bots/${foreign.id}/secret/cancel`, 'owner');
      assert.equal(notFound.statusCode, 404);
      assert.equal(notFound.json().error, 'bot_not_found');
      assert.equal((await t.services.secrets.status(otherOrg.id, foreign.id)).pending, true);

      const cancelled = await call('POST', url, 'owner');
      assert.equal(cancelled.statusCode, 200);
      assert.equal(cancelled.json().pending, false);
      assert.equal((await verify(tokenFor(secret))).statusCode, 401);
    });

    it('Clear: the bot has no secret of its own; with no fallback that is not_configured', async () => {
      const other = await createChatbot(t.services.db, bot.orgId, 'Temp', Date.now());
      const { secret } = await t.services.secrets.rotate(bot.orgId, other.id, 'test');
      const cleared = await call('DELETE', `/api/admin/bots/${other.id}/secret`);
      assert.equal(cleared.statusCode, 200);
      assert.equal(cleared.json().state, 'not_configured');
      const res = await verify(tokenFor(secret), other.id);
      assert.deepEqual(res.json(), {
        verified: false,
        reason: 'not_configured',
        detail: 'no_secret',
      });
    });

    it('agents may not manage secrets; signed-out users and requests without the CSRF header are refused', async () => {
      assert.equal(
        (await call('POST', `/api/admin/bots/${bot.botId}/secret/regenerate`, 'agent')).statusCode,
        403,
      );
      assert.equal(
        (await call('GET', `/api/admin/bots/${bot.botId}/secret`, null)).statusCode,
        401,
      );
      assert.equal(
        (await call('POST', `/api/admin/bots/${bot.botId}/secret/regenerate`, 'owner', false))
          .statusCode,
        403,
      );
    });

    it("another organization's bot is not found", async () => {
      const otherOrg = await createOrganization(t.services.db, 'Other', Date.now());
      const foreign = await createChatbot(t.services.db, otherOrg.id, 'Theirs', Date.now());
      const res = await call('POST', `/api/admin/bots/${foreign.id}/secret/regenerate`, 'owner');
      assert.equal(res.statusCode, 404);
      assert.equal(res.json().error, 'bot_not_found');
    });

    it('a wrong password → 401 invalid_credentials', async () => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { email: 'owner@acme.test', password: 'wrong' },
      });
      assert.equal(res.statusCode, 401);
      assert.equal(res.json().error, 'invalid_credentials');
    });
  });
}
