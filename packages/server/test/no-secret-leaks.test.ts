import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { dumpDatabase } from './support/database-dump.js';
import { DIALECTS } from './support/databases.js';
import { seedBot, startTestApp } from './support/test-app.js';
import { signHs256 } from './support/tokens.js';

/**
 * Every text a value could leave behind if it leaked: its bytes as they are, in hex (either
 * case), and in base64 and base64url at each of the 3 offsets it can start at within a
 * 3-byte group. A base64 needle must be aligned with the bytes around it: for each offset, only
 * the characters that depend on the value's bytes alone are kept.
 */
function encodingsOf(bytes: Buffer): Array<[string, Buffer]> {
  const found: Array<[string, Buffer]> = [
    ['raw', bytes],
    ['hex', Buffer.from(bytes.toString('hex'))],
    ['HEX', Buffer.from(bytes.toString('hex').toUpperCase())],
  ];
  for (const encoding of ['base64', 'base64url'] as const) {
    for (let offset = 0; offset < 3; offset++) {
      const text = Buffer.concat([Buffer.alloc(offset), bytes]).toString(encoding);
      const first = Math.ceil((offset * 8) / 6);
      const last = Math.floor(((offset + bytes.length) * 8) / 6);
      found.push([`${encoding}@${offset}`, Buffer.from(text.slice(first, last))]);
    }
  }
  return found;
}

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(full) : [full];
  });
}

describe('the needles the leak test searches for', () => {
  it('find a value in every encoding, wherever within the 3-byte groups of base64 it starts', () => {
    const value = Buffer.from('3f9a0c1d2e4b5a6978877665c21e');
    for (const before of ['', 'k', 'ke', 'key', 'key=']) {
      for (const after of ['', '!', '!!', '!!!']) {
        const around = Buffer.concat([Buffer.from(before), value, Buffer.from(after)]);
        const texts = [
          around,
          Buffer.from(around.toString('hex')),
          Buffer.from(around.toString('hex').toUpperCase()),
          Buffer.from(around.toString('base64')),
          Buffer.from(around.toString('base64url')),
        ];
        assert.ok(
          texts.every((text) => encodingsOf(value).some(([, needle]) => text.includes(needle))),
          `"${before}" before, "${after}" after`,
        );
      }
    }
  });
});

for (const dialect of DIALECTS) {
  describe(`secrets and tokens never reach the data directory, the database or the logs (${dialect})`, () => {
    it('after secrets, verifications and failures at log level trace', async () => {
      const nowMs = Date.UTC(2030, 0, 1);
      const t = await startTestApp(dialect, { LOG_LEVEL: 'trace' }, { now: () => nowMs });
      const bot = await seedBot(t.services);
      const secret = bot.secret ?? '';
      // A pending (regenerated, unsaved) secret must not leak either.
      const pending = await t.services.secrets.regenerate(bot.orgId, bot.botId, 'test');
      const exp = nowMs / 1000 + 600;
      const valid = signHs256(secret, { sub: 'leak-test-user', exp });
      const wrongKey = signHs256('f'.repeat(64), { sub: 'x', exp });
      const expired = signHs256(secret, { sub: 'x', exp: exp - 3600 });
      const tokens = [valid, wrongKey, expired];

      const post = (payload: string, headers: Record<string, string> = {}) =>
        t.app.inject({
          method: 'POST',
          url: '/api/widget/verify-jwt',
          headers: { 'content-type': 'application/json', ...headers },
          payload,
        });
      const ok = await post(JSON.stringify({ orgId: bot.orgId, botId: bot.botId, token: valid }));
      assert.equal(ok.statusCode, 200);
      const session: string = ok.json().session;
      for (const token of [wrongKey, expired]) {
        assert.equal(
          (await post(JSON.stringify({ orgId: bot.orgId, botId: bot.botId, token }))).statusCode,
          401,
        );
      }
      // Broken JSON that quotes the token, and a request that carries the session credential.
      assert.equal((await post(`{"token":"${valid}`)).statusCode, 400);
      await post(JSON.stringify({ orgId: bot.orgId, botId: bot.botId, token: valid }), {
        authorization: `Bearer ${session}`,
        cookie: `hilal=${valid}`,
      });
      await t.services.counters.flush();

      const dump = await dumpDatabase(t.services);
      await t.app.close();
      await t.services.close();
      const files = filesUnder(t.env.dataDir).map((file): [string, Buffer] => [
        path.relative(t.env.dataDir, file),
        fs.readFileSync(file),
      ]);
      const logs = Buffer.from(t.logs.join('\n'));
      await t.env.cleanup();

      const logged = logs.toString().split('"msg":"request completed"').length - 1;
      assert.ok(logged >= 5, `every request was logged (${logged} of 5)`);
      assert.ok(dump.includes(bot.botId), 'the dump holds the data');
      assert.ok(
        files.some(([name]) => name.endsWith('.sqlite')) || dialect === 'postgres',
        'the database file is among the data files',
      );
      const values: Array<[string, Buffer]> = [
        ['secret', Buffer.from(secret)],
        // The key as bytes, had it been stored hex-decoded rather than as text.
        ['secret, hex-decoded', Buffer.from(secret, 'hex')],
        ['pending secret', Buffer.from(pending.secret)],
        ['pending secret, hex-decoded', Buffer.from(pending.secret, 'hex')],
        ['session credential', Buffer.from(session)],
        ...tokens.flatMap((token, i): Array<[string, Buffer]> => {
          const [, payload = '', signature = ''] = token.split('.');
          return [
            [`token ${i}`, Buffer.from(token)],
            [`token ${i} payload`, Buffer.from(payload)],
            [`token ${i} signature`, Buffer.from(signature)],
            [`token ${i} claims`, Buffer.from(payload, 'base64url')],
            [`token ${i} signature bytes`, Buffer.from(signature, 'base64url')],
          ];
        }),
      ];
      const places: Array<[string, Buffer]> = [
        ['the logs', logs],
        ['the database', dump],
        ...files.map(([name, bytes]): [string, Buffer] => [`data file ${name}`, bytes]),
      ];
      for (const [what, value] of values) {
        for (const [encoding, needle] of encodingsOf(value)) {
          assert.ok(needle.length >= 16, `${what} as ${encoding} is long enough to search for`);
          for (const [where, haystack] of places) {
            assert.ok(!haystack.includes(needle), `${what} (${encoding}) is in ${where}`);
          }
        }
      }
    });
  });
}
