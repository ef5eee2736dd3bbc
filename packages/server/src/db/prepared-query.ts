import {
  type Compilable,
  type CompiledQuery,
  type Kysely,
  NoResultError,
  type QueryNode,
  type QueryResult,
} from 'kysely';
import { keepPrepared } from './postgres-named-statements.js';

/**
 * A Kysely query built and compiled once per database, then run with each call's values: the
 * chat API's hottest queries spent more CPU in Kysely's builder and compiler (builder, operation
 * nodes, SQL text) than in SQLite running them.
 *
 * `build` receives `params`, whose every property is a placeholder: a unique object standing in
 * for that value while the query is built, found again by identity among the compiled
 * parameters. A name may appear in several places (an organization id scoping a subquery and the
 * outer query); each gets the call's value. Values that do not come from `params` (literals such
 * as `'closed'` or `limit(1)`) stay as they were compiled.
 *
 * Only values can change between calls, never the SQL: anything that decides the SQL's shape (a
 * list, an optional clause, which columns an update sets) is a variant of its own
 * (`prepareQueryVariants`), picked by the caller. A placeholder that the built query does not
 * carry as a parameter (read in `build` to decide something, or inlined with `sql.lit`) fails the
 * build, and a list or `undefined` value fails the call, rather than running other SQL than meant.
 *
 * The compiled query is kept per dialect adapter, held weakly: a transaction's Kysely shares its
 * database's and finds it too. Runs go through `db.executeQuery`: on `db`'s connection (the
 * transaction's when `db` is one), logged, and through the plugins' `transformResult`. A Kysely
 * with plugins (the server has none; tests watch queries with them) gets the query built anew
 * on each call, so that their `transformQuery` sees it with its values.
 *
 * @example
 * const byId = prepareQuery((db: Kysely<Database>, p: { organizationId: string; id: string }) =>
 *   db.selectFrom('chatbots').select('name')
 *     .where(inOrganization('chatbots', p.organizationId)).where('id', '=', p.id));
 * const bot = await byId.takeFirst(db, { organizationId, id });
 */
export interface PreparedQuery<DB, P, R> {
  /** The query's result: rows, and for writes `numAffectedRows`. */
  execute(db: Kysely<DB>, values: P): Promise<QueryResult<R>>;
  /** The first row, undefined when there is none. */
  takeFirst(db: Kysely<DB>, values: P): Promise<R | undefined>;
  /** The first row; `NoResultError` when there is none. */
  takeFirstOrThrow(db: Kysely<DB>, values: P): Promise<R>;
  /** All rows. */
  rows(db: Kysely<DB>, values: P): Promise<R[]>;
}

/** As `PreparedQuery`, with one compiled query per variant of the SQL (`build` says which). */
export interface PreparedQueryVariants<DB, V extends string, P, R> {
  execute(db: Kysely<DB>, variant: V, values: P): Promise<QueryResult<R>>;
  takeFirst(db: Kysely<DB>, variant: V, values: P): Promise<R | undefined>;
  takeFirstOrThrow(db: Kysely<DB>, variant: V, values: P): Promise<R>;
  rows(db: Kysely<DB>, variant: V, values: P): Promise<R[]>;
}

export function prepareQuery<DB, P extends object, R>(
  build: (db: Kysely<DB>, params: P) => Compilable<R>,
): PreparedQuery<DB, P, R> {
  const variants = prepareQueryVariants<DB, '', P, R>((db, params) => build(db, params));
  return {
    execute: (db, values) => variants.execute(db, '', values),
    takeFirst: (db, values) => variants.takeFirst(db, '', values),
    takeFirstOrThrow: (db, values) => variants.takeFirstOrThrow(db, '', values),
    rows: (db, values) => variants.rows(db, '', values),
  };
}

