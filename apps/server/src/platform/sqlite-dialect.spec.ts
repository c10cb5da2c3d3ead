import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { constants, DatabaseSync } from 'node:sqlite';
import { after, before, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { Kysely, sql } from 'kysely';
import { NodeSqliteDialect } from './sqlite-dialect.ts';

interface TestTables {
  counters: { id: string; value: number };
  owners: { id: string };
  pets: { id: string; owner_id: string };
  /** Its columns change during a test. */
  shapes: Record<string, number>;
}

describe('NodeSqliteDialect', () => {
  let directory: string;
  let file: string;
  let db: Kysely<TestTables>;

  before(async () => {
    directory = await mkdtemp(path.join(os.tmpdir(), 'assay-sqlite-'));
    // A nested, not yet existing directory: the driver creates it.
    file = path.join(directory, 'nested', 'test.db');
    db = new Kysely<TestTables>({ dialect: new NodeSqliteDialect({ file }) });
    await db.schema
      .createTable('counters')
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('value', 'integer', (column) => column.notNull())
      .execute();
    await db.schema
      .createTable('owners')
      .addColumn('id', 'text', (column) => column.primaryKey())
      .execute();
    await db.schema
      .createTable('pets')
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('owner_id', 'text', (column) => column.notNull().references('owners.id'))
      .execute();
  });

  after(async () => {
    await db.destroy();
    await rm(directory, { recursive: true, force: true });
  });

  it('creates the database file in a new directory, in WAL mode with a busy timeout', async () => {
    assert.ok(existsSync(file));
    const journal = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(db);
    assert.equal(journal.rows[0]?.journal_mode, 'wal');
    const synchronous = await sql<{ synchronous: number }>`pragma synchronous`.execute(db);
    assert.equal(synchronous.rows[0]?.synchronous, 1); // NORMAL
    const busy = await sql<{ timeout: number }>`pragma busy_timeout`.execute(db);
    assert.equal(busy.rows[0]?.timeout, 5000);
  });

  it('writes a whole-number LIMIT into the SQL, which SQLite then compiles only once', async () => {
    const page = (limit: number) =>
      db
        .selectFrom('counters')
        .select(['id', 'value'])
        .where('value', '>', 0)
        .orderBy('id', 'desc')
        .limit(limit)
        .compile();
    const query = page(2);
    assert.match(query.sql, / limit 2$/);
    assert.deepEqual(query.parameters, [0]);
    await db
      .insertInto('counters')
      .values([1, 2, 3].map((value) => ({ id: `limit-${String(value)}`, value })))
      .execute();
    assert.equal((await db.executeQuery(query)).rows.length, 2);
    await db.deleteFrom('counters').where('id', 'like', 'limit-%').execute();

    // Why: with the limit bound, SQLite compiles the statement again at every run.
    const reference = new DatabaseSync(':memory:');
    try {
      reference.exec('create table counters (id text primary key, value integer not null)');
      reference.exec("insert into counters values ('a', 1), ('b', 2), ('c', 3)");
      let compilations = 0;
      reference.setAuthorizer(() => {
        compilations++;
        return constants.SQLITE_OK;
      });
      const compilationsOver5Runs = (text: string, parameters: number[]) => {
        const statement = reference.prepare(text);
        const before = compilations;
        for (let run = 0; run < 5; run++) assert.equal(statement.all(...parameters).length, 2);
        return compilations - before;
      };
      assert.equal(compilationsOver5Runs(query.sql, [0]), 0);
      const bound = query.sql.replace(/ limit 2$/, ' limit ?');
      assert.ok(compilationsOver5Runs(bound, [0, 2]) > 0, 'SQLite no longer replans a bound limit');
    } finally {
      reference.close();
    }
  });

  it('enforces foreign keys', async () => {
    await assert.rejects(
      db.insertInto('pets').values({ id: 'p1', owner_id: 'nobody' }).execute(),
      /FOREIGN KEY constraint failed/,
    );
  });

  it('returns plain rows and affected-row counts', async () => {
    const inserted = await db
      .insertInto('counters')
      .values([
        { id: 'a', value: 1 },
        { id: 'b', value: 2 },
      ])
      .executeTakeFirst();
    assert.equal(inserted.numInsertedOrUpdatedRows, 2n);
    const rows = await db.selectFrom('counters').selectAll().orderBy('id').execute();
    assert.deepStrictEqual(rows, [
      { id: 'a', value: 1 },
      { id: 'b', value: 2 },
    ]);
    const returned = await db
      .updateTable('counters')
      .set({ value: 5 })
      .where('id', '=', 'b')
      .returning(['id', 'value'])
      .execute();
    assert.deepStrictEqual(returned, [{ id: 'b', value: 5 }]);
    const { count } = await db
      .selectFrom('counters')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .executeTakeFirstOrThrow();
    assert.equal(count, 2);
    await db.deleteFrom('counters').execute();
  });

  it('leaves nothing behind when a transaction fails', async () => {
    await assert.rejects(
      db.transaction().execute(async (trx) => {
        await trx.insertInto('owners').values({ id: 'o1' }).execute();
        await trx.insertInto('pets').values({ id: 'p1', owner_id: 'o1' }).execute();
        throw new Error('abort');
      }),
      /abort/,
    );
    assert.deepEqual(await db.selectFrom('owners').selectAll().execute(), []);
    assert.deepEqual(await db.selectFrom('pets').selectAll().execute(), []);
  });

  it('reports the error that ended a transaction SQLite rolled back by itself', async () => {
    // A full disk (here: a database capped at its size) makes SQLite roll the whole transaction
    // back; the caller must see SQLITE_FULL, not a failed rollback of no transaction.
    const pages = (await sql<{ page_count: number }>`pragma page_count`.execute(db)).rows[0];
    await sql.raw(`pragma max_page_count = ${String(pages?.page_count)}`).execute(db);
    try {
      await assert.rejects(
        db.transaction().execute(async (trx) => {
          await trx.insertInto('owners').values({ id: 'full-1' }).execute();
          await trx
            .insertInto('owners')
            .values({ id: 'x'.repeat(50_000) })
            .execute();
        }),
        { code: 'ERR_SQLITE_ERROR', errcode: 13 },
      );
    } finally {
      await sql`pragma max_page_count = 1000000`.execute(db);
    }
    assert.deepEqual(await db.selectFrom('owners').selectAll().execute(), []);
    await db.insertInto('owners').values({ id: 'after' }).execute();
    await db.deleteFrom('owners').execute();
  });

  it('serializes concurrent transactions, so read-modify-write loses no update', async () => {
    await db.insertInto('counters').values({ id: 'shared', value: 0 }).execute();
    const increment = () =>
      db.transaction().execute(async (trx) => {
        const { value } = await trx
          .selectFrom('counters')
          .select('value')
          .where('id', '=', 'shared')
          .executeTakeFirstOrThrow();
        await delay(5); // give the other transactions every chance to interleave
        await trx
          .updateTable('counters')
          .set({ value: value + 1 })
          .where('id', '=', 'shared')
          .execute();
      });
    await Promise.all([increment(), increment(), increment(), increment(), increment()]);
    const { value } = await db
      .selectFrom('counters')
      .select('value')
      .where('id', '=', 'shared')
      .executeTakeFirstOrThrow();
    assert.equal(value, 5);
  });

  it('streams large results in chunks', async () => {
    await db.deleteFrom('owners').execute();
    await db
      .insertInto('owners')
      .values(
        Array.from({ length: 250 }, (_, index) => ({ id: `o${String(index).padStart(3, '0')}` })),
      )
      .execute();
    const ids: string[] = [];
    for await (const row of db.selectFrom('owners').select('id').orderBy('id').stream(100)) {
      ids.push(row.id);
    }
    assert.equal(ids.length, 250);
    assert.equal(ids[249], 'o249');
  });

  // The dialect caches, per prepared statement, whether it returns rows and its column names; a
  // cached statement must keep answering exactly as a freshly prepared one (every case runs twice).

  it('keeps a select that matches nothing a read, and DML a write', async () => {
    for (let run = 0; run < 2; run++) {
      const none = await sql`select id, value from counters where id = ${'nobody'}`.execute(db);
      assert.deepStrictEqual(none, { rows: [] });

      const inserted = await db
        .insertInto('counters')
        .values({ id: `dml-${run}`, value: 1 })
        .executeTakeFirstOrThrow();
      assert.equal(inserted.numInsertedOrUpdatedRows, 1n);
      const { rowid } = await db
        .selectFrom('counters')
        .select(sql<number>`max(rowid)`.as('rowid'))
        .executeTakeFirstOrThrow();
      assert.equal(inserted.insertId, BigInt(rowid));

      const updated = await db
        .updateTable('counters')
        .set({ value: 2 })
        .where('id', 'like', 'dml-%')
        .executeTakeFirstOrThrow();
      assert.equal(updated.numUpdatedRows, BigInt(run + 1));

      const returned = await db
        .updateTable('counters')
        .set({ value: 3 })
        .where('id', '=', `dml-${run}`)
        .returning(['id', 'value'])
        .execute();
      assert.deepStrictEqual(returned, [{ id: `dml-${run}`, value: 3 }]);
      const noneReturned = await db
        .deleteFrom('counters')
        .where('id', '=', 'nobody')
        .returning('id')
        .execute();
      assert.deepStrictEqual(noneReturned, []);
    }
    const deleted = await db.deleteFrom('counters').where('id', 'like', 'dml-%').executeTakeFirst();
    assert.equal(deleted.numDeletedRows, 2n);
  });

  it('builds rows exactly as node:sqlite does, but with Object.prototype', async () => {
    const reference = new DatabaseSync(':memory:');
    const queries = [
      "select 1 as a, 'two' as b, 3 as a", // a repeated name: first position, last value
      "select null as n, x'00ff' as blob, 2.5 as real, 1 + 1, '' as \"\"",
      'select 1 as "__proto__", 2 as "constructor"',
      // Rows are built by compiled code: names that would break out of a string literal.
      `select 1 as "a""b", 2 as 'c\\', 3 as "}; throw 1; ({", 4 as "\u2028\n\\u0041", 5 as "0"`,
    ];
    try {
      for (let run = 0; run < 2; run++) {
        for (const query of queries) {
          const { rows } = await sql.raw<Record<string, unknown>>(query).execute(db);
          const expected = reference
            .prepare(query)
            .all()
            .map((row) => ({ ...row }));
          assert.deepStrictEqual(rows, expected, query);
          assert.deepStrictEqual(rows.map(Object.keys), expected.map(Object.keys), query);
          for (const row of rows) assert.equal(Object.getPrototypeOf(row), Object.prototype);
        }
      }
    } finally {
      reference.close();
    }
  });

  it('re-prepares a statement after it was evicted from the statement cache', async () => {
    const first = () => sql<{ n: number }>`select ${sql.lit(-1)} as n`.execute(db);
    assert.deepStrictEqual((await first()).rows, [{ n: -1 }]);
    for (let n = 0; n < 300; n++) {
      const { rows } = await sql<{ n: number }>`select ${sql.lit(n)} as n`.execute(db);
      assert.deepStrictEqual(rows, [{ n }]);
    }
    assert.deepStrictEqual((await first()).rows, [{ n: -1 }]);
  });

  it('sees new columns after a schema change, by this connection or another', async () => {
    await sql`create table shapes (a integer)`.execute(db);
    await sql`insert into shapes (a) values (1)`.execute(db);
    const everything = async () => (await sql`select * from shapes`.execute(db)).rows;
    const streamed = async () => {
      const rows: unknown[] = [];
      for await (const row of db.selectFrom('shapes').selectAll().stream()) rows.push(row);
      return rows;
    };
    assert.deepStrictEqual(await everything(), [{ a: 1 }]);
    assert.deepStrictEqual(await streamed(), [{ a: 1 }]);

    await sql`alter table shapes add column b integer default 2`.execute(db);
    assert.deepStrictEqual(await everything(), [{ a: 1, b: 2 }]);
    assert.deepStrictEqual(await streamed(), [{ a: 1, b: 2 }]);

    // A rename keeps the number of columns; only the names tell.
    const other = new DatabaseSync(file);
    try {
      other.exec('alter table shapes rename column a to renamed');
    } finally {
      other.close();
    }
    assert.deepStrictEqual(await everything(), [{ renamed: 1, b: 2 }]);
    assert.deepStrictEqual(await streamed(), [{ renamed: 1, b: 2 }]);

    // A rolled back migration puts the old columns back.
    await assert.rejects(
      db.transaction().execute(async (trx) => {
        await sql`alter table shapes rename column b to c`.execute(trx);
        assert.deepStrictEqual((await sql`select * from shapes`.execute(trx)).rows, [
          { renamed: 1, c: 2 },
        ]);
        throw new Error('abort');
      }),
      /abort/,
    );
    assert.deepStrictEqual(await everything(), [{ renamed: 1, b: 2 }]);
    assert.deepStrictEqual(await streamed(), [{ renamed: 1, b: 2 }]);

    // SQLite keeps a recompilation even when the run then fails, or returns no rows.
    const checked = (json: string) => sql`select *, json(${json}) as j from shapes`.execute(db);
    assert.deepStrictEqual((await checked('1')).rows, [{ renamed: 1, b: 2, j: '1' }]);
    await sql`alter table shapes add column d integer default 4`.execute(db);
    await assert.rejects(checked('not json'), /malformed JSON/);
    assert.deepStrictEqual((await checked('1')).rows, [{ renamed: 1, b: 2, d: 4, j: '1' }]);

    const matching = (value: number) =>
      db.selectFrom('shapes').selectAll().where('renamed', '=', value);
    assert.deepStrictEqual(await matching(1).execute(), [{ renamed: 1, b: 2, d: 4 }]);
    await sql`alter table shapes add column e integer default 5`.execute(db);
    const streamedNone: unknown[] = [];
    for await (const row of matching(0).stream()) streamedNone.push(row);
    assert.deepStrictEqual(streamedNone, []);
    assert.deepStrictEqual(await matching(1).execute(), [{ renamed: 1, b: 2, d: 4, e: 5 }]);
  });

  it('checkpoints in the background, and leaves no log behind when destroyed', async () => {
    const own = path.join(directory, 'checkpointed.db');
    const other = new Kysely<TestTables>({ dialect: new NodeSqliteDialect({ file: own }) });
    await other.schema
      .createTable('counters')
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('value', 'integer', (column) => column.notNull())
      .execute();
    for (let n = 0; n < 300; n++) {
      await other
        .insertInto('counters')
        .values({ id: `c${n}`.padEnd(2000, '.'), value: n })
        .execute();
    }
    // No statement of ours checkpointed (automatic checkpoints are off): the worker did.
    const deadline = Date.now() + 5000;
    while (statSync(own).size < 500_000) {
      assert.ok(Date.now() < deadline, 'the database file never received the log');
      await delay(20);
    }
    await other.destroy();
    assert.equal(existsSync(`${own}-wal`), false);
    const reopened = new DatabaseSync(own);
    assert.equal(reopened.prepare('select count(*) as n from counters').get()?.['n'], 300);
    reopened.close();
  });

  it('keeps the log bounded under a writer that never pauses', async () => {
    const own = path.join(directory, 'busy.db');
    const busy = new Kysely<TestTables>({
      dialect: new NodeSqliteDialect({
        file: own,
        checkpoints: { intervalMs: 10, walResetBytes: 256 * 1024 },
      }),
    });
    await busy.schema
      .createTable('counters')
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('value', 'integer', (column) => column.notNull())
      .execute();
    const ids = Array.from({ length: 200 }, (_, n) => `c${n}`.padEnd(500, '.'));
    await busy
      .insertInto('counters')
      .values(ids.map((id) => ({ id, value: 0 })))
      .execute();
    // Back to back, with no pause long enough for the background checkpoint to catch up: without
    // the writer's own checkpoint past the limit, the log grew by some 6 MB a second here.
    let largest = 0;
    let previous = 0;
    let startedOver = 0;
    const until = Date.now() + 1500;
    for (let n = 0; Date.now() < until; n++) {
      await busy
        .updateTable('counters')
        .set({ value: n })
        .where('id', '=', ids[n % ids.length] ?? '')
        .execute();
      if (n % 100 === 0) {
        const size = statSync(`${own}-wal`).size;
        // journal_size_limit cuts the file back whenever the log starts over.
        if (size < previous) startedOver++;
        previous = size;
        largest = Math.max(largest, size);
      }
      // As a server does now and then between requests: other work (the checkpointer's message).
      if (n % 200 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    await busy.destroy();
    assert.ok(startedOver > 0, `the log never started over (it reached ${String(largest)} bytes)`);
    // How far it grows before the writer catches up depends on how soon the worker gets a core
    // (0.8 MB alone, 4.5 MB once beside the whole suite); without the catch-up it never stops.
    assert.ok(largest < 8 * 1024 * 1024, `the log reached ${String(largest)} bytes`);
  });
});
