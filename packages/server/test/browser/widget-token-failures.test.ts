// docs/contract.md §2: "a token was given and failed" leaves the visitor anonymous, and the chat still works.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { b64url, signHs256 } from '../support/tokens.js';
import { type Harness, NO_CHROMIUM, startHarness, TEST_OPTIONS } from './harness.js';
import type { PageGlobals } from './page-globals.js';

describe('a token that fails, in a browser', { skip: NO_CHROMIUM }, () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h?.close());

  /** Embeds `token` with a script tag; checks the 401 and that the chat carries on anonymous. */
  async function failsThenChatsAnonymously(token: string, reason: string, detail: string) {
    const w = await h.open(h.hostPage(h.scriptTag({ 'user-token': token })));
    try {
      const verify = await w.net.verification();
      assert.equal(verify.status(), 401);
      const text = await verify.text();
      assert.deepEqual(await verify.json(), { verified: false, reason, detail });
      assert.ok(!text.includes(token), 'docs/contract.md §4: no error body contains the token');

      // The widget falls back to an anonymous session of its own.
      const session = await w.net.sessionStart();
      assert.equal(session.status(), 200);
      assert.equal((await session.json()).identity, 'anonymous');
      await w.waitForState({ identity: 'anonymous' });

      const { reply, sent } = await w.send('Hello');
      assert.match(reply, /^Hi there!/);
      assert.equal(sent.message.identitySource, 'anonymous');
      await w.net.assertIdentityHeaders('anonymous');
      assert.equal((await w.state()).name, null);
      w.net.assertNotInUrls([token]);
      w.assertNoPageErrors();
      return w;
    } catch (error) {
      await w.close();
      throw error;
    }
  }

  it(
    'an expired token: verify-jwt 401 expired; the chat works, as anonymous',
    TEST_OPTIONS,
    async () => {
      const token = h.token({ sub: 'user-late', name: 'Late Larry' }, -60);
      const w = await failsThenChatsAnonymously(token, 'expired', 'expired');
      try {
        // docs/contract.md §6: an anonymous visitor, unlike a verified one, may be asked for an email; so the
        // check that verified users never are (widget-identity.test.ts) can fail.
        const { reply } = await w.send('Can I talk to a human, please?');
        assert.match(reply, /e-?mail/i);
        assert.deepEqual(await w.findOnScreen('Late Larry'), []);
      } finally {
        await w.close();
      }
    },
  );

  it(
    'a token signed with another secret: identity() and the console say why and where the fix is, never the token',
    TEST_OPTIONS,
    async () => {
      const token = h.token({ sub: 'user-wrong', name: 'Wael Wrongsecret' }, 600, 'f'.repeat(64));
      const w = await failsThenChatsAnonymously(token, 'invalid_signature', 'signature_mismatch');
      try {
        assert.deepEqual(await w.identity(), {
          state: 'anonymous',
          reason: 'invalid_signature',
          detail: 'signature_mismatch',
        });
        const warnings = w.console.filter((line) => line.includes('Hilal:'));
        assert.deepEqual(warnings, [
          'warning: Hilal: the user token was not verified (invalid_signature / signature_mismatch); ' +
            'the visitor chats as anonymous. Fix: see README.md#failure-reasons',
        ]);
        // The anchor leads somewhere: README.md has the "Failure reasons" heading.
        const readme = fs.readFileSync(
          new URL('../../../../../README.md', import.meta.url),
          'utf8',
        );
        assert.match(readme, /^#+ Failure reasons$/m);
        // STYLE "Errors": no console line holds the token, nor any of its parts.
        for (const line of w.console) {
          for (const part of [token, ...token.split('.').slice(1)]) {
            assert.ok(!line.includes(part), `the console holds the token: ${line}`);
          }
        }

        // A token that verifies clears the reason.
        await w.page.evaluate(
          (good) => (globalThis as unknown as PageGlobals).HilalChat.setUserToken(good),
          h.token({ sub: 'user-wrong', name: 'Wael Wrongsecret' }),
        );
        await w.waitForState({ identity: 'verified' });
        assert.deepEqual(await w.identity(), { state: 'verified' });
      } finally {
        await w.close();
      }
    },
  );

  it(
    'a tampered token (payload changed after signing): 401 invalid_signature; anonymous chat',
    TEST_OPTIONS,
    async () => {
      const exp = Math.floor(Date.now() / 1000) + 600;
      const [header, , signature] = signHs256(h.bot.secret ?? '', { sub: 'user-3', exp }).split(
        '.',
      );
      const forged = b64url(JSON.stringify({ sub: 'admin', name: 'Mallory Forger', exp }));
      const w = await failsThenChatsAnonymously(
        `${header}.${forged}.${signature}`,
        'invalid_signature',
        'signature_mismatch',
      );
      try {
        assert.deepEqual(await w.findOnScreen('Mallory'), [], 'the forged name is not shown');
        for (const text of await w.botMessages()) assert.doesNotMatch(text, /Mallory/);
      } finally {
        await w.close();
      }
    },
  );
});
