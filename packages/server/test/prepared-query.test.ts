import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CamelCasePlugin, type Kysely, type KyselyPlugin, NoResultError, sql } from 'kysely';
import { type DatabaseHandle, openDatabase } from '../src/db/database.js';
import { prepareQuery, prepareQueryVariants } from '../src/db/prepared-query.js';
import { createTestEnvironment, DIALECTS, type TestEnvironment } from './support/databases.js';

// A table of this test's own, outside the app's schema.
interface Items {
  items: { id: string; org: string; kind: string; n: number; note: string | null };
}

// One set of prepared queries for every database below: each compiles its own SQL.
let builds = 0;
const itemsOfKind = prepareQuery(
  (db: Kysely<Items>, p: { org: string; kind: string; above: number; limit: number }) => {
    builds += 1;
    return db
      .selectFrom('items')
      .select(['id', 'n', 'note'])
      .where('org', '=', p.org)
      .where('kind', '=', p.kind)
      .where('kind', '!=', 'hidden')
      .where('n', '>', p.above)
      .orderBy('n')
      .limit(p.limit);
  },
);

// `org` twice: in the subquery and in the outer query.
const largestOfOrg = prepareQuery((db: Kysely<Items>, p: { org: string }) =>
  db
    .selectFrom('items')
    .select('id')
    .where('org', '=', p.org)
    .where(
      'n',
      '=',
      db
        .selectFrom('items')
        .select((eb) => eb.fn.max('n').as('n'))
        .where('org', '=', p.org),
    ),
);

const insertItem = prepareQuery(
  (
    db: Kysely<Items>,
    p: { id: string; org: string; kind: string; n: number; note: string | null },
  ) =>
    db
      .insertInto('items')
      .values({ id: p.id, org: p.org, kind: p.kind, n: p.n, note: p.note })
      .returning(['id', 'note']),
);

const setItem = prepareQueryVariants(
  (db: Kysely<Items>, p: { id: string; n: number; note?: string | null }, set: 'n' | 'n+note') =>
    db
      .updateTable('items')
      .set(set === 'n' ? { n: p.n } : { n: p.n, note: p.note })
      .where('id', '=', p.id),
);

