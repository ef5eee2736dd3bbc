import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ADMIN_SESSION_LIFETIME_MS, issueAdminSession } from '../src/accounts/admin-sessions.js';
import { findUserByEmail } from '../src/accounts/users-repository.js';
import { createChatbot } from '../src/bots/chatbots-repository.js';
import { ERROR_CODES, errorBody } from '../src/errors.js';
import { type AdminClient, adminClient, signedInAdmin } from './support/admin-client.js';
import { DIALECTS } from './support/databases.js';
import { type SeededBot, seedBot, startTestApp, type TestApp } from './support/test-app.js';
import { startTwoInstances, type TwoInstances } from './support/two-instances.js';

const BOTS = '/api/admin/bots';
const invalidSettings = (fields: Array<{ field: string; problem: string }>) => ({
  error: 'invalid_settings',
  message: ERROR_CODES.invalid_settings.message,
  fields,
});

for (const dialect of DIALECTS) {
  describe(`admin API: chatbots, settings and knowledge (${dialect})`, () => {
    let t: TestApp;
    let seeded: SeededBot;
    let owner: AdminClient;
    let admin: AdminClient;
    let agent: AdminClient;
    let n = 0;
    const newBot = async (client: AdminClient = owner) => {
      const res = await client.call('POST', BOTS, { name: ` Bot ${++n} ` });
      assert.equal(res.statusCode, 201, res.body);
      return res.json() as { id: string; name: string; settings: Record<string, unknown> };
    };

    before(async () => {
      t = await startTestApp(dialect);
      // A bot with a secret of its own: no admin GET below may ever show it.
      seeded = await seedBot(t.services);
      owner = await signedInAdmin(t.app, t.services, 'owner@acme.test', 'owner', seeded.orgId);
      admin = await signedInAdmin(t.app, t.services, 'admin@acme.test', 'admin', seeded.orgId);
      agent = await signedInAdmin(t.app, t.services, 'agent@acme.test', 'agent', seeded.orgId);
    });
    after(() => t.close());

    it('creates, lists and shows a chatbot with every default filled in', async () => {
      const created = await newBot(admin);
      assert.match(created.id, /^bot_[0-9a-f]{24}$/);
      assert.deepEqual(created, {
        id: created.id,
        name: `Bot ${n}`,
        settings: {
          title: `Bot ${n}`,
          color: '#0f766e',
          position: 'right',
          welcome: 'Hi! Ask us anything.',
          allowedOrigins: [],
          identityMode: 'optional',
        },
      });
      const list = await owner.call('GET', BOTS);
      assert.equal(list.statusCode, 200);
      assert.deepEqual(list.json().bots.slice(0, 1), [{ id: seeded.botId, name: 'Support' }]);
      assert.ok(list.json().bots.some((b: { id: string }) => b.id === created.id));
      const shown = await owner.call('GET', `${BOTS}/${created.id}`);
      assert.deepEqual(shown.json(), created);
      const blank = await owner.call('POST', BOTS, { name: '   ' });
      assert.deepEqual(blank.json(), invalidSettings([{ field: 'name', problem: 'blank' }]));
    });

    it('saves settings normalized: colour, origins (deduplicated), identity mode, {name} in the welcome', async () => {
      const bot = await newBot();
      const res = await admin.call('PATCH', `${BOTS}/${bot.id}`, {
        name: 'Sales',
        welcome: 'Hi {name}, welcome back!',
        allowedOrigins: ['https://Shop.Example/', 'https://shop.example', 'http://localhost:8080'],
        identityMode: 'required',
        color: '#AABBCC',
        title: 'Ask sales',
        position: 'left',
      });
      assert.equal(res.statusCode, 200, res.body);
      const expected = {
        id: bot.id,
        name: 'Sales',
        settings: {
          title: 'Ask sales',
          color: '#aabbcc',
          position: 'left',
          welcome: 'Hi {name}, welcome back!',
          allowedOrigins: ['https://shop.example', 'http://localhost:8080'],
          identityMode: 'required',
        },
      };
      assert.deepEqual(res.json(), expected);
      assert.deepEqual((await owner.call('GET', `${BOTS}/${bot.id}`)).json(), expected);
      // Only the fields sent change.
      const one = await owner.call('PATCH', `${BOTS}/${bot.id}`, { color: '#000000' });
      assert.deepEqual(one.json(), {
        ...expected,
        settings: { ...expected.settings, color: '#000000' },
      });

      const config = await t.app.inject({
        method: 'GET',
        url: `/api/widget/config?orgId=${seeded.orgId}&botId=${bot.id}`,
        headers: { origin: 'https://shop.example' },
      });
      assert.equal(config.statusCode, 200, config.body);
      assert.equal(config.json().identityMode, 'required');
      assert.equal(config.json().welcome, 'Hi {name}, welcome back!');
    });

    // One row per rule: the body sent, and the fields the 400 names.
    const rules: Array<[string, object, Array<{ field: string; problem: string }>]> = [
      [
        'a colour of three digits',
        { color: '#abc' },
        [{ field: 'color', problem: 'invalid_color' }],
      ],
      ['a colour name', { color: 'red' }, [{ field: 'color', problem: 'invalid_color' }]],
      [
        'origins with a path, another scheme, no URL at all, a user, a query',
        {
          allowedOrigins: [
            'https://ok.example',
            'https://shop.example/path',
            'ftp://shop.example',
            'shop.example',
            'https://user@shop.example',
            'https://shop.example?x=1',
          ],
        },
        [1, 2, 3, 4, 5].map((i) => ({ field: `allowedOrigins[${i}]`, problem: 'invalid_origin' })),
      ],
      [
        '51 origins',
        { allowedOrigins: Array.from({ length: 51 }, (_, i) => `https://s${i}.example`) },
        [{ field: 'allowedOrigins', problem: 'too_many' }],
      ],
      [
        'a title of 81 characters',
        { title: 'é'.repeat(81) },
        [{ field: 'title', problem: 'too_long' }],
      ],
      ['a blank title', { title: ' \n ' }, [{ field: 'title', problem: 'blank' }]],
      [
        'a welcome of 1001 characters',
        { welcome: '🎉'.repeat(1001) },
        [{ field: 'welcome', problem: 'too_long' }],
      ],
      ['a blank welcome', { welcome: '' }, [{ field: 'welcome', problem: 'blank' }]],
      [
        'an unknown identity mode',
        { identityMode: 'strict' },
        [{ field: 'identityMode', problem: 'invalid_value' }],
      ],
      [
        'an unknown position',
        { position: 'top' },
        [{ field: 'position', problem: 'invalid_value' }],
      ],
      [
        'several at once',
        { name: '', color: 'blue', welcome: ' ' },
        [
          { field: 'name', problem: 'blank' },
          { field: 'welcome', problem: 'blank' },
          { field: 'color', problem: 'invalid_color' },
        ],
      ],
    ];
    for (const [what, body, fields] of rules) {
      it(`refuses ${what} with 400 invalid_settings, naming the field, and saves nothing`, async () => {
        const bot = await newBot();
        const res = await owner.call('PATCH', `${BOTS}/${bot.id}`, body);
        assert.equal(res.statusCode, 400, res.body);
        assert.deepEqual(res.json(), invalidSettings(fields));
        assert.deepEqual((await owner.call('GET', `${BOTS}/${bot.id}`)).json(), bot);
      });
    }

    it('keeps every field of saves made at the same moment (Basic and Appearance in two tabs)', async () => {
      for (let round = 0; round < 5; round++) {
        const bot = await newBot();
        const changes = [
          { color: '#123456' },
          { title: `Title ${round}` },
          { position: 'left' },
          { welcome: `Welcome ${round}` },
          { identityMode: 'required' },
          { allowedOrigins: ['https://shop.example'] },
        ];
        const saves = await Promise.all(
          changes.map((change) => owner.call('PATCH', `${BOTS}/${bot.id}`, change)),
        );
        for (const save of saves) assert.equal(save.statusCode, 200, save.body);
        const { settings } = (await owner.call('GET', `${BOTS}/${bot.id}`)).json();
        for (const change of changes) {
          const [field, value] = Object.entries(change)[0] as [string, unknown];
          assert.deepEqual(settings[field], value, `round ${round}: ${field} was lost`);
        }
      }
    });

    it('keeps a welcome of exactly 1000 characters and 50 origins', async () => {
      const bot = await newBot();
      const welcome = '🎉'.repeat(1000);
      const allowedOrigins = Array.from({ length: 50 }, (_, i) => `https://s${i}.example`);
      const res = await owner.call('PATCH', `${BOTS}/${bot.id}`, { welcome, allowedOrigins });
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.json().settings.welcome, welcome);
      assert.equal(res.json().settings.allowedOrigins.length, 50);
    });

    it('adds, lists, edits and deletes knowledge entries, within their limits', async () => {
      const bot = await newBot(admin);
      const url = `${BOTS}/${bot.id}/knowledge`;
      const added = await admin.call('POST', url, { title: 'Hours', body: 'Open 9–5.' });
      assert.equal(added.statusCode, 201, added.body);
      const entry = added.json();
      assert.match(entry.id, /^kb_/);
      assert.deepEqual((await admin.call('GET', url)).json(), { entries: [entry] });

      const edited = await admin.call('PATCH', `${url}/${entry.id}`, { body: 'Open 8–6.' });
      assert.deepEqual(edited.json(), { ...entry, body: 'Open 8–6.' });

      const invalid = await admin.call('POST', url, { title: 'x'.repeat(201), body: ' ' });
      assert.equal(invalid.statusCode, 400);
      assert.deepEqual(invalid.json(), {
        error: 'invalid_knowledge_entry',
        message: ERROR_CODES.invalid_knowledge_entry.message,
        fields: [
          { field: 'title', problem: 'too_long' },
          { field: 'body', problem: 'blank' },
        ],
      });
      const long = await admin.call('PATCH', `${url}/${entry.id}`, { body: 'y'.repeat(10_001) });
      assert.deepEqual(long.json().fields, [{ field: 'body', problem: 'too_long' }]);
      assert.equal(
        (await admin.call('POST', url, { title: 'T', body: 'y'.repeat(10_000) })).statusCode,
        201,
      );

      const deleted = await admin.call('DELETE', `${url}/${entry.id}`);
      assert.equal(deleted.statusCode, 204);
      const again = await admin.call('DELETE', `${url}/${entry.id}`);
      assert.equal(again.statusCode, 404);
      assert.equal(again.json().error, 'knowledge_entry_not_found');
    });

    it("answers 404 for another organization's bot and entries on every route, changing nothing", async () => {
      const stranger = await signedInAdmin(t.app, t.services, 'stranger@other.test', 'owner');
      const bot = await newBot();
      const entry = (
        await owner.call('POST', `${BOTS}/${bot.id}/knowledge`, { title: 'Mine', body: 'mine' })
      ).json();
      // An entry of one bot is not reachable under another bot of the same organization either.
      const sibling = await newBot();
      const crossBot = await owner.call('DELETE', `${BOTS}/${sibling.id}/knowledge/${entry.id}`);
      assert.equal(crossBot.statusCode, 404);
      assert.equal(crossBot.json().error, 'knowledge_entry_not_found');

      for (const [method, url, payload] of [
        ['GET', `${BOTS}/${bot.id}`, undefined],
        ['PATCH', `${BOTS}/${bot.id}`, { name: 'Taken over' }],
        ['GET', `${BOTS}/${bot.id}/knowledge`, undefined],
        ['POST', `${BOTS}/${bot.id}/knowledge`, { title: 'Injected', body: 'x' }],
        ['PATCH', `${BOTS}/${bot.id}/knowledge/${entry.id}`, { title: 'Changed' }],
        ['DELETE', `${BOTS}/${bot.id}/knowledge/${entry.id}`, undefined],
      ] as const) {
        const res = await stranger.call(method, url, payload);
        assert.equal(res.statusCode, 404, `${method} ${url}: ${res.body}`);
        assert.equal(res.json().error, 'bot_not_found');
      }
      assert.deepEqual((await stranger.call('GET', BOTS)).json(), { bots: [] });
      assert.equal((await owner.call('GET', `${BOTS}/${bot.id}`)).json().name, bot.name);
      assert.deepEqual((await owner.call('GET', `${BOTS}/${bot.id}/knowledge`)).json(), {
        entries: [entry],
      });
    });

    it('lets agents list the chatbots by name, for the inbox filter, and nothing more', async () => {
      const bot = await newBot();
      const res = await agent.call('GET', BOTS);
      assert.equal(res.statusCode, 200);
      assert.deepEqual(res.json(), (await owner.call('GET', BOTS)).json());
      assert.ok(res.json().bots.some((b: { id: string }) => b.id === bot.id));
      assert.equal((await agent.call('GET', `${BOTS}/${bot.id}`)).statusCode, 403);
    });

    // Attack review: GET /api/admin/bots is open to agents; what they, and others, get from it.

    it("an agent sees its own organization's bots by id and name only, never a setting or secret", async () => {
      const bot = await newBot();
      const patched = await owner.call('PATCH', `${BOTS}/${bot.id}`, {
        welcome: 'Private welcome text',
        allowedOrigins: ['https://private.example'],
      });
      assert.equal(patched.statusCode, 200, patched.body);
      const otherOrgAgent = await signedInAdmin(
        t.app,
        t.services,
        `agent-${bot.id}@other.test`,
        'agent',
      );
      const theirs = await createChatbot(t.services.db, otherOrgAgent.orgId, 'Theirs', Date.now());

      const res = await agent.call('GET', BOTS);
      assert.equal(res.statusCode, 200);
      for (const listed of res.json().bots) assert.deepEqual(Object.keys(listed), ['id', 'name']);
      assert.ok(!res.json().bots.some((b: { id: string }) => b.id === theirs.id));
      for (const text of [seeded.secret ?? '', 'Private welcome text', 'private.example']) {
        assert.ok(!res.body.includes(text), 'the list holds more than names');
      }
      const other = await otherOrgAgent.call('GET', BOTS);
      assert.deepEqual(other.json(), { bots: [{ id: theirs.id, name: 'Theirs' }] });
    });

    it('agents get 403 forbidden on every secret and security route, of any bot, changing nothing', async () => {
      const before = (await owner.call('GET', `${BOTS}/${seeded.botId}/secret`)).json();
      const foreign = await seedBot(t.services);
      for (const botId of [seeded.botId, foreign.botId, 'bot_nope']) {
        const secret = `${BOTS}/${botId}/secret`;
        for (const [method, url, payload] of [
          ['GET', secret, undefined],
          ['POST', `${secret}/regenerate`, undefined],
          ['POST', `${secret}/save`, undefined],
          ['POST', `${secret}/cancel`, undefined],
          ['DELETE', secret, undefined],
          ['POST', `${secret}/check`, { token: 'a.b.c' }],
          ['GET', `${BOTS}/${botId}/security`, undefined],
          ['GET', `${BOTS}/${botId}`, undefined],
          ['PATCH', `${BOTS}/${botId}`, { name: 'Taken over' }],
        ] as const) {
          const res = await agent.call(method, url, payload);
          assert.equal(res.statusCode, 403, `agent ${method} ${url}`);
          assert.deepEqual(res.json(), errorBody('forbidden'));
        }
      }
      assert.deepEqual((await owner.call('GET', `${BOTS}/${seeded.botId}/secret`)).json(), before);
    });

    it('a signed-out, expired, demoted or removed user’s cookie gets what the user now may', async () => {
      const signedOut = await signedInAdmin(
        t.app,
        t.services,
        'out@acme.test',
        'agent',
        seeded.orgId,
      );
      assert.equal((await signedOut.call('POST', '/api/auth/logout')).statusCode, 204);
      const user = await findUserByEmail(t.services.db, 'agent@acme.test');
      assert.ok(user);
      const old = await issueAdminSession(
        t.services.db,
        { id: user.id, organizationId: user.organization_id },
        Date.now() - ADMIN_SESSION_LIFETIME_MS,
      );
      const expired = adminClient(t.app, seeded.orgId, user.email, `hilal_admin=${old}`);
      for (const client of [signedOut, expired]) {
        const res = await client.call('GET', BOTS);
        assert.equal(res.statusCode, 401);
        assert.deepEqual(res.json(), errorBody('unauthorized'));
      }

      // The role is read at each request: a demoted admin keeps the list and loses the rest.
      const demoted = await signedInAdmin(
        t.app,
        t.services,
        'demoted@acme.test',
        'admin',
        seeded.orgId,
      );
      const id = (await findUserByEmail(t.services.db, demoted.email))?.id;
      const bot = `${BOTS}/${seeded.botId}`;
      assert.equal((await demoted.call('GET', bot)).statusCode, 200);
      const demote = await owner.call('PATCH', `/api/admin/members/${id}`, { role: 'agent' });
      assert.equal(demote.statusCode, 200, demote.body);
      assert.equal((await demoted.call('GET', BOTS)).statusCode, 200);
      const refused = await demoted.call('GET', bot);
      assert.equal(refused.statusCode, 403);
      assert.deepEqual(refused.json(), errorBody('forbidden'));
      assert.equal((await owner.call('DELETE', `/api/admin/members/${id}`)).statusCode, 204);
      const removed = await demoted.call('GET', BOTS);
      assert.equal(removed.statusCode, 401);
      assert.deepEqual(removed.json(), errorBody('unauthorized'));
    });

    it('an oversized or NUL-laden request from an agent is refused in the error shape, creating nothing', async () => {
      const count = (await owner.call('GET', BOTS)).json().bots.length;
      const huge = await agent.call('POST', BOTS, { name: 'x'.repeat(64 * 1024) });
      assert.equal(huge.statusCode, 413);
      assert.deepEqual(huge.json(), errorBody('payload_too_large'));
      const nul = await agent.call('POST', BOTS, { name: 'Bot\u0000' });
      assert.equal(nul.statusCode, 400);
      assert.deepEqual(nul.json(), errorBody('invalid_character'));
      const query = await agent.call('GET', `${BOTS}?x=%00`);
      assert.equal(query.statusCode, 400);
      assert.deepEqual(query.json(), errorBody('invalid_character'));
      assert.equal((await owner.call('GET', BOTS)).json().bots.length, count);
    });

    it('refuses agents (403) and changes without X-Hilal-CSRF (403) on every route', async () => {
      const bot = await newBot();
      const entry = (
        await owner.call('POST', `${BOTS}/${bot.id}/knowledge`, { title: 'A', body: 'b' })
      ).json();
      const routes = [
        ['POST', BOTS, { name: 'Nope' }],
        ['GET', `${BOTS}/${bot.id}`, undefined],
        ['PATCH', `${BOTS}/${bot.id}`, { name: 'Nope' }],
        ['GET', `${BOTS}/${bot.id}/knowledge`, undefined],
        ['POST', `${BOTS}/${bot.id}/knowledge`, { title: 'Nope', body: 'x' }],
        ['PATCH', `${BOTS}/${bot.id}/knowledge/${entry.id}`, { title: 'Nope' }],
        ['DELETE', `${BOTS}/${bot.id}/knowledge/${entry.id}`, undefined],
      ] as const;
      for (const [method, url, payload] of routes) {
        const res = await agent.call(method, url, payload);
        assert.equal(res.statusCode, 403, `agent ${method} ${url}`);
        assert.equal(res.json().error, 'forbidden');
        if (method === 'GET') continue;
        const noCsrf = await owner.call(method, url, payload, { csrf: false });
        assert.equal(noCsrf.statusCode, 403, `no CSRF ${method} ${url}`);
        assert.equal(noCsrf.json().error, 'forbidden');
      }
      assert.equal((await owner.call('GET', `${BOTS}/${bot.id}`)).json().name, bot.name);
      assert.equal(
        (await owner.call('GET', `${BOTS}/${bot.id}/knowledge`)).json().entries.length,
        1,
      );
    });

    it('shows no secret and no password hash in any admin GET response', async () => {
      const bot = seeded.botId;
      const secret = seeded.secret ?? '';
      assert.equal(secret.length, 64);
      await owner.call('POST', `${BOTS}/${bot}/knowledge`, { title: 'Hours', body: '9–5' });
      const pending = await owner.call('POST', `${BOTS}/${bot}/secret/regenerate`);
      const pendingSecret = pending.json().secret as string;
      const hashes = (
        await t.services.db.selectFrom('users').select('password_hash').execute()
      ).map((row) => row.password_hash);
      const ciphertexts = (
        await t.services.db.selectFrom('widget_secrets').select('ciphertext').execute()
      ).flatMap((row) => (row.ciphertext === null ? [] : [row.ciphertext]));
      const forbidden = [secret, pendingSecret, ...hashes, ...ciphertexts, 'scrypt$'];
      for (const url of [
        BOTS,
        `${BOTS}/${bot}`,
        `${BOTS}/${bot}/knowledge`,
        `${BOTS}/${bot}/secret`,
        '/api/admin/members',
        '/api/auth/me',
        '/api/admin/conversations',
      ]) {
        const res = await owner.call('GET', url);
        assert.equal(res.statusCode, 200, `${url}: ${res.body}`);
        for (const text of forbidden) assert.ok(!res.body.includes(text), `${url} leaks`);
      }
    });

    it('refuses U+0000 in a setting with 400 invalid_character', async () => {
      const bot = await newBot();
      const res = await owner.call('PATCH', `${BOTS}/${bot.id}`, { welcome: 'Hi\u0000' });
      assert.equal(res.statusCode, 400);
      assert.equal(res.json().error, 'invalid_character');
    });
  });
}

describe('GET /api/admin/bots across instances: one PostgreSQL database and Redis', () => {
  let two: TwoInstances;
  before(async () => {
    two = await startTwoInstances();
  });
  after(() => two.close());

  it('an agent signed in on A lists the same names on B, and its sign-out on A holds on B', async () => {
    const bot = await seedBot(two.a.services);
    const onA = await signedInAdmin(
      two.a.app,
      two.a.services,
      'agent@two.test',
      'agent',
      bot.orgId,
    );
    const onB = adminClient(two.b.app, onA.orgId, onA.email, onA.cookie);
    const listed = await onB.call('GET', BOTS);
    assert.equal(listed.statusCode, 200, listed.body);
    assert.deepEqual(listed.json(), { bots: [{ id: bot.botId, name: 'Support' }] });
    const settings = await onB.call('GET', `${BOTS}/${bot.botId}`);
    assert.equal(settings.statusCode, 403);
    assert.deepEqual(settings.json(), errorBody('forbidden'));

    assert.equal((await onA.call('POST', '/api/auth/logout')).statusCode, 204);
    const after = await onB.call('GET', BOTS);
    assert.equal(after.statusCode, 401);
    assert.deepEqual(after.json(), errorBody('unauthorized'));
  });
});
