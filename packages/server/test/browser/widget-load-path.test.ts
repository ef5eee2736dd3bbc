// Issue 9 item 6: a page from another origin loads the widget with at most three requests to Hilal
// (chat_v3.js, one POST, the stream) before it is ready — shown, identity settled, the conversation
// loaded and the stream connected — and none of them is preflighted: every one is a CORS-simple
// request (no custom header, `text/plain` bodies), credentials and tokens in bodies, never in URLs.
// The POST is `POST /api/widget/bootstrap`, or with a token `POST /api/widget/verify-jwt` with
// `load`, as docs/contract.md §5 says the widget verifies on mount.
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { type Harness, NO_CHROMIUM, startHarness, TEST_OPTIONS } from './harness.js';
import { credentialOf } from './network-log.js';
import type { WidgetPage } from './widget-page.js';

const MAX_REQUESTS = 3;

/**
 * Every request Hilal receives, as `METHOD /path`, counted by its HTTP server: the browser does
 * not report its CORS preflights to the page's request events.
 */
function recordRequests(h: Harness): { seen: string[]; stop: () => void } {
  const seen: string[] = [];
  const listener = (request: IncomingMessage) => {
    seen.push(`${request.method} ${new URL(request.url ?? '/', 'http://x').pathname}`);
  };
  h.hilal.app.server.on('request', listener);
  return { seen, stop: () => h.hilal.app.server.off('request', listener) };
}

/** Every request to Hilal from `open` until the widget is ready. */
async function loadPath(
  h: Harness,
  open: () => Promise<WidgetPage>,
  ready: Parameters<WidgetPage['waitForState']>[0],
): Promise<{ w: WidgetPage; requests: string[] }> {
  const recorder = recordRequests(h);
  const w = await open();
  try {
    await w.waitForState({ ...ready, initialized: true, connected: true });
    return { w, requests: [...recorder.seen] };
  } finally {
    recorder.stop();
  }
}

function assertLoadPath(requests: string[]): void {
  const preflights = requests.filter((request) => request.startsWith('OPTIONS '));
  assert.deepEqual(preflights, [], `no preflight: ${requests.join(', ')}`);
  assert.ok(
    requests.length <= MAX_REQUESTS,
    `at most ${MAX_REQUESTS} requests to Hilal before ready: ${requests.join(', ')}`,
  );
}

describe('the widget load path, in a browser', { skip: NO_CHROMIUM }, () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
    assert.notEqual(new URL(h.hostUrl).origin, new URL(h.hilalUrl).origin, 'a cross-origin host');
  });
  after(() => h?.close());

  it('anonymous, then again on reload: three simple requests each time', TEST_OPTIONS, async () => {
    const { w, requests: first } = await loadPath(h, () => h.open(h.hostPage(h.scriptTag())), {
      identity: 'anonymous',
    });
    try {
      assertLoadPath(first);
      assert.deepEqual(first, [
        'GET /chat_v3.js',
        'POST /api/widget/bootstrap',
        'POST /api/chat/events',
      ]);
      await w.send('Hello');

      // A returning visitor: the session kept in storage, its conversation loaded with the rest.
      const { requests: again } = await loadPath(
        h,
        async () => {
          await w.page.reload({ waitUntil: 'load' });
          return w;
        },
        { identity: 'anonymous', messages: 2 },
      );
      assertLoadPath(again);
      w.assertNoPageErrors();
    } finally {
      await w.close();
    }
  });

  it(
    'verified by data-user-token: three simple requests, no token in a URL',
    TEST_OPTIONS,
    async () => {
      const claims = { sub: 'load-path-1', name: 'Lea Load' };
      const token = h.token(claims);
      const { w, requests } = await loadPath(
        h,
        () => h.open(h.hostPage(h.scriptTag({ 'user-token': token }))),
        { identity: 'verified', name: claims.name },
      );
      try {
        assertLoadPath(requests);
        assert.deepEqual(requests, [
          'GET /chat_v3.js',
          'POST /api/widget/verify-jwt',
          'POST /api/chat/events',
        ]);
        const verify = await w.net.verification();
        assert.equal(verify.status(), 200);
        assert.equal(verify.request().headers()['content-type'], 'text/plain;charset=UTF-8');
        assert.equal(verify.request().headers().authorization, undefined, 'no custom header');
        const { session } = (await verify.json()) as { session: string };
        w.net.assertNotInUrls([token, session]);
        const { reply } = await w.send('Hello');
        assert.match(reply, /Lea Load/);

        // Returning, still signed in: the session held rides in verify-jwt's body (`load`), and
        // its conversation comes back with the verdict.
        const { requests: again } = await loadPath(
          h,
          async () => {
            await w.page.reload({ waitUntil: 'load' });
            return w;
          },
          { identity: 'verified', name: claims.name, messages: 2 },
        );
        assertLoadPath(again);
        // chat_v3.js may come from the browser's cache this time.
        assert.deepEqual(
          again.filter((request) => request !== 'GET /chat_v3.js'),
          ['POST /api/widget/verify-jwt', 'POST /api/chat/events'],
        );
        const reverify = await w.net.verification(1);
        assert.equal(reverify.status(), 200);
        assert.equal(
          await credentialOf(reverify.request()),
          session,
          'the session held, in the body',
        );
        w.assertNoPageErrors();
      } finally {
        await w.close();
      }
    },
  );
});
