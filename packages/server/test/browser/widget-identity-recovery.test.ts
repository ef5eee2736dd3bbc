// README "Embedding the widget": a page stays open while an admin saves a new secret for the bot.
// The server ends the verified session (the stream's `session_ended`, `secret_changed`), and the
// widget recovers in the same view: verified again with a fresh token from `userTokenProvider`,
// or, without one, anonymous with nothing of the verified user left.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Harness, NO_CHROMIUM, scriptJson, startHarness, TEST_OPTIONS } from './harness.js';
import { credentialOf } from './network-log.js';
import type { PageGlobals } from './page-globals.js';
import type { WidgetPage } from './widget-page.js';

const SENDING = 'hilal-chat li[data-author=visitor][data-status=sending]';

/** A promise and the function that settles it, for the test to decide when the page moves on. */
function gate<T = void>() {
  let open: (value: T) => void = () => {};
  const opened = new Promise<T>((resolve) => (open = resolve));
  return { open, opened };
}

describe('the bot secret rotated under an open page, in a browser', { skip: NO_CHROMIUM }, () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h?.close());

  /**
   * How many times the stream was opened with `credential`. Once for the ended session: the
   * widget acted on `session_ended` itself rather than reconnecting and learning it again.
   */
  async function streamsOf(w: WidgetPage, credential: string): Promise<number> {
    const used = await Promise.all(
      w.net.calls('/api/chat/events').map((exchange) => credentialOf(exchange.request)),
    );
    return used.filter((found) => found === credential).length;
  }

  /** Nothing of `traces` on screen (text or attributes) nor in the page's storage. */
  async function assertGone(w: WidgetPage, traces: readonly string[]): Promise<void> {
    const storage = JSON.stringify(await w.storage());
    for (const trace of traces) {
      assert.deepEqual(await w.findOnScreen(trace), [], `still on screen: ${trace}`);
      assert.ok(!storage.includes(trace), `still in storage: ${trace}`);
    }
  }

  it(
    'with userTokenProvider: stays verified in the same conversation, and the next reply shows',
    TEST_OPTIONS,
    async () => {
      const claims = { sub: 'user-rotated', name: 'Rana Rotated' };
      const first = h.token(claims);
      const asked = gate();
      const answer = gate<string>();
      const url = h.hostPage(`<script src="${h.hilalUrl}/chat_v3.js"></script>
        <script>
          HilalChat.init({
            organizationId: ${scriptJson(h.bot.orgId)},
            botId: ${scriptJson(h.bot.botId)},
            userToken: ${scriptJson(first)},
            // The host's backend, here the test: it answers when the test says so.
            userTokenProvider: () => window.hostToken(),
          });
        </script>`);
      const w = await h.open(url, (page) =>
        page.exposeFunction('hostToken', () => {
          asked.open();
          return answer.opened;
        }),
      );
      try {
        const firstVerify = await w.net.verification(0);
        assert.equal(firstVerify.status(), 200);
        const { session: oldSession } = await firstVerify.json();
        await w.waitForState({ identity: 'verified', name: claims.name, connected: true });
        const greeting = await w.send('Hello');
        assert.match(greeting.reply, /Rana Rotated/);

        // An admin saves a new secret. The server ends the stream with session_ended
        // (secret_changed); the widget asks the host for a fresh token.
        const { current } = await h.rotateSecret();
        await asked.opened;
        assert.equal(w.net.verifications().length, 1);

        // The visitor types while the host's backend is still signing: the message waits.
        const sending = w.send('Good evening');
        await w.page.locator(SENDING).waitFor();
        assert.equal(w.net.verifications().length, 1, 'typed during the switch');
        const fresh = h.token(claims, 600, current);
        answer.open(fresh);

        const verify = await w.net.verification(1);
        assert.equal(verify.status(), 200);
        assert.equal(JSON.parse(verify.request().postData() ?? '{}').token, fresh);
        assert.equal(await credentialOf(verify.request()), oldSession, 'the old session as Bearer');
        const { session: newSession } = await verify.json();

        const { reply, sent } = await sending;
        assert.match(reply, /Rana Rotated/, 'greeted by name: verified');
        assert.equal(sent.message.identitySource, 'verified');
        const send = await w.net.responseFor('POST', '/api/chat/messages', newSession);
        assert.equal((await send.json()).message.id, sent.message.id, 'sent under the new session');
        assert.equal((await send.allHeaders())['x-hilal-identity-source'], 'verified');
        assert.deepEqual(await w.identity(), { state: 'verified' });
        await w.waitForState({ identity: 'verified', name: claims.name, connected: true });
        const stream = await w.net.responseFor('POST', '/api/chat/events', newSession);
        assert.equal(stream.status(), 200, 'the stream reconnected under the new session');
        assert.equal(
          await streamsOf(w, oldSession),
          1,
          'the ended session was not listened to again',
        );

        // The conversation is the same one: the old thread stays, the new reply follows it.
        assert.equal(sent.message.conversationId, greeting.sent.message.conversationId);
        assert.deepEqual(await w.messageTexts(), ['Hello', greeting.reply, 'Good evening', reply]);
        // The old session is no longer verified: without the fresh token this would have failed.
        const stale = await fetch(`${h.hilalUrl}/api/chat/history`, {
          headers: { authorization: `Bearer ${oldSession}` },
        });
        assert.equal(stale.headers.get('x-hilal-identity-source'), 'anonymous');
        w.net.assertNotInUrls([first, fresh, oldSession, newSession]);
        w.assertNoPageErrors();
      } finally {
        await w.close();
      }
    },
  );

  it(
    'without a provider: anonymous, nothing of the verified user left, and the next reply shows',
    TEST_OPTIONS,
    async () => {
      const claims = { sub: 'user-left-behind', name: 'Lina Leftbehind' };
      const token = h.token(claims);
      const secret = 'My card ends 4242, do not share it';
      let offline = false;
      const firstFailedSend = gate();
      const sessionAsked = gate();
      const sessionAnswer = gate();
      const w = await h.open(h.hostPage(h.initScript({ userToken: token })), async (page) => {
        // The verified user's last message cannot be sent yet: the network drops it.
        await page.route(`${h.hilalUrl}/api/chat/messages`, (route) => {
          if (!offline || route.request().method() !== 'POST') return route.continue();
          firstFailedSend.open();
          return route.abort('internetdisconnected');
        });
        // The new anonymous session is held back, so that the visitor can type meanwhile.
        await page.route(`${h.hilalUrl}/api/widget/session`, async (route) => {
          if (route.request().method() === 'POST') {
            sessionAsked.open();
            await sessionAnswer.opened;
          }
          return route.continue();
        });
      });
      try {
        const verify = await w.net.verification();
        assert.equal(verify.status(), 200);
        const { session: oldSession } = await verify.json();
        await w.waitForState({ identity: 'verified', name: claims.name, connected: true });
        const greeting = await w.send('Hello');
        assert.match(greeting.reply, /Lina Leftbehind/);

        offline = true;
        const input = w.page.locator('hilal-chat textarea');
        await input.fill(secret);
        await input.press('Enter');
        await firstFailedSend.opened;
        await w.page.waitForFunction(
          (key) => (globalThis as unknown as PageGlobals).localStorage.getItem(key) !== null,
          `hilal:${h.bot.botId}:outbox`,
        );
        // Before: all of it is there, so that its absence afterwards means something.
        const traces = [claims.name, claims.sub, oldSession, greeting.reply, '4242'];
        const storedBefore = JSON.stringify(await w.storage());
        for (const trace of [claims.sub, claims.name, oldSession, '4242']) {
          assert.ok(storedBefore.includes(trace), `stored before: ${trace}`);
        }
        for (const trace of [claims.name, greeting.reply, '4242']) {
          assert.notDeepEqual(await w.findOnScreen(trace), [], `shown before: ${trace}`);
        }
        const mark = w.net.exchanges.length;

        await h.rotateSecret();
        await sessionAsked.opened;
        // The verified thread is gone from the screen and from storage at once; no provider,
        // so the token is not verified again.
        await w.waitForState({ identity: 'anonymous', name: null, messages: 0 });
        await assertGone(w, traces);
        assert.deepEqual(await w.identity(), { state: 'anonymous' });
        assert.equal(w.net.verifications().length, 1);

        // Typed during the switch: sent under the new session once there is one.
        offline = false;
        const sending = w.send('Is anyone there?');
        await w.page.locator(SENDING).waitFor();
        sessionAnswer.open();
        const session = await w.net.sessionStart();
        assert.equal(session.status(), 200);
        const { session: newSession, identity } = await session.json();
        assert.equal(identity, 'anonymous');

        const { reply, sent } = await sending;
        assert.doesNotMatch(reply, /Lina/);
        assert.equal(sent.message.identitySource, 'anonymous');
        assert.notEqual(sent.message.conversationId, greeting.sent.message.conversationId);
        const send = await w.net.responseFor('POST', '/api/chat/messages', newSession);
        assert.equal((await send.json()).message.id, sent.message.id);
        assert.deepEqual(await w.messageTexts(), ['Is anyone there?', reply]);
        await w.waitForState({ identity: 'anonymous', connected: true });
        await w.net.assertIdentityHeaders('anonymous', { from: mark });
        assert.equal(
          await streamsOf(w, oldSession),
          1,
          'the ended session was not listened to again',
        );
        await assertGone(w, traces);

        // The verified user's unsent message went nowhere: every send since the rotation is
        // the new visitor's (the outbox sends oldest first, so a leak would have come first),
        // and the server has no trace of it.
        for (const exchange of w.net.calls('/api/chat/messages', 'POST').slice(0)) {
          if (w.net.exchanges.indexOf(exchange) < mark || !exchange.response) continue;
          assert.equal(JSON.parse(exchange.request.postData() ?? '{}').text, 'Is anyone there?');
        }
        const leaked = await h.hilal.services.db
          .selectFrom('messages')
          .select('text')
          .where('text', 'like', '%4242%')
          .execute();
        assert.deepEqual(leaked, []);
        w.net.assertNotInUrls([token, oldSession, newSession]);
        w.assertNoPageErrors();
      } finally {
        await w.close();
      }
    },
  );
});
