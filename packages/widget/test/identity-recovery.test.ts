// The recovery state machine of README "Embedding the widget": what the widget does when the
// server says its session is no longer what it believes. A fake server stands in for the API.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, mock, test } from 'node:test';
import {
  Identity,
  type IdentityOptions,
  RECOVER_INTERVAL_MS,
  REVERIFY_COOLDOWN_MS,
} from '../src/identity.js';
import { createStorage } from '../src/storage.js';
import type { UserTokenProvider } from '../src/types.js';

const START_MS = 1_800_000_000_000;
const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
/** A token for `sub` whose last segment names the secret that "signed" it. */
const tokenFor = (sub: string, secret: string, expS = START_MS / 1000 + 600) =>
  `${b64url({ alg: 'HS256' })}.${b64url({ sub, name: `Name of ${sub}`, exp: expS })}.${secret}`;

/** The server, as far as the identity sees it: sessions are `hws_1`, `hws_2`, … */
function fakeServer() {
  let secret = 'first';
  let minted = 0;
  const calls: string[] = [];
  const api: IdentityOptions['api'] = {
    async session(user, carry) {
      calls.push(`session carry=${carry ?? '-'}`);
      return { session: `hws_${++minted}`, identity: user ? 'self-reported' : 'anonymous' };
    },
    async verify(token, carry) {
      calls.push(`verify carry=${carry ?? '-'}`);
      const [, payload = '', signature] = token.split('.');
      if (signature !== secret)
        return { reason: 'invalid_signature', detail: 'signature_mismatch' };
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
      return {
        session: `hws_${++minted}`,
        identity: 'verified',
        sub: claims.sub,
        name: claims.name,
        expiresAt: claims.exp,
      };
    },
    async logout(session) {
      calls.push(`logout ${session}`);
    },
  };
  return {
    api,
    calls,
    rotate(next: string) {
      secret = next;
    },
  };
}

/** A Map-backed `Storage`, standing in for the page's localStorage. */
function memoryStorage(data: Map<string, string>): Storage {
  return {
    get length() {
      return data.size;
    },
    key: (i) => [...data.keys()][i] ?? null,
    getItem: (key) => data.get(key) ?? null,
    setItem: (key, value) => void data.set(key, String(value)),
    removeItem: (key) => void data.delete(key),
    clear: () => data.clear(),
  };
}

/** An identity over the fake server, memory storage and a clock the test moves. */
function setup(provider?: UserTokenProvider) {
  const server = fakeServer();
  const stored = new Map<string, string>();
  const events: string[] = [];
  const clock = { now: START_MS };
  const identity = new Identity({
    api: server.api,
    storage: createStorage('bot_1', () => memoryStorage(stored)),
    tokenAllowed: true,
    onEnding: () => events.push('ending'),
    onForget: () => events.push('forget'),
    onSession: () => events.push(`session ${identity.session}`),
    now: () => clock.now,
    sleep: async (ms) => {
      clock.now += ms;
    },
  });
  identity.setProvider(provider);
  return { identity, server, stored, events, clock };
}

/** Verified as `sub` with a token signed by the first secret; the calls so far are cleared. */
async function verifiedAs(sub: string, provider?: UserTokenProvider) {
  const t = setup(provider);
  await t.identity.settle(tokenFor(sub, 'first'));
  assert.equal(t.identity.source, 'verified');
  assert.equal(t.identity.session, 'hws_1');
  t.server.calls.length = 0;
  t.events.length = 0;
  return t;
}

