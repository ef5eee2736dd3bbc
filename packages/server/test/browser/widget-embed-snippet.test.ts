// README "3. Pass it to the widget": the snippet as the README shows it — the one-line stub, the
// script tag with `async` (or `defer`), then the calls — works even though the calls run before
// chat_v3.js has loaded. The script's response is held back until they have, so it loads late
// every time, not only on a slow network.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { type Harness, NO_CHROMIUM, scriptJson, startHarness, TEST_OPTIONS } from './harness.js';

/** The stub line, exactly as the README shows it. */
const STUB = (() => {
  const readme = fs.readFileSync(new URL('../../../../../README.md', import.meta.url), 'utf8');
  const line = /^<script>window\.HilalChat=window\.HilalChat\|\|.*<\/script>$/m.exec(readme)?.[0];
  assert.ok(line, 'README.md "3. Pass it to the widget" shows the one-line stub');
  return line;
})();

describe('the embed snippet, in a browser', { skip: NO_CHROMIUM }, () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h?.close());

  for (const loading of ['async', 'defer'] as const) {
    it(
      `with ${loading}: init and setUserToken called before the script loads; verified, and the chat works`,
      TEST_OPTIONS,
      async () => {
        const claims = {
          sub: `user-${loading}`,
          name: `Dana ${loading === 'async' ? 'Async' : 'Defer'}`,
        };
        const token = h.token(claims);
        const url = h.hostPage(`${STUB}
          <script ${loading} src="${h.hilalUrl}/chat_v3.js"></script>
          <script>
            HilalChat.init(${scriptJson({
              organizationId: h.bot.orgId,
              botId: h.bot.botId,
              serverUrl: h.hilalUrl,
            })});
            HilalChat.setUserToken(${scriptJson(token)});
            HilalChat.open();
            window.callsMade(HilalChat.q.length, typeof HilalChat.version);
          </script>`);
        let beforeLoad: { queued: number; version: string } | undefined;
        const w = await h.open(url, async (page) => {
          let release: () => void = () => {};
          const released = new Promise<void>((resolve) => (release = resolve));
          await page.exposeFunction('callsMade', (queued: number, version: string) => {
            beforeLoad = { queued, version };
            release();
          });
          // chat_v3.js is answered only once the page's calls have been made.
          await page.route(`${h.hilalUrl}/chat_v3.js`, async (route) => {
            await released;
            await route.continue();
          });
        });
        try {
          assert.deepEqual(
            beforeLoad,
            { queued: 3, version: 'undefined' },
            'the calls were queued by the stub: chat_v3.js had not run yet',
          );
          const verify = await w.net.verification();
          assert.equal(verify.status(), 200);
          await w.waitForState({ identity: 'verified', name: claims.name, open: true });
          assert.deepEqual(await w.identity(), { state: 'verified' });
          const api = await w.page.evaluate(() => {
            const hilal = Reflect.get(globalThis, 'HilalChat');
            return { frozen: Object.isFrozen(hilal), queue: 'q' in hilal, version: hilal.version };
          });
          assert.deepEqual(api, { frozen: true, queue: false, version: '3.0.0' });

          const { reply, sent } = await w.send('Hello');
          assert.match(reply, new RegExp(claims.name));
          assert.equal(sent.message.identitySource, 'verified');
          w.assertNoPageErrors();
          const errors = w.console.filter(
            (line) => line.startsWith('error:') && !line.includes('Failed to load resource'),
          );
          assert.deepEqual(errors, []);
          w.net.assertNotInUrls([token]);
        } finally {
          await w.close();
        }
      },
    );
  }
});
