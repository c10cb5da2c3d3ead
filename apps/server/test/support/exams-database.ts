import { after, before, beforeEach } from 'node:test';
import type { Kysely } from 'kysely';
import { parseDatabaseUrl } from '../../src/config.ts';
import type { Database } from '../../src/platform/database-schema.ts';
import { createDatabase } from '../../src/platform/db.ts';
import { migrateToLatest } from '../../src/platform/migrations.ts';
import { createTestDatabase } from './database.ts';

/**
 * A fresh database migrated with the application's migrations, on the engine chosen by
 * `ASSAY_TEST_DB` (SQLite by default, PostgreSQL with `ASSAY_TEST_DB=postgres
 * ASSAY_TEST_POSTGRES_URL=…`), and how to drop it.
 */
export async function createExamsTestDatabase(): Promise<{
  db: Kysely<Database>;
  destroy: () => Promise<void>;
}> {
  const testDatabase = await createTestDatabase();
  const db = createDatabase({ target: parseDatabaseUrl(testDatabase.url), poolMax: 10 });
  try {
    await migrateToLatest(db);
  } catch (error) {
    await db.destroy();
    await testDatabase.destroy();
    throw error;
  }
  return {
    db,
    destroy: async () => {
      await db.destroy();
      await testDatabase.destroy();
    },
  };
}

/**
 * One migrated database for the enclosing suite: created before its tests, emptied of exams and
 * attempts before each test, dropped after them. Read `db` inside tests and hooks.
 */
export function useEmptiedExamsDatabase(): { readonly db: Kysely<Database> } {
  let database: Awaited<ReturnType<typeof createExamsTestDatabase>> | undefined;
  const current = () => {
    if (database === undefined) throw new Error('The suite has not created its database yet');
    return database;
  };
  before(async () => {
    database = await createExamsTestDatabase();
  });
  after(() => current().destroy());
  beforeEach(async () => {
    const { db } = current();
    await db.deleteFrom('attempts').execute();
    await db.deleteFrom('exams').execute();
  });
  return {
    get db() {
      return current().db;
    },
  };
}

/** A clock tests move by hand. */
export class ManualClock {
  #now: number;

  constructor(start = '2026-11-22T10:00:00.000Z') {
    this.#now = Date.parse(start);
  }

  now(): Date {
    return new Date(this.#now);
  }

  advance(milliseconds: number): void {
    this.#now += milliseconds;
  }
}