export function prepareQueryVariants<DB, V extends string, P extends object, R>(
  build: (db: Kysely<DB>, params: P, variant: V) => Compilable<R>,
): PreparedQueryVariants<DB, V, P, R> {
  const byAdapter = new WeakMap<object, Map<V, Prepared>>();

  function prepared(db: Kysely<DB>, variant: V): Prepared {
    // `getExecutor` is marked internal, but it is the one place that names the adapter (and so
    // the SQL dialect) a query is compiled for; a transaction's executor shares its database's.
    const { adapter } = db.getExecutor();
    let variants = byAdapter.get(adapter);
    if (variants === undefined) {
      variants = new Map();
      byAdapter.set(adapter, variants);
    }
    let made = variants.get(variant);
    if (made === undefined) {
      const plain = db.withoutPlugins();
      made = compile((params) => build(plain, params as P, variant));
      variants.set(variant, made);
    }
    return made;
  }

  function compiled(db: Kysely<DB>, variant: V, values: P): CompiledQuery<R> {
    const made = prepared(db, variant);
    const parameters = withValues(made, values);
    // With plugins (tests that watch the queries), built for each call as Kysely would, so that
    // their `transformQuery` sees the values; the checks above still hold.
    if (db.getExecutor().plugins.length > 0) return build(db, values, variant).compile();
    const { query, queryId, sql } = made.compiled;
    return { query, queryId, sql, parameters };
  }

  // Async, so that a bad value rejects as the query would rather than throwing at the call.
  const execute = async (db: Kysely<DB>, variant: V, values: P) =>
    db.executeQuery(compiled(db, variant, values));
  return {
    execute,
    takeFirst: async (db, variant, values) => (await execute(db, variant, values)).rows[0],
    async takeFirstOrThrow(db, variant, values) {
      const query = compiled(db, variant, values);
      const { rows } = await db.executeQuery(query);
      if (rows[0] === undefined) throw new NoResultError(query.query as QueryNode);
      return rows[0];
    },
    rows: async (db, variant, values) => (await execute(db, variant, values)).rows,
  };
}

/** A stand-in for a named value while the query is built. */
class Placeholder {
  constructor(readonly name: string) {}
}

interface Prepared {
  readonly compiled: CompiledQuery;
  /** For each compiled parameter: the name of the value that goes there, or undefined (fixed). */
  readonly names: readonly (string | undefined)[];
}

function compile(build: (params: Record<string, Placeholder>) => Compilable<unknown>): Prepared {
  const placeholders = new Map<string, Placeholder>();
  const params = new Proxy({} as Record<string, Placeholder>, {
    get(_, name) {
      if (typeof name !== 'string') return undefined;
      let placeholder = placeholders.get(name);
      if (placeholder === undefined) {
        placeholder = new Placeholder(name);
        placeholders.set(name, placeholder);
      }
      return placeholder;
    },
  });
  const compiled = build(params).compile();
  const names = compiled.parameters.map((value) =>
    value instanceof Placeholder ? value.name : undefined,
  );
  for (const name of placeholders.keys()) {
    if (!names.includes(name)) {
      throw new TypeError(
        `prepared query: "${name}" is not a parameter of the compiled SQL (inlined, or read to ` +
          'decide the SQL: make that a variant)',
      );
    }
  }
  keepPrepared(compiled.sql);
  return { compiled, names };
}

/** The compiled parameters with the call's values in their places. */
function withValues(prepared: Prepared, values: object): unknown[] {
  const { compiled, names } = prepared;
  const parameters = new Array<unknown>(names.length);
  for (let i = 0; i < names.length; i += 1) {
    const name = names[i];
    if (name === undefined) {
      parameters[i] = compiled.parameters[i];
      continue;
    }
    const value = (values as Record<string, unknown>)[name];
    // Either would have built other SQL: a list one placeholder per item, `undefined` no column.
    if (value === undefined || Array.isArray(value)) {
      throw new TypeError(
        `prepared query: "${name}" is ${value === undefined ? 'undefined' : 'a list'}; ` +
          'a value that changes the SQL needs a variant of its own',
      );
    }
    parameters[i] = value;
  }
  return parameters;
}
