import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before } from 'node:test';
import type { Kysely } from 'kysely';
import { loadConfig } from '../../src/config.ts';
import type { Database } from '../../src/platform/database-schema.ts';
import { createDatabase } from '../../src/platform/db.ts';
import { migrateToLatest, migrationsFolder } from '../../src/platform/migrations.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';

/**
 * For testing one migration on data written before it: a new folder with the migrations that
 * come before `migration` (to apply first), and the names of `migration` and every later one,
 * in order (what applying the real folder afterwards must run). The caller removes the folder.
 */
export async function migrationsBefore(
  migration: string,
): Promise<{ folder: string; fromThisOne: string[] }> {
  const folder = await mkdtemp(path.join(tmpdir(), 'assay-migrations-'));
  const fromThisOne: string[] = [];
  for (const file of (await readdir(migrationsFolder)).sort()) {
    if (!file.endsWith('.ts')) continue;
    if (file < `${migration}.ts`) {
      await symlink(path.join(migrationsFolder, file), path.join(folder, file));
    } else {
      fromThisOne.push(file.slice(0, -'.ts'.length));
    }
  }
  if (fromThisOne[0] !== migration) throw new Error(`No migration ${migration}`);
  return { folder, fromThisOne };
}

/**
 * For a suite testing how `migration` carries data written before it: before the suite's tests, a
 * fresh database migrated up to `migration`, filled by `writeOldRows` (typed loosely: the old
 * schema's columns), then migrated to the latest, which must run `migration` and every later one;
 * dropped after the tests. Read `db` inside tests and hooks.
 */
export function migratedFromOldRows(
  migration: string,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the old schema's columns
  writeOldRows: (old: Kysely<any>) => Promise<void>,
): { readonly db: Kysely<Database> } {
  let state: { database: TestDatabase; db: Kysely<Database>; folder: string } | undefined;
  const current = () => {
    if (state === undefined) throw new Error('The suite has not migrated its database yet');
    return state;
  };
  before(async () => {
    const database = await createTestDatabase();
    const db = createDatabase(loadConfig({ DATABASE_URL: database.url }).database);
    // The migrations before this one, applied first, so the old columns exist to fill in.
    const { folder, fromThisOne } = await migrationsBefore(migration);
    state = { database, db, folder };
    await migrateToLatest(db, folder);
    await writeOldRows(db);
    assert.deepEqual(await migrateToLatest(db), fromThisOne);
  });
  after(async () => {
    const { database, db, folder } = current();
    await db.destroy();
    await database.destroy();
    await rm(folder, { recursive: true, force: true });
  });
  return {
    get db() {
      return current().db;
    },
  };
}
