import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DIALECTS } from './support/databases.js';
import { PASSWORD, seedUser, signIn } from './support/sign-in.js';
import { seedBot, startTestApp, type TestApp } from './support/test-app.js';

const FOREIGN = 'https://attacker.example';

for (const dialect of DIALECTS) {
  describe(`sign-in CSRF: only same-origin JSON signs in (${dialect})`, () => {
    let t: TestApp;
    const email = 'victim@acme.test';

    before(async () => {
      t = await startTestApp(dialect);
      await seedUser(t.services, email);
    });
    after(() => t.close());

    const body = () => JSON.stringify({ email, password: PASSWORD });
    // A cross-site <form enctype="text/plain"> posts `{"email":…,"password":…,"x":"=y"}` without a
    // CORS preflight; read as JSON, it signed the victim's browser in as the attacker.
    const nonJson: Array<[string, Record<string, string>, string]> = [
      ['text/plain (a cross-site form)', { 'content-type': 'text/plain' }, body()],
      ['text/plain with a charset', { 'content-type': 'text/plain;charset=UTF-8' }, body()],
      [
        'application/x-www-form-urlencoded',
        { 'content-type': 'application/x-www-form-urlencoded' },
        `email=${encodeURIComponent(email)}&password=${encodeURIComponent(PASSWORD)}`,
      ],
      [
        'multipart/form-data',
        { 'content-type': 'multipart/form-data; boundary=x' },
        `--x\r\nContent-Disposition: form-data; name="email"\r\n\r\n${email}\r\n--x--\r\n`,
      ],
      ['no content type', {}, body()],
      ['no content type and no body', {}, ''],
      ['a malformed content type', { 'content-type': 'json' }, body()],
    ];
    for (const [name, headers, payload] of nonJson) {
      it(`refuses ${name} with 415`, async () => {
        const res = await t.app.inject({
          method: 'POST',
          url: '/api/auth/login',
          headers,
          payload,
        });
        assert.equal(res.statusCode, 415, res.body);
        assert.deepEqual(res.json(), {
          error: 'unsupported_media_type',
          message: 'The request body must be application/json.',
        });
        assert.equal(res.headers['set-cookie'], undefined);
      });
    }

    it('accepts application/json, with or without a charset', async () => {
      for (const type of ['application/json', 'application/json; charset=utf-8']) {
        const res = await t.app.inject({
          method: 'POST',
          url: '/api/auth/login',
          headers: { 'content-type': type },
          payload: body(),
        });
        assert.equal(res.statusCode, 200, `${type}: ${res.body}`);
      }
    });

    it('refuses a foreign Origin with 403 foreign_origin', async () => {
      for (const origin of [FOREIGN, 'null', 'http://localhost:8080', 'https://localhost']) {
        const res = await signIn(t.app, email, PASSWORD, { headers: { origin } });
        assert.equal(res.statusCode, 403, `${origin}: ${res.body}`);
        assert.deepEqual(res.json(), {
          error: 'foreign_origin',
          message: 'Requests from another site are refused.',
        });
        assert.equal(res.headers['set-cookie'], undefined);
      }
    });

    it('signs in from its own origin, or with no Origin header', async () => {
      // app.inject talks to http://localhost:80, so that is the server's own origin here.
      const sameOrigin: Array<Record<string, string>> = [
        { origin: 'http://localhost' },
        { origin: 'http://LOCALHOST:80' },
        {},
      ];
      for (const headers of sameOrigin) {
        const res = await signIn(t.app, email, PASSWORD, { headers });
        assert.equal(res.statusCode, 200, `${JSON.stringify(headers)}: ${res.body}`);
        assert.match(String(res.headers['set-cookie']), /^hilal_admin=has_/);
      }
    });

    it('refuses a state-changing admin request from a foreign Origin (adminAuth)', async () => {
      const bot = await seedBot(t.services);
      await seedUser(t.services, 'manager@acme.test', 'admin', bot.orgId);
      const login = await signIn(t.app, 'manager@acme.test', PASSWORD);
      assert.equal(login.statusCode, 200, login.body);
      const cookie = String(login.headers['set-cookie']).split(';')[0] ?? '';
      const url = `/api/admin/bots/${bot.botId}/secret/regenerate`;

      const foreign = await t.app.inject({
        method: 'POST',
        url,
        headers: { cookie, 'x-hilal-csrf': '1', origin: FOREIGN },
      });
      assert.equal(foreign.statusCode, 403, foreign.body);
      assert.equal(foreign.json().error, 'foreign_origin');
      const status = await t.app.inject({
        method: 'GET',
        url: `/api/admin/bots/${bot.botId}/secret`,
        headers: { cookie, origin: FOREIGN },
      });
      assert.equal(status.statusCode, 200, 'a GET changes nothing and is not origin-checked');

      const own = await t.app.inject({
        method: 'POST',
        url,
        headers: { cookie, 'x-hilal-csrf': '1', origin: 'http://localhost' },
      });
      assert.equal(own.statusCode, 200, own.body);
    });
  });

  describe(`sign-in CSRF behind HILAL_PUBLIC_URL (${dialect})`, () => {
    let t: TestApp;
    let email: string;

    before(async () => {
      t = await startTestApp(dialect, { HILAL_PUBLIC_URL: 'https://chat.acme.test' });
      ({ email } = await seedUser(t.services, 'proxied@acme.test'));
    });
    after(() => t.close());

    it('takes the public URL as its own origin, not the Host header', async () => {
      const own = await signIn(t.app, email, PASSWORD, {
        headers: { origin: 'https://chat.acme.test' },
      });
      assert.equal(own.statusCode, 200, own.body);
      const host = await signIn(t.app, email, PASSWORD, {
        headers: { origin: 'http://localhost' },
      });
      assert.equal(host.statusCode, 403, host.body);
      assert.equal(host.json().error, 'foreign_origin');
    });
  });
}
