import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sql, type Kysely } from 'kysely';
import { loadConfig } from '../src/config.ts';
import type { Database } from '../src/platform/database-schema.ts';
import { createDatabase } from '../src/platform/db.ts';
import { migrateToLatest, migrationsFolder } from '../src/platform/migrations.ts';
import { createTestDatabase, type TestDatabase } from './support/database.ts';

const fixtures = path.resolve(import.meta.dirname, 'fixtures');

async function tableExists(db: Kysely<Database>, table: string): Promise<boolean> {
  const tables = await db.introspection.getTables();
  return tables.some((candidate) => candidate.name === table);
}

describe(`migrations (${process.env.ASSAY_TEST_DB ?? 'sqlite'})`, () => {
  let database: TestDatabase;
  let db: Kysely<Database>;

  before(async () => {
    database = await createTestDatabase();
    db = createDatabase(loadConfig({ DATABASE_URL: database.url }).database);
  });

  after(async () => {
    await db.destroy();
    await database.destroy();
  });

  it('applies every application migration, in name order', async () => {
    const files = (await readdir(migrationsFolder)).filter((file) => file.endsWith('.ts')).sort();
    // Its own database: the fixture migrations below must not meet the application's.
    const fresh = await createTestDatabase();
    const freshDb = createDatabase(loadConfig({ DATABASE_URL: fresh.url }).database);
    try {
      assert.deepEqual(
        await migrateToLatest(freshDb),
        files.map((file) => file.replace(/\.ts$/, '')),
      );
    } finally {
      await freshDb.destroy();
      await fresh.destroy();
    }
  });

  it('applies a folder of migrations in name order and records them', async () => {
    const applied = await migrateToLatest(db, path.join(fixtures, 'migrations'));
    assert.deepEqual(applied, [
      '20250101000000_create_widgets',
      '20250102000000_create_widget_parts',
    ]);
    // The second migration's foreign key to the first's table works.
    await sql`insert into widgets (id, name) values ('w1', 'Sprocket')`.execute(db);
    await sql`insert into widget_parts (id, widget_id, quantity) values ('p1', 'w1', 3)`.execute(
      db,
    );
    const recorded = await db
      .selectFrom('kysely_migration')
      .select('name')
      .orderBy('name')
      .execute();
    assert.deepEqual(
      recorded.map((row) => row.name),
      applied,
    );
  });

  it('does nothing when run again', async () => {
    assert.deepEqual(await migrateToLatest(db, path.join(fixtures, 'migrations')), []);
    const { rows } = await sql<{ n: number }>`select count(*) as n from widget_parts`.execute(db);
    assert.equal(rows[0]?.n, 1);
  });

  it('names the failing migration and rolls back the whole run', async () => {
    const fresh = await createTestDatabase();
    const freshDb = createDatabase(loadConfig({ DATABASE_URL: fresh.url }).database);
    try {
      await assert.rejects(
        migrateToLatest(freshDb, path.join(fixtures, 'failing-migrations')),
        /Migration 20250102000000_break failed: .*no_such_table/,
      );
      assert.equal(await tableExists(freshDb, 'widgets'), false);
    } finally {
      await freshDb.destroy();
      await fresh.destroy();
    }
  });

  it('refuses a migration file that is not named YYYYMMDDHHMMSS_name.ts', async () => {
    await assert.rejects(
      migrateToLatest(db, path.join(fixtures, 'misnamed-migrations')),
      /2025_create_widgets\.ts is not named YYYYMMDDHHMMSS_snake_case_name\.ts/,
    );
  });
});
