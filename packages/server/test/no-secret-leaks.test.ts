import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { sql } from 'kysely';
import type { AppServices } from '../src/services.js';
import { DIALECTS } from './support/databases.js';
import { seedBot, startTestApp } from './support/test-app.js';
import { b64url, signHs256 } from './support/tokens.js';

/** Every row of every table, as text: what a database dump would hold. */
async function dumpDatabase(services: AppServices): Promise<string> {
  const tables =
    services.dialect === 'sqlite'
      ? await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(
          services.db,
        )
      : await sql<{
          name: string;
        }>`select table_name as name from information_schema.tables where table_schema = 'public'`.execute(
          services.db,
        );
  const parts: string[] = [];
  for (const { name } of tables.rows) {
    const rows = await sql`select * from ${sql.table(name)}`.execute(services.db);
    parts.push(name, JSON.stringify(rows.rows));
  }
  return parts.join('\n');
}

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(full) : [full];
  });
}

for (const dialect of DIALECTS) {
  describe(`secrets and tokens never reach the data directory, the database or the logs (${dialect})`, () => {
    it('after secrets, verifications and failures at log level trace', async () => {
      const t = await startTestApp(dialect, { LOG_LEVEL: 'trace' });
      const bot = await seedBot(t.services);
      const secret = bot.secret ?? '';
      // A pending (regenerated, unsaved) secret must not leak either.
      const pending = await t.services.secrets.regenerate(bot.orgId, bot.botId, 'test');
      const exp = Math.floor(Date.now() / 1000) + 600;
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
      const files = filesUnder(t.env.dataDir).map((file) =>
        fs.readFileSync(file).toString('latin1'),
      );
      const logs = t.logs.join('\n');
      await t.env.cleanup();

      assert.ok(
        logs.includes('"level":10') || logs.includes('incoming request'),
        'the logs were captured',
      );
      assert.ok(dump.includes(bot.botId), 'the dump holds the data');
      const needles: Array<[string, string]> = [
        ['secret', secret],
        ['pending secret', pending.secret],
        ['session credential', session],
        ...tokens.flatMap(
          (token, i): Array<[string, string]> => [
            [`token ${i}`, token],
            [`token ${i} payload`, token.split('.')[1] ?? ''],
            [`token ${i} signature`, token.split('.')[2] ?? ''],
          ],
        ),
        ['sub inside a token', b64url('leak-test-user')],
      ];
      for (const [what, needle] of needles) {
        assert.ok(needle.length >= 8);
        assert.ok(!logs.includes(needle), `${what} is in the logs`);
        assert.ok(!dump.includes(needle), `${what} is in the database`);
        for (const file of files) assert.ok(!file.includes(needle), `${what} is in a data file`);
      }
    });
  });
}
