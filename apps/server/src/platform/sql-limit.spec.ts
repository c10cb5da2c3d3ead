import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { constants, DatabaseSync } from 'node:sqlite';
import {
  DummyDriver,
  Kysely,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
} from 'kysely';
import { limitOf } from './sql-limit.ts';

interface Tables {
  items: { id: number; name: string };
}

// Compiles only: what SQL a query becomes.
const compiler = new Kysely<Tables>({
  dialect: {
    createAdapter: () => new SqliteAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (db) => new SqliteIntrospector(db),
    createQueryCompiler: () => new SqliteQueryCompiler(),
  },
});

function page(limit: number) {
  return compiler
    .selectFrom('items')
    .select(['id', 'name'])
    .where('name', '>', 'a')
    .orderBy('id', 'desc')
    .limit(limitOf(limit))
    .compile();
}

describe('limitOf', () => {
  it('writes the limit into the SQL, and binds only the other values', () => {
    const query = page(20);
    assert.match(query.sql, / limit 20$/);
    assert.deepEqual(query.parameters, ['a']);
  });

  it('gives a statement SQLite compiles once, where a bound limit recompiles at every run', () => {
    const db = new DatabaseSync(':memory:');
    try {
      db.exec('create table items (id integer primary key, name text not null)');
      db.exec("insert into items (name) values ('b'), ('c'), ('d')");
      let compilations = 0;
      db.setAuthorizer(() => {
        compilations++;
        return constants.SQLITE_OK;
      });
      const runs = (sqlText: string, parameters: (string | number)[]) => {
        const statement = db.prepare(sqlText);
        const before = compilations;
        for (let run = 0; run < 5; run++) assert.equal(statement.all(...parameters).length, 2);
        return compilations - before;
      };
      const literal = page(2);
      assert.equal(runs(literal.sql, literal.parameters as string[]), 0);
      const bound = literal.sql.replace(/ limit 2$/, ' limit ?');
      assert.ok(runs(bound, ['a', 2]) > 0, 'SQLite no longer recompiles for a bound limit');
    } finally {
      db.close();
    }
  });

  it('refuses anything but a whole number of rows', () => {
    for (const limit of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      assert.throws(() => limitOf(limit), RangeError, String(limit));
    }
  });
});
