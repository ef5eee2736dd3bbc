import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DIALECTS } from './support/databases.js';
import { PASSWORD, seedUser, signIn } from './support/sign-in.js';
import { startTestApp, type TestApp } from './support/test-app.js';

for (const dialect of DIALECTS) {
  // docs/contract.md §10: PostgreSQL cannot store U+0000, and the email reached its query: a 500.
  describe(`a NUL in the sign-in email is a 400, never a 500 (${dialect})`, () => {
    let t: TestApp;

    before(async () => {
      t = await startTestApp(dialect);
      await seedUser(t.services, 'nul@acme.test');
    });
    after(() => t.close());

    for (const [where, email, password] of [
      ['at the end of the email', 'nul@acme.test\u0000', PASSWORD],
      ['inside the email', 'a\u0000b@acme.test', PASSWORD],
      // scrypt's HMAC pads its key with zeros, so `password\0` would have matched `password`.
      ['at the end of the password', 'nul@acme.test', `${PASSWORD}\u0000`],
    ] as const) {
      it(`refuses U+0000 ${where} with 400 invalid_character`, async () => {
        const res = await signIn(t.app, email, password);
        assert.equal(res.statusCode, 400, res.body);
        assert.deepEqual(res.json(), {
          error: 'invalid_character',
          message: 'Text may not contain the NUL character (U+0000).',
        });
      });
    }
  });
}