for (const dialect of DIALECTS) {
  describe(`prepared queries (${dialect})`, () => {
    let env: TestEnvironment;
    let handle: DatabaseHandle;
    let db: Kysely<Items>;
    const statements: string[] = [];

    before(async () => {
      env = await createTestEnvironment(dialect);
      handle = openDatabase(env.databaseUrl, {
        log: (event) => void statements.push(event.query.sql),
      });
      db = handle.db as unknown as Kysely<Items>;
      await db.schema
        .createTable('items')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('org', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('n', 'integer', (c) => c.notNull())
        .addColumn('note', 'text')
        .execute();
      for (let i = 1; i <= 12; i += 1) {
        await db
          .insertInto('items')
          .values({
            id: `i${i}`,
            org: i % 2 ? 'odd' : 'even',
            kind: i % 3 ? 'k' : 'hidden',
            n: i,
            note: null,
          })
          .execute();
      }
    });
    after(async () => {
      await handle.destroy();
      await env.cleanup();
    });

    it('returns what the ordinary builder does, each call with its own values in their places', async () => {
      const buildsBefore = builds;
      for (const [org, kind, above, limit] of [
        ['odd', 'k', 0, 10],
        ['even', 'k', 3, 2],
        ['even', 'hidden', 0, 10],
        ['odd', 'k', 100, 10],
      ] as const) {
        const rows = await itemsOfKind.rows(db, { org, kind, above, limit });
        const expected = await db
          .selectFrom('items')
          .select(['id', 'n', 'note'])
          .where('org', '=', org)
          .where('kind', '=', kind)
          .where('kind', '!=', 'hidden')
          .where('n', '>', above)
          .orderBy('n')
          .limit(limit)
          .execute();
        assert.deepEqual(rows, expected);
      }
      assert.deepEqual(
        (await itemsOfKind.rows(db, { org: 'even', kind: 'k', above: 3, limit: 2 })).map(
          (r) => r.id,
        ),
        ['i4', 'i8'],
      );
      assert.ok(builds - buildsBefore <= 1, 'built at most once for this database');
    });

    it('gives every place of a name its value', async () => {
      assert.deepEqual(await largestOfOrg.takeFirst(db, { org: 'odd' }), { id: 'i11' });
      assert.deepEqual(await largestOfOrg.takeFirst(db, { org: 'even' }), { id: 'i12' });
      assert.equal(await largestOfOrg.takeFirst(db, { org: 'none' }), undefined);
      await assert.rejects(
        largestOfOrg.takeFirstOrThrow(db, { org: 'none' }),
        (error) => error instanceof NoResultError,
      );
    });

    it('runs the same SQL text on every call', async () => {
      statements.length = 0;
      await itemsOfKind.rows(db, { org: 'odd', kind: 'k', above: 1, limit: 3 });
      await itemsOfKind.rows(db, { org: 'even', kind: 'hidden', above: 2, limit: 4 });
      assert.equal(statements.length, 2);
      assert.equal(statements[0], statements[1]);
      assert.match(statements[0] ?? '', dialect === 'postgres' ? /\$4/ : /\?/);
    });

    it("runs inside a transaction when given the transaction's Kysely", async () => {
      const buildsBefore = builds;
      await assert.rejects(
        db.transaction().execute(async (trx) => {
          await insertItem.execute(trx, { id: 't1', org: 'odd', kind: 'k', n: 50, note: 'x' });
          const seen = await itemsOfKind.rows(trx, { org: 'odd', kind: 'k', above: 49, limit: 9 });
          assert.deepEqual(seen, [{ id: 't1', n: 50, note: 'x' }]);
          throw new Error('roll back');
        }),
        /roll back/,
      );
      assert.deepEqual(
        await itemsOfKind.rows(db, { org: 'odd', kind: 'k', above: 49, limit: 9 }),
        [],
      );
      await db.transaction().execute(async (trx) => {
        const row = await insertItem.takeFirst(trx, {
          id: 't2',
          org: 'odd',
          kind: 'k',
          n: 51,
          note: null,
        });
        assert.deepEqual(row, { id: 't2', note: null });
      });
      assert.deepEqual(await itemsOfKind.rows(db, { org: 'odd', kind: 'k', above: 49, limit: 9 }), [
        { id: 't2', n: 51, note: null },
      ]);
      assert.equal(builds, buildsBefore, "a transaction shares its database's compiled query");
    });

    it('keeps one compiled query per variant, and rejects a value that would change the SQL', async () => {
      statements.length = 0;
      const set = await setItem.execute(db, 'n', { id: 'i1', n: 101 });
      assert.equal(set.numAffectedRows, 1n);
      await setItem.execute(db, 'n+note', { id: 'i2', n: 102, note: 'two' });
      assert.notEqual(statements[0], statements[1]);
      const rows = await db
        .selectFrom('items')
        .select(['id', 'n', 'note'])
        .where('id', 'in', ['i1', 'i2'])
        .orderBy('id')
        .execute();
      assert.deepEqual(rows, [
        { id: 'i1', n: 101, note: null },
        { id: 'i2', n: 102, note: 'two' },
      ]);

      await assert.rejects(setItem.execute(db, 'n+note', { id: 'i2', n: 103 }), {
        name: 'TypeError',
        message: /"note" is undefined/,
      });
      await assert.rejects(
        itemsOfKind.rows(db, {
          org: ['odd', 'even'] as unknown as string,
          kind: 'k',
          above: 0,
          limit: 1,
        }),
        { name: 'TypeError', message: /"org" is a list/ },
      );
      assert.equal(
        (await db.selectFrom('items').select('n').where('id', '=', 'i2').executeTakeFirst())?.n,
        102,
      );
    });

    it('fails the build when a value would decide the SQL instead of filling a parameter', async () => {
      const decided = prepareQuery((q: Kysely<Items>, p: { kind: string | null }) =>
        q
          .selectFrom('items')
          .select('id')
          .where('kind', p.kind === null ? 'is' : '=', 'k'),
      );
      await assert.rejects(decided.rows(db, { kind: 'k' }), {
        name: 'TypeError',
        message: /"kind" is not a parameter of the compiled SQL/,
      });
      const inlined = prepareQuery((q: Kysely<Items>, p: { kind: string }) =>
        q.selectFrom('items').select('id').where('kind', '=', sql.lit(p.kind)),
      );
      await assert.rejects(inlined.rows(db, { kind: 'k' }));
    });

    it('builds the query for each call on a Kysely with plugins, which see its values', async () => {
      type Noted = { items: { id: string; noteText: string | null } };
      const noted = prepareQuery((q: Kysely<Noted>, p: { id: string }) =>
        q.selectFrom('items').select('noteText').where('id', '=', p.id),
      );
      await db.schema.alterTable('items').addColumn('note_text', 'text').execute();
      await sql`UPDATE items SET note_text = 'camel' WHERE id = 'i3'`.execute(db);
      const seen: unknown[][] = [];
      const watch: KyselyPlugin = {
        transformQuery: (args) => {
          seen.push([...db.getExecutor().compileQuery(args.node, args.queryId).parameters]);
          return args.node;
        },
        transformResult: async (args) => args.result,
      };
      const camel = db.withPlugin(new CamelCasePlugin()).withPlugin(watch);
      const noting = camel as unknown as Kysely<Noted>;
      assert.deepEqual(await noted.rows(noting, { id: 'i3' }), [{ noteText: 'camel' }]);
      assert.deepEqual(await noted.rows(noting, { id: 'i4' }), [{ noteText: null }]);
      assert.deepEqual(seen, [['i3'], ['i4']]);
      await assert.rejects(noted.rows(noting, { id: undefined as unknown as string }), {
        name: 'TypeError',
      });
      // Without the plugin, the compiled query names the column as written: it does not exist.
      await assert.rejects(noted.rows(db as unknown as Kysely<Noted>, { id: 'i3' }), /noteText/);
    });
  });
}
