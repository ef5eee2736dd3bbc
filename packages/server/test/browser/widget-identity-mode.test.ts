// docs/contract.md §5 in Chromium, against the built chat_v3.js and the real server: a bot whose
// identity mode is required shows "Please sign in to chat" instead of the composer to anyone not
// verified, and chats with verified users; the welcome's `{name}` is the VERIFIED name only.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createChatbot } from '../../src/bots/chatbots-repository.js';
import { type Harness, NO_CHROMIUM, startHarness, TEST_OPTIONS } from './harness.js';
import type { PageGlobals } from './page-globals.js';

type WidgetPage = Awaited<ReturnType<Harness['open']>>;

const WELCOME = 'Hi {name}! How can we help?';
const SIGN_IN = 'hilal-chat p.signin';
const TEXTAREA = 'hilal-chat textarea';
const WELCOME_BUBBLE = 'hilal-chat p.welcome';

/** The panel is open and says "Please sign in to chat" where the composer was. */
async function expectSignIn(w: WidgetPage): Promise<void> {
  await w.openPanel();
  const signIn = w.page.locator(SIGN_IN);
  await signIn.waitFor({ state: 'visible' });
  assert.equal(await signIn.textContent(), 'Please sign in to chat');
  assert.equal(await w.page.locator(TEXTAREA).isVisible(), false, 'no composer');
  assert.equal(await w.page.locator('hilal-chat button.send').isVisible(), false, 'no send button');
}

async function expectComposer(w: WidgetPage): Promise<void> {
  await w.openPanel();
  await w.page.locator(TEXTAREA).waitFor({ state: 'visible' });
  assert.equal(await w.page.locator(SIGN_IN).isVisible(), false);
}

/** Waits until the welcome bubble says exactly `text`. */
async function expectWelcome(w: WidgetPage, text: string): Promise<void> {
  await w.page.waitForFunction(
    ([selector, want]) =>
      (globalThis as unknown as PageGlobals).document
        .querySelector('hilal-chat')
        ?.shadowRoot?.querySelector(selector)?.textContent === want,
    [WELCOME_BUBBLE.replace('hilal-chat ', ''), text] as const,
    { polling: 100 },
  );
}

