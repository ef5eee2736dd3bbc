// docs/contract.md §2, §5: a verified session lasts until the token's exp; `userTokenProvider` is asked for
// a fresh token shortly before, and the session stays verified past the first token's exp.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Harness, NO_CHROMIUM, scriptJson, startHarness, TEST_OPTIONS } from './harness.js';
import { credentialOf } from './network-log.js';

/** A realistic lifetime: the page's and the server's clocks are moved, nobody waits for it. */
const FIRST_TOKEN_TTL_S = 600;
/** README "Pass it to the widget": a 10-minute token is refreshed 30 seconds before its exp. */
const REFRESH_LEAD_MS = 30_000;

describe('userTokenProvider, in a browser', { skip: NO_CHROMIUM }, () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h?.close());

  it("keeps the session verified past the first token's exp", TEST_OPTIONS, async () => {
    const claims = { sub: 'user-refresh', name: 'Rania Refresh' };
    const provided: Array<{ token: string; at: number }> = [];
    const first = h.token(claims, FIRST_TOKEN_TTL_S);
    const firstExp = JSON.parse(Buffer.from(first.split('.')[1] ?? '', 'base64url').toString()).exp;
    const url = h.hostPage(`<script src="${h.hilalUrl}/chat_v3.js"></script>
      <script>
        HilalChat.init({
          organizationId: ${scriptJson(h.bot.orgId)},
          botId: ${scriptJson(h.bot.botId)},
          userToken: ${scriptJson(first)},
          // The host's backend, here the test: it signs a fresh token on every call.
          userTokenProvider: () => window.freshUserToken(),
        });
      </script>`);
    const w = await h.open(url, async (page) => {
      // The page's clock starts at the server's and runs with it; only the test moves it on.
      await page.clock.install({ time: h.now() });
      await page.exposeFunction('freshUserToken', () => {
        const token = h.token(claims, 600);
        provided.push({ token, at: h.now() });
        return token;
      });
    });
    /** Time passes for the server and the page alike: due timers in the page fire. */
    const advance = async (ms: number) => {
      h.advanceClock(ms);
      await w.page.clock.fastForward(ms);
    };
    try {
      const firstVerify = await w.net.verification(0);
      assert.equal(firstVerify.status(), 200);
      const firstSession = await firstVerify.json();
      assert.equal(firstSession.expiresAt, firstExp);
      await w.waitForState({ identity: 'verified', name: claims.name });
      assert.equal(provided.length, 0, 'a fresh token is not asked for at once');

      // To 5 s past the moment the widget should ask, still 25 s before exp: it asks, and
      // verifies what the provider returned.
      await advance(firstExp * 1000 - REFRESH_LEAD_MS + 5_000 - h.now());
      const secondVerify = await w.net.verification(1);
      assert.equal(secondVerify.status(), 200);
      assert.equal(provided.length, 1, 'the provider was asked once');
      const sentToken = JSON.parse(secondVerify.request().postData() ?? '{}').token;
      const asked = provided.find((call) => call.token === sentToken);
      assert.ok(asked, 'the fresh token was verified');
      assert.ok(asked.at < firstExp * 1000, 'asked before the first token expired');
      const secondSession = await secondVerify.json();
      assert.ok(secondSession.expiresAt > firstExp);
      await w.waitForState({ identity: 'verified', name: claims.name });

      // Past the first token's exp, for the server and in the page.
      await advance(firstExp * 1000 + 1000 - h.now());
      assert.ok((await w.page.evaluate(() => Date.now())) > firstExp * 1000, "the page's clock");
      const mark = w.net.exchanges.length;
      const { reply, sent } = await w.send('Hello');
      assert.match(reply, /Rania Refresh/);
      assert.equal(sent.message.identitySource, 'verified');
      assert.ok(sent.message.createdAt / 1000 > firstExp);
      await w.net.assertIdentityHeaders('verified', {
        from: mark,
        answered: ['POST /api/chat/messages'],
      });
      const send = await w.net.response('POST', '/api/chat/messages');
      assert.equal(await credentialOf(send.request()), secondSession.session);
      // Without the refresh it would not have stayed verified: the first session no longer is.
      const stale = await fetch(`${h.hilalUrl}/api/chat/history`, {
        headers: { authorization: `Bearer ${firstSession.session}` },
      });
      assert.equal(stale.headers.get('x-hilal-identity-source'), 'anonymous');
      // And before it: the whole session was verified, across the switch to the new credential.
      await w.net.assertIdentityHeaders('verified');
      assert.equal((await w.state()).identity, 'verified');
      // The fresh token lives 10 minutes: one call to the provider was all it took.
      assert.equal(provided.length, 1);
      w.net.assertNotInUrls([first, ...provided.map((call) => call.token)]);
      w.assertNoPageErrors();
    } finally {
      await w.close();
    }
  });
});
