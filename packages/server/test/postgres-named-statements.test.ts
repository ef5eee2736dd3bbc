import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Kysely, Kysely as KyselyDb, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { withNamedStatements } from '../src/db/postgres-named-statements.js';
import { prepareQuery } from '../src/db/prepared-query.js';
import { TEST_POSTGRES_URL } from './support/databases.js';

interface Nothing {
  pg_prepared_statements: { name: string; statement: string };
}

// A query of the chat API's kind (prepared once, run with each call's values) and an ordinary one.
const greeting = prepareQuery((db: Kysely<Nothing>, p: { who: string }) =>
  db.selectNoFrom((eb) => eb.val(p.who).as('who')),
);

describe('PostgreSQL keeps the hot path’s statements prepared (db/postgres-named-statements.ts)', () => {
  // One connection, so that what it prepared can be read back from it.
  const pool = new pg.Pool({ connectionString: TEST_POSTGRES_URL, max: 1 });
  let db: Kysely<Nothing>;
  before(() => {
    db = new KyselyDb<Nothing>({
      dialect: new PostgresDialect({ pool: withNamedStatements(pool) }),
    });
  });
  after(() => db.destroy());

  const prepared = () =>
    db.selectFrom('pg_prepared_statements').select(['name', 'statement']).execute();

  it('runs a prepared query as one named statement, whatever its values', async () => {
    assert.deepEqual(await greeting.takeFirst(db, { who: 'ada' }), { who: 'ada' });
    assert.deepEqual(await greeting.takeFirst(db, { who: 'grace' }), { who: 'grace' });
    const named = (await prepared()).filter((row) => row.statement.includes('"who"'));
    assert.equal(named.length, 1);
    assert.match(named[0]?.name ?? '', /^hilal_[0-9a-f]{24}$/);
  });

  it('leaves every other query unnamed', async () => {
    const before = (await prepared()).length;
    await sql`select ${'x'}::text as other`.execute(db);
    await db
      .selectFrom('pg_prepared_statements')
      .select('name')
      .where('name', '=', 'none')
      .execute();
    const after = await prepared();
    assert.equal(after.length, before);
    assert.ok(after.every((row) => !row.statement.includes('other')));
  });

  it('prepares inside a transaction on its connection alike', async () => {
    const who = await db
      .transaction()
      .execute((trx) => greeting.takeFirst(trx, { who: 'katherine' }));
    assert.deepEqual(who, { who: 'katherine' });
  });
});