describe('identity mode required, and the welcome {name}, in a browser', {
  skip: NO_CHROMIUM,
}, () => {
  let h: Harness;
  let botId: string;
  let secret: string;
  before(async () => {
    h = await startHarness();
    const { services } = h.hilal;
    const bot = await createChatbot(services.db, h.bot.orgId, 'Members only', services.now(), {
      welcome: WELCOME,
      identityMode: 'required',
    });
    botId = bot.id;
    secret = (await services.secrets.rotate(h.bot.orgId, botId, 'test')).secret;
  });
  after(() => h?.close());

  const page = (data: Record<string, string> = {}) =>
    h.hostPage(h.scriptTag({ 'bot-id': botId, ...data }));

  it(
    'an anonymous visitor sees "Please sign in to chat", cannot send, and the welcome without {name}',
    TEST_OPTIONS,
    async () => {
      const w = await h.open(page());
      try {
        await w.waitForState({ identity: 'anonymous' });
        await expectSignIn(w);
        await expectWelcome(w, 'Hi! How can we help?');
        // Enter anywhere in the panel sends nothing: there is nothing to type into.
        await w.page.keyboard.type('Hello');
        await w.page.keyboard.press('Enter');
        await w.page.waitForTimeout(300);
        assert.equal(w.net.calls('/api/chat/messages').length, 0, 'nothing sent');
        assert.equal((await w.state()).messages, 0);
        w.assertNoPageErrors();
      } finally {
        await w.close();
      }
    },
  );

  it(
    'a verified visitor chats and is welcomed by the verified name, never the self-reported one',
    TEST_OPTIONS,
    async () => {
      const claims = { sub: 'member-1', name: 'Nour Haddad' };
      const w = await h.open(
        page({ 'user-token': h.token(claims, 600, secret), 'user-name': 'Lina Self' }),
      );
      try {
        await w.waitForState({ identity: 'verified', name: claims.name });
        await expectComposer(w);
        await expectWelcome(w, 'Hi Nour Haddad! How can we help?');
        const { sent } = await w.send('Hello');
        assert.equal(sent.message.identitySource, 'verified');
        assert.deepEqual(
          await w.findOnScreen('Lina Self'),
          [],
          'the self-reported name is nowhere',
        );
        w.assertNoPageErrors();
      } finally {
        await w.close();
      }
    },
  );

  it(
    'a self-reported visitor is asked to sign in, and setUserToken switches to the chat',
    TEST_OPTIONS,
    async () => {
      const w = await h.open(page({ 'user-name': 'Lina Self', 'user-email': 'lina@example.com' }));
      try {
        await w.waitForState({ identity: 'self-reported' });
        await expectSignIn(w);
        await expectWelcome(w, 'Hi! How can we help?');
        assert.deepEqual(await w.findOnScreen('Lina'), [], 'no self-reported name on screen');

        const token = h.token({ sub: 'member-2', name: 'Sami Aziz' }, 600, secret);
        await w.page.evaluate(
          (t) => (globalThis as unknown as PageGlobals).HilalChat.setUserToken(t),
          token,
        );
        await w.waitForState({ identity: 'verified', name: 'Sami Aziz' });
        await expectComposer(w);
        await expectWelcome(w, 'Hi Sami Aziz! How can we help?');
        const { sent } = await w.send('Now I am signed in');
        assert.equal(sent.message.identitySource, 'verified');
        w.assertNoPageErrors();
      } finally {
        await w.close();
      }
    },
  );

  it('a failed token leaves the visitor at "Please sign in to chat"', TEST_OPTIONS, async () => {
    const w = await h.open(page({ 'user-token': h.token({ sub: 'member-3' }, 600, 'wrong') }));
    try {
      const verify = await w.net.verification();
      assert.notEqual(verify.status(), 200);
      await w.waitForState({ identity: 'anonymous' });
      await expectSignIn(w);
      w.assertNoPageErrors();
    } finally {
      await w.close();
    }
  });

  it('a verified name holding HTML shows literally in the welcome', TEST_OPTIONS, async () => {
    const name = '<img src=x onerror="window.hacked=1">Eve';
    const w = await h.open(page({ 'user-token': h.token({ sub: 'member-4', name }, 600, secret) }));
    try {
      await w.waitForState({ identity: 'verified' });
      await w.openPanel();
      await expectWelcome(w, `Hi ${name}! How can we help?`);
      assert.equal(await w.page.locator('hilal-chat img').count(), 0, 'no element from the name');
      assert.equal(await w.page.evaluate(() => Reflect.get(globalThis, 'hacked')), undefined);
      w.assertNoPageErrors();
    } finally {
      await w.close();
    }
  });

  it(
    'a 403 identity_required from the chat API shows the same sign-in state',
    TEST_OPTIONS,
    async () => {
      // A bot that turns required while an anonymous visitor chats.
      const { services } = h.hilal;
      const bot = await createChatbot(services.db, h.bot.orgId, 'Turns strict', services.now(), {
        welcome: WELCOME,
      });
      const w = await h.open(h.hostPage(h.scriptTag({ 'bot-id': bot.id })));
      try {
        await w.waitForState({ identity: 'anonymous' });
        await expectComposer(w);
        await w.send('Before');
        await services.db
          .updateTable('chatbots')
          .set({ settings: JSON.stringify({ welcome: WELCOME, identityMode: 'required' }) })
          .where('id', '=', bot.id)
          .execute();
        const refused = w.page.waitForResponse(
          (r) => new URL(r.url()).pathname === '/api/chat/messages' && r.status() === 403,
        );
        const input = w.page.locator(TEXTAREA);
        await input.fill('After');
        await input.press('Enter');
        assert.equal((await (await refused).json()).error, 'identity_required');
        await expectSignIn(w);
        w.assertNoPageErrors();
      } finally {
        await w.close();
      }
    },
  );
});
