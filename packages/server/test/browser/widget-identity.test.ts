// docs/contract.md §2, §5: how the widget on a host page (another origin) identifies its visitor, in
// Chromium, against the built chat_v3.js and the real server.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Harness, NO_CHROMIUM, startHarness, TEST_OPTIONS } from './harness.js';

type WidgetPage = Awaited<ReturnType<Harness['open']>>;

/** The page verified its token: 200 with exactly these claims, and the widget says verified. */
async function expectVerified(w: WidgetPage, claims: { sub: string; name: string }) {
  const verify = await w.net.verification();
  assert.equal(verify.status(), 200);
  const body = await verify.json();
  assert.equal(body.verified, true);
  assert.deepEqual(body.claims, claims);
  await w.waitForState({ identity: 'verified', name: claims.name });
  return { verify, session: body.session as string };
}

describe('widget identity in a browser', { skip: NO_CHROMIUM }, () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h?.close());

  it(
    'script tag with data-user-token: verified, greeted by name, never asked for an email, no token in any URL',
    TEST_OPTIONS,
    async () => {
      const claims = { sub: 'user-1', name: 'Nour Haddad', email: 'nour@example.com' };
      const token = h.token(claims);
      const w = await h.open(
        h.hostPage(`<p>Welcome back</p>${h.scriptTag({ 'user-token': token })}`),
      );
      try {
        const { verify, session } = await expectVerified(w, claims);
        assert.equal(verify.request().headers()['content-type'], 'text/plain;charset=UTF-8');

        const greeting = await w.send('Hello');
        assert.match(greeting.reply, /Nour Haddad/);
        assert.equal(greeting.sent.message.identitySource, 'verified');
        // The handoff reply is where an anonymous visitor is asked for an email; a verified one never is.
        const handoff = await w.send('Can I talk to a human, please?');
        assert.doesNotMatch(handoff.reply, /e-?mail/i);

        const botMessages = await w.botMessages();
        assert.ok(
          botMessages.some((text) => text.includes(claims.name)),
          botMessages.join('\n'),
        );
        for (const text of botMessages) assert.doesNotMatch(text, /e-?mail/i);
        await w.net.assertIdentityHeaders('verified');

        // Tokens never in URLs (docs/contract.md §5), nor the session credential (docs/widget-api.md).
        assert.ok(w.net.exchanges.length > 0);
        w.net.assertNotInUrls([token, session]);
        assert.equal(w.net.verifications().length, 1, 'verified once');
        w.assertNoPageErrors();
      } finally {
        await w.close();
      }
    },
  );

  it(
    'HilalChat.init({ organizationId, botId, userToken }): verified and greeted by name',
    TEST_OPTIONS,
    async () => {
      const claims = { sub: 'user-2', name: 'Sami Aziz' };
      const w = await h.open(h.hostPage(h.initScript({ userToken: h.token(claims) })));
      try {
        await expectVerified(w, claims);

        const { reply, sent } = await w.send('Good morning');
        assert.match(reply, /Sami Aziz/);
        assert.equal(sent.message.identitySource, 'verified');
        await w.net.assertIdentityHeaders('verified');
        w.assertNoPageErrors();
      } finally {
        await w.close();
      }
    },
  );

  it(
    'data-user-name and data-user-email without a token: self-reported, stored as such',
    TEST_OPTIONS,
    async () => {
      const w = await h.open(
        h.hostPage(h.scriptTag({ 'user-name': 'Lina Self', 'user-email': 'lina@example.com' })),
      );
      try {
        const session = await w.net.sessionStart();
        assert.equal(session.status(), 200);
        assert.equal((await session.json()).identity, 'self-reported');
        assert.equal(w.net.verifications().length, 0, 'no token, no verification');
        await w.waitForState({ identity: 'self-reported' });

        const { reply, sent } = await w.send('Hello');
        // docs/contract.md §2: a self-reported name is for display only; the bot does not greet by it.
        assert.doesNotMatch(reply, /Lina/);
        assert.equal(sent.message.identitySource, 'self-reported');
        await w.net.assertIdentityHeaders('self-reported');

        // The server records its own decision on every stored message, the bot's reply included.
        const stored = await h.hilal.services.db
          .selectFrom('messages')
          .select(['author', 'identity_source'])
          .where('conversation_id', '=', sent.message.conversationId)
          .execute();
        assert.deepEqual(stored.map((row) => row.author).sort(), ['bot', 'visitor']);
        for (const row of stored) assert.equal(row.identity_source, 'self-reported');

        // The conversation came with the load (POST /api/widget/bootstrap), as the server decided.
        const load = await w.net.response('POST', '/api/widget/bootstrap');
        assert.equal((await load.json()).history.identity, 'self-reported');
        w.assertNoPageErrors();
      } finally {
        await w.close();
      }
    },
  );
});