describe('Identity: when the server ends the session', () => {
  beforeEach(() => {
    // The token's exp and the provider's timeout set timers; none may keep the test waiting.
    mock.timers.enable({ apis: ['setTimeout'] });
  });
  afterEach(() => {
    mock.timers.reset();
    mock.restoreAll();
  });

  test('secret_changed with a provider: a fresh token keeps the visitor verified, carrying the old session', async () => {
    let asked = 0;
    const t = await verifiedAs('user-1', () => {
      asked++;
      return tokenFor('user-1', 'second');
    });
    t.server.rotate('second');

    await t.identity.ended('secret_changed', 'hws_1');

    assert.equal(asked, 1);
    assert.deepEqual(t.server.calls, ['verify carry=hws_1'], 'the same conversation carries over');
    assert.deepEqual(t.events, ['ending', 'session hws_2'], 'nothing forgotten');
    assert.equal(t.identity.source, 'verified');
    assert.equal(t.identity.name, 'Name of user-1');
    assert.deepEqual(t.identity.report(), { state: 'verified' });
    assert.equal(t.stored.get('hilal:bot_1:session'), 'hws_2');
    assert.match(t.stored.get('hilal:bot_1:identity') ?? '', /"sub":"user-1"/);
  });

  test('while it recovers, a send waits for the next session instead of using the ended one', async () => {
    let release: (token: string) => void = () => {};
    const t = await verifiedAs(
      'user-1',
      () => new Promise<string>((resolve) => (release = resolve)),
    );
    t.server.rotate('second');
    const recovering = t.identity.ended('secret_changed', 'hws_1');
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(t.identity.session, null, 'the ended session is no longer handed out');
    const ready = t.identity.ready();
    release(tokenFor('user-1', 'second'));
    await recovering;
    assert.equal(await ready, 'hws_2');
  });

  test('secret_changed without a provider: anonymous, cleanly, in a new session of the same browser', async () => {
    const t = await verifiedAs('user-1');
    t.server.rotate('second');

    await t.identity.ended('secret_changed', 'hws_1');

    assert.deepEqual(t.server.calls, ['session carry=hws_1'], 'no verify; no logout of the family');
    assert.deepEqual(t.events, ['ending', 'forget', 'session hws_2']);
    assert.equal(t.identity.source, 'anonymous');
    assert.equal(t.identity.name, null);
    assert.deepEqual(t.identity.report(), { state: 'anonymous' });
    assert.deepEqual(Object.fromEntries(t.stored), {
      'hilal:bot_1:session': 'hws_2',
      'hilal:bot_1:identity': '{"source":"anonymous"}',
    });
  });

  const noToken: Array<[string, UserTokenProvider]> = [
    ['returns null', () => null],
    ['returns an empty string', async () => ''],
    [
      'throws',
      () => {
        throw new Error('backend down');
      },
    ],
    ['rejects', () => Promise.reject(new Error('401'))],
  ];
  for (const [what, provider] of noToken) {
    test(`expired, and the provider ${what}: anonymous, cleanly`, async () => {
      const t = await verifiedAs('user-1', provider);
      await t.identity.ended('expired', 'hws_1');
      assert.deepEqual(t.server.calls, ['session carry=hws_1']);
      assert.deepEqual(t.events, ['ending', 'forget', 'session hws_2']);
      assert.equal(t.identity.source, 'anonymous');
    });
  }

  test('the provider never answers: given up on after 10 s, anonymous', async () => {
    const t = await verifiedAs('user-1', () => new Promise<string>(() => {}));
    const recovering = t.identity.ended('expired', 'hws_1');
    await new Promise((resolve) => setImmediate(resolve));
    mock.timers.tick(10_000);
    await recovering;
    assert.equal(t.identity.source, 'anonymous');
    assert.deepEqual(t.server.calls, ['session carry=hws_1']);
  });

  test('a fresh token the server refuses: anonymous at once, the refusal reported, never the token', async () => {
    const warn = mock.method(console, 'warn', () => {});
    const stale = tokenFor('user-1', 'first'); // the host still signs with the old secret
    let asked = 0;
    const t = await verifiedAs('user-1', () => {
      asked++;
      return stale;
    });
    t.server.rotate('second');

    await t.identity.ended('secret_changed', 'hws_1');

    assert.equal(asked, 1, 'asked once: no retry storm');
    assert.deepEqual(t.server.calls, ['verify carry=hws_1', 'session carry=hws_1']);
    assert.equal(t.identity.source, 'anonymous');
    assert.deepEqual(t.identity.report(), {
      state: 'anonymous',
      reason: 'invalid_signature',
      detail: 'signature_mismatch',
    });
    assert.equal(warn.mock.callCount(), 1);
    const text = String(warn.mock.calls[0]?.arguments[0]);
    assert.equal(
      text,
      'Hilal: the user token was not verified (invalid_signature / signature_mismatch); ' +
        'the visitor chats as anonymous. Fix: see README.md#failure-reasons',
    );
    assert.ok(!text.includes(stale) && !text.includes(stale.split('.')[1] ?? ''));
  });

  test('one recovery at a time: the stream, a response header and a 401 together ask once', async () => {
    let asked = 0;
    const t = await verifiedAs('user-1', async () => {
      asked++;
      return tokenFor('user-1', 'second');
    });
    t.server.rotate('second');

    await Promise.all([
      t.identity.ended('secret_changed', 'hws_1'),
      t.identity.ended('lowered', 'hws_1'),
      t.identity.ended('unauthorized', 'hws_1'),
    ]);
    // News about the session that was replaced comes late: it is old news.
    await t.identity.ended('unauthorized', 'hws_1');
    t.identity.adopt('anonymous', 'hws_1');
    await t.identity.ended('secret_changed', 'hws_1');

    assert.equal(asked, 1);
    assert.deepEqual(t.server.calls, ['verify carry=hws_1']);
    assert.equal(t.identity.session, 'hws_2');
    assert.equal(t.identity.source, 'verified');
  });

  test('a fresh token that ends again at once is not followed by another: anonymous, no loop', async () => {
    let asked = 0;
    const t = await verifiedAs('user-1', () => {
      asked++;
      return tokenFor('user-1', 'second');
    });
    t.server.rotate('second');
    await t.identity.ended('secret_changed', 'hws_1');
    assert.equal(t.identity.session, 'hws_2');

    // The new session ends too, within seconds (RECOVER_INTERVAL_MS apart, at the least).
    t.server.rotate('third');
    await t.identity.ended('secret_changed', 'hws_2');

    assert.equal(asked, 1, 'the provider is not asked again');
    assert.equal(t.identity.source, 'anonymous');
    assert.deepEqual(t.server.calls, ['verify carry=hws_1', 'session carry=hws_2']);
    assert.ok(RECOVER_INTERVAL_MS < REVERIFY_COOLDOWN_MS);
  });

  test('long after a recovery, the next one asks the provider again', async () => {
    let asked = 0;
    const t = await verifiedAs('user-1', () => {
      asked++;
      return tokenFor('user-1', asked === 1 ? 'second' : 'third', START_MS / 1000 + 3600);
    });
    t.server.rotate('second');
    await t.identity.ended('secret_changed', 'hws_1');
    t.clock.now += REVERIFY_COOLDOWN_MS;
    t.server.rotate('third');
    await t.identity.ended('secret_changed', 'hws_2');
    assert.equal(asked, 2);
    assert.equal(t.identity.source, 'verified');
    assert.equal(t.identity.session, 'hws_3');
  });

  test('a response header below the belief starts a recovery; one for another session does not', async () => {
    const t = await verifiedAs('user-1');
    t.identity.adopt('anonymous', 'hws_0');
    assert.equal(t.identity.source, 'verified');
    t.identity.adopt('anonymous', 'hws_1');
    await t.identity.ended('lowered', 'hws_1'); // joins the recovery the header started
    assert.deepEqual(t.events, ['ending', 'forget', 'session hws_2']);
    assert.equal(t.identity.source, 'anonymous');
  });

  test('logged out in another tab (session_ended logout): as logout(), without asking the provider', async () => {
    let asked = 0;
    const t = await verifiedAs('user-1', () => {
      asked++;
      return tokenFor('user-1', 'first');
    });
    await t.identity.ended('logout', 'hws_1');
    assert.equal(asked, 0);
    assert.deepEqual(t.server.calls, ['session carry=-'], 'a new family: the old one is gone');
    assert.deepEqual(t.events, ['ending', 'forget', 'session hws_2']);
    assert.equal(t.identity.source, 'anonymous');
  });

  test('a 401 for an anonymous session: a new session, nothing to forget', async () => {
    const t = setup();
    await t.identity.settle(undefined);
    assert.equal(t.identity.session, 'hws_1');
    t.events.length = 0;
    await t.identity.ended('unauthorized', 'hws_1');
    assert.deepEqual(t.events, ['ending', 'session hws_2']);
    assert.equal(t.identity.source, 'anonymous');
  });

  test("the token's exp with no one to ask: the session ends, anonymous, cleanly", async () => {
    const t = await verifiedAs('user-1');
    mock.timers.tick(600_000);
    // The timer's recovery runs in the identity's queue.
    await t.identity.ended('expired', t.identity.session);
    assert.equal(t.identity.source, 'anonymous');
    assert.deepEqual(t.events, ['ending', 'forget', 'session hws_2']);
  });

  test('a page whose token fails forgets the verified conversation kept from an earlier page', async () => {
    const warn = mock.method(console, 'warn', () => {});
    const t = await verifiedAs('user-1');
    t.server.rotate('second');
    await t.identity.settle(tokenFor('user-1', 'first'));
    assert.equal(warn.mock.callCount(), 1);
    assert.deepEqual(t.events, ['forget', 'session hws_2']);
    assert.equal(t.stored.get('hilal:bot_1:identity'), '{"source":"anonymous"}');
  });

  test('a verified token clears the last failure', async () => {
    mock.method(console, 'warn', () => {});
    const t = setup();
    await t.identity.settle(tokenFor('user-1', 'wrong'));
    assert.deepEqual(t.identity.report(), {
      state: 'anonymous',
      reason: 'invalid_signature',
      detail: 'signature_mismatch',
    });
    await t.identity.settle(tokenFor('user-1', 'first'));
    assert.deepEqual(t.identity.report(), { state: 'verified' });
  });
});
