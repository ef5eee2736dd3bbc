// docs/contract.md §5: `logout()` (shared devices) and `setUserToken()` for another user leave nothing of the
// previous user in the widget, in the page's storage, or in the next user's conversation.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Claims, type Harness, NO_CHROMIUM, startHarness, TEST_OPTIONS } from './harness.js';
import { credentialOf } from './network-log.js';
import type { PageGlobals } from './page-globals.js';
import type { StoredMessage, WidgetPage } from './widget-page.js';

interface PreviousUser {
  /** Strings that belong to the previous user: claims, message texts, the session credential. */
  readonly traces: readonly string[];
  readonly credential: string;
  readonly messageIds: readonly string[];
}

describe('sign-out and a different user, in a browser', { skip: NO_CHROMIUM }, () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h?.close());

  /** A verified user who chatted: greeted by name, then asked about their own parcel. */
  async function verifiedChat(w: WidgetPage, claims: Required<Claims>): Promise<PreviousUser> {
    const verify = await w.net.verification();
    assert.equal(verify.status(), 200);
    const { session: credential } = await verify.json();
    await w.waitForState({ identity: 'verified', name: claims.name });
    const greeting = await w.send('Hello');
    assert.match(greeting.reply, new RegExp(claims.name));
    const parcel = `Where is my parcel ${claims.sub}-4711?`;
    const question = await w.send(parcel);

    const traces = [
      ...[claims.sub, claims.name, claims.email, credential],
      ...[parcel, greeting.reply, question.reply],
    ];
    // Before: all of it is there, so that its absence afterwards means something.
    for (const trace of [claims.name, parcel, greeting.reply]) {
      assert.notDeepEqual(await w.findOnScreen(trace), [], `shown before: ${trace}`);
    }
    const stored = JSON.stringify(await w.storage());
    for (const trace of [claims.sub, claims.name, credential]) assert.ok(stored.includes(trace));

    const history = await fetchHistory(credential);
    assert.equal(history.status, 200);
    const messageIds = history.messages.map((message) => message.id);
    assert.ok(messageIds.includes(greeting.sent.message.id));
    assert.ok(messageIds.includes(question.sent.message.id));
    return { traces, credential, messageIds };
  }

  /** Nothing of `previous` on screen (text or attributes) nor in localStorage/sessionStorage. */
  async function assertNothingLeft(w: WidgetPage, previous: PreviousUser): Promise<void> {
    const storage = await w.storage();
    for (const trace of previous.traces) {
      assert.deepEqual(await w.findOnScreen(trace), [], `still on screen: ${trace}`);
      for (const entry of storage) {
        assert.ok(!entry.value.includes(trace), `in ${entry.area} ${entry.key}: ${trace}`);
        assert.ok(!entry.key.includes(trace), `in ${entry.area} key ${entry.key}: ${trace}`);
      }
    }
    const keys = storage.map((entry) => entry.key);
    assert.ok(
      keys.every((key) => key.startsWith(`hilal:${h.bot.botId}:`)),
      `only the widget's own keys: ${keys.join(', ')}`,
    );
  }

  /** The conversation the server holds for `credential`, read as another client would. */
  async function fetchHistory(credential: string) {
    const response = await fetch(`${h.hilalUrl}/api/chat/history`, {
      headers: { authorization: `Bearer ${credential}` },
    });
    const body = response.ok
      ? ((await response.json()) as { messages: StoredMessage[] })
      : undefined;
    return { status: response.status, messages: body?.messages ?? [] };
  }

  it(
    'logout() forgets the user: nothing left on screen or in storage; anonymous',
    TEST_OPTIONS,
    async () => {
      const claims = { sub: 'user-shared', name: 'Yusuf Shared', email: 'yusuf@example.com' };
      const w = await h.open(h.hostPage(h.initScript({ userToken: h.token(claims) })));
      try {
        const previous = await verifiedChat(w, claims);

        await w.page.evaluate(() => (globalThis as unknown as PageGlobals).HilalChat.logout());
        const logout = await w.net.response('POST', '/api/chat/logout');
        assert.equal(logout.status(), 204);
        assert.equal(await credentialOf(logout.request()), previous.credential);
        // The call that ends the verified session speaks for that session, both ways (docs/contract.md §2).
        assert.equal((await logout.request().allHeaders())['x-hilal-identity-source'], 'verified');
        assert.equal((await logout.allHeaders())['x-hilal-identity-source'], 'verified');
        const afterLogout =
          w.net.exchanges.findIndex((exchange) => exchange.request === logout.request()) + 1;
        const state = await w.state();
        assert.equal(state.identity, 'anonymous');
        assert.equal(state.name, null);
        assert.equal(state.messages, 0);
        assert.deepEqual(await w.messageTexts(), []);
        await assertNothingLeft(w, previous);
        // The server ended that session too.
        assert.equal((await fetchHistory(previous.credential)).status, 401);

        // The chat carries on, anonymous, in a conversation of its own.
        const { reply, sent } = await w.send('Hello');
        assert.match(reply, /^Hi there!/);
        assert.equal(sent.message.identitySource, 'anonymous');
        assert.ok(!previous.messageIds.includes(sent.message.id));
        await w.net.assertIdentityHeaders('anonymous', { from: afterLogout });
        assert.deepEqual(await w.messageTexts(), ['Hello', reply]);
        await assertNothingLeft(w, previous);
        w.assertNoPageErrors();
      } finally {
        await w.close();
      }
    },
  );

  it(
    'setUserToken() for another sub: nothing of the first user left; their history is not shown',
    TEST_OPTIONS,
    async () => {
      const first = { sub: 'user-a', name: 'Amal First', email: 'amal@example.com' };
      const second = { sub: 'user-b', name: 'Badr Second', email: 'badr@example.com' };
      const w = await h.open(h.hostPage(h.initScript({ userToken: h.token(first) })));
      try {
        const previous = await verifiedChat(w, first);

        const secondToken = h.token(second);
        await w.page.evaluate(
          (token) => (globalThis as unknown as PageGlobals).HilalChat.setUserToken(token),
          secondToken,
        );
        const verify = await w.net.verification(1);
        assert.equal(verify.status(), 200);
        const { session: credential, claims } = await verify.json();
        assert.deepEqual(claims, second);
        assert.equal(
          (await verify.request().allHeaders()).authorization,
          undefined,
          "the first user's session is not carried over to another user",
        );
        await w.waitForState({ identity: 'verified', name: second.name });

        // The widget loads the new user's conversation: none of the first user's messages.
        const load = await w.net.responseFor('GET', '/api/chat/history', credential);
        assert.equal(load.status(), 200);
        const history: { messages: Array<{ id: string; text: string }> } = await load.json();
        for (const message of history.messages) {
          assert.ok(!previous.messageIds.includes(message.id), message.text);
        }
        await assertNothingLeft(w, previous);

        const { reply, sent } = await w.send('Good evening');
        assert.match(reply, /Badr Second/);
        assert.deepEqual(await w.messageTexts(), ['Good evening', reply]);
        await assertNothingLeft(w, previous);
        await w.net.assertIdentityHeaders('verified');

        // On the server too: the second user's history holds only their own messages.
        const stored = (await fetchHistory(credential)).messages;
        assert.deepEqual(
          stored.map((message) => message.text),
          ['Good evening', reply],
        );
        assert.equal(sent.message.conversationId, stored[0]?.conversationId);
        w.assertNoPageErrors();
      } finally {
        await w.close();
      }
    },
  );
});
