import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  Kysely,
  type KyselyPlugin,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryResult,
  type RootOperationNode,
  type UnknownRow,
} from 'kysely';
import { preparedQuery } from './prepared-query.ts';
import { NodeSqliteDialect } from './sqlite-dialect.ts';

interface Db {
  items: { id: string; kind: string; size: number };
}

class CountingPlugin implements KyselyPlugin {
  seen = 0;

  transformQuery({ node }: PluginTransformQueryArgs): RootOperationNode {
    this.seen++;
    return node;
  }

  transformResult({ result }: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return Promise.resolve(result);
  }
}

describe('prepared queries', () => {
  let db: Kysely<Db>;

  before(async () => {
    db = new Kysely<Db>({ dialect: new NodeSqliteDialect({ file: ':memory:' }) });
    await db.schema
      .createTable('items')
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('kind', 'text', (column) => column.notNull())
      .addColumn('size', 'integer', (column) => column.notNull())
      .execute();
    await db
      .insertInto('items')
      .values([
        { id: 'a', kind: 'box', size: 1 },
        { id: 'b', kind: 'box', size: 2 },
        { id: 'c', kind: 'bag', size: 2 },
      ])
      .execute();
  });
  after(() => db.destroy());

  it('builds once per database and runs with each call’s values, keeping constants', async () => {
    let builds = 0;
    const boxesOfSize = preparedQuery((kysely: Kysely<Db>, { size }: { size: number }) => {
      builds++;
      return kysely
        .selectFrom('items')
        .select('id')
        .where('kind', '=', 'box')
        .where('size', '=', size)
        .orderBy('id');
    });
    assert.deepEqual((await boxesOfSize(db, { size: 1 })).rows, [{ id: 'a' }]);
    assert.deepEqual((await boxesOfSize(db, { size: 2 })).rows, [{ id: 'b' }]);
    assert.deepEqual((await boxesOfSize(db, { size: 3 })).rows, []);
    assert.equal(builds, 1);
  });

  it('writes with each call’s values and reports the rows it changed', async () => {
    const resize = preparedQuery((kysely: Kysely<Db>, { size, id }: { size: number; id: string }) =>
      kysely.updateTable('items').set({ size }).where('id', '=', id),
    );
    assert.equal((await resize(db, { size: 5, id: 'c' })).numAffectedRows, 1n);
    assert.equal((await resize(db, { size: 5, id: 'nope' })).numAffectedRows, 0n);
    const row = await db
      .selectFrom('items')
      .select('size')
      .where('id', '=', 'c')
      .executeTakeFirstOrThrow();
    assert.equal(row.size, 5);
  });

  it('lets every query through the plugins of an instance that has some', async () => {
    const plugin = new CountingPlugin();
    const observed = db.withPlugin(plugin);
    let builds = 0;
    const byId = preparedQuery((kysely: Kysely<Db>, { id }: { id: string }) => {
      builds++;
      return kysely.selectFrom('items').select('kind').where('id', '=', id);
    });
    assert.deepEqual((await byId(observed, { id: 'a' })).rows, [{ kind: 'box' }]);
    assert.deepEqual((await byId(observed, { id: 'c' })).rows, [{ kind: 'bag' }]);
    assert.equal(plugin.seen, 2);
    assert.equal(builds, 2);
  });

  it('refuses a query that computes with its arguments instead of passing them on', async () => {
    const computed = preparedQuery((kysely: Kysely<Db>, { size }: { size: number }) =>
      kysely.selectFrom('items').select('id').where('size', '=', String(size).length),
    );
    await assert.rejects(computed(db, { size: 2 }), /must use each of its values once, as a value/);
  });
});
