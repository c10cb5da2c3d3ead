import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { Kysely, sql } from 'kysely';
import { NodeSqliteDialect } from './sqlite-dialect.ts';

interface TestTables {
  counters: { id: string; value: number };
  owners: { id: string };
  pets: { id: string; owner_id: string };
}

describe('NodeSqliteDialect', () => {
  let directory: string;
  let db: Kysely<TestTables>;

  before(async () => {
    directory = await mkdtemp(path.join(os.tmpdir(), 'assay-sqlite-'));
    // A nested, not yet existing directory: the driver creates it.
    db = new Kysely<TestTables>({
      dialect: new NodeSqliteDialect({ file: path.join(directory, 'nested', 'test.db') }),
    });
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
    assert.ok(existsSync(path.join(directory, 'nested', 'test.db')));
    const journal = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(db);
    assert.equal(journal.rows[0]?.journal_mode, 'wal');
    const synchronous = await sql<{ synchronous: number }>`pragma synchronous`.execute(db);
    assert.equal(synchronous.rows[0]?.synchronous, 1); // NORMAL
    const busy = await sql<{ timeout: number }>`pragma busy_timeout`.execute(db);
    assert.equal(busy.rows[0]?.timeout, 5000);
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
});
