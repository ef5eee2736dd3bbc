import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createWidgetSessions, SESSION_LIFETIME_MS } from '../src/identity/widget-sessions.js';
import { type SeededBot, seedBot, startTestApp, type TestApp } from './support/test-app.js';

describe('sealed widget sessions', () => {
  let t: TestApp;
  let bot: SeededBot;
  before(async () => {
    t = await startTestApp('sqlite');
    bot = await seedBot(t.services);
  });
  after(() => t.close());

  const fields = () => ({
    organizationId: bot.orgId,
    chatbotId: bot.botId,
    visitorId: 'vis_1',
    identity: 'verified' as const,
    sub: 'user-9',
    name: 'Zoë 李',
    email: 'zoe@example.com',
    secretRef: 'wsk_1',
    verifiedUntil: 2_000_000_000,
  });

  it('gives back exactly what was sealed, and reveals none of it in the credential', async () => {
    const now = Date.now();
    const { credential, id } = t.services.sessions.issue(fields(), now);
    assert.ok(
      !credential.includes('user-9') &&
        !Buffer.from(credential, 'base64url').toString('latin1').includes('user-9'),
    );
    const session = await t.services.sessions.find(credential, now);
    assert.deepEqual(session, {
      id,
      ...fields(),
      expiresAt: now + SESSION_LIFETIME_MS,
      familyId: id,
    });
  });

  it('refuses a tampered, foreign, expired or revoked credential', async () => {
    const now = Date.now();
    const { credential } = t.services.sessions.issue(fields(), now);
    const flipped = `${credential.slice(0, 20)}${credential[20] === 'A' ? 'B' : 'A'}${credential.slice(21)}`;
    assert.equal(await t.services.sessions.find(flipped, now), undefined);
    const foreign = createWidgetSessions(t.services.db, Buffer.alloc(32, 9)).issue(fields(), now);
    assert.equal(await t.services.sessions.find(foreign.credential, now), undefined);
    assert.equal(await t.services.sessions.find(credential, now + SESSION_LIFETIME_MS), undefined);
    assert.equal(await t.services.sessions.find('hws_short', now), undefined);
    const session = await t.services.sessions.find(credential, now);
    assert.ok(session);
    await t.services.sessions.endFamily(session, now);
    assert.equal(await t.services.sessions.find(credential, now), undefined);
  });
});
