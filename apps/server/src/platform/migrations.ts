import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Kysely } from 'kysely';
import { Migrator, type Migration, type MigrationProvider } from 'kysely/migration';
import type { SecretsKeyring } from './secrets-key.ts';

/**
 * The database a migration receives. Deliberately untyped: a migration must keep working
 * when the application's `Database` interface later changes.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
export type MigrationDatabase = Kysely<any>;

/** What a migration may need besides the database; its `up(db, context)` gets it. */
export interface MigrationContext {
  /** Encrypts secrets at rest; a migration that writes secrets fails without it. */
  readonly secrets?: SecretsKeyring;
}

/** The application's migrations: `apps/server/migrations`. */
export const migrationsFolder = path.resolve(import.meta.dirname, '../../migrations');

const migrationFileName = /^(\d{14}_[a-z0-9_]+)\.ts$/;

/**
 * Loads every `YYYYMMDDHHMMSS_name.ts` file of a folder, in name order. A `.ts` file with any
 * other name is an error rather than silently skipped.
 */
export class FolderMigrationProvider implements MigrationProvider {
  readonly #folder: string;
  readonly #context: MigrationContext;

  constructor(folder: string, context: MigrationContext = {}) {
    this.#folder = folder;
    this.#context = context;
  }

  async getMigrations(): Promise<Record<string, Migration>> {
    const files = (await readdir(this.#folder)).filter((file) => file.endsWith('.ts')).sort();
    const migrations: Record<string, Migration> = {};
    for (const file of files) {
      const name = migrationFileName.exec(file)?.[1];
      if (name === undefined) {
        throw new Error(
          `Migration file ${file} is not named YYYYMMDDHHMMSS_snake_case_name.ts (in ${this.#folder})`,
        );
      }
      const module = (await import(pathToFileURL(path.join(this.#folder, file)).href)) as {
        up?: unknown;
        down?: unknown;
      };
      const { up, down } = module;
      if (typeof up !== 'function') throw new Error(`Migration ${file} does not export up(db)`);
      const context = this.#context;
      migrations[name] = {
        up: (db) => (up as MigrationUp)(db, context),
        ...(typeof down === 'function' ? { down: (db) => (down as MigrationUp)(db, context) } : {}),
      };
    }
    return migrations;
  }
}

type MigrationUp = (db: MigrationDatabase, context: MigrationContext) => Promise<void>;

/** A migration failed; earlier ones in the same run are rolled back (transactional DDL). */
export class MigrationError extends Error {
  constructor(migration: string | undefined, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(
      migration === undefined
        ? `Migrations could not run: ${reason}`
        : `Migration ${migration} failed: ${reason}`,
      { cause },
    );
    this.name = 'MigrationError';
  }
}

/**
 * Applies every pending migration of `folder` (by default the application's) and returns the
 * names it applied, in order. Safe to run concurrently from several processes on PostgreSQL
 * (Kysely takes an advisory lock) and idempotent.
 */
export async function migrateToLatest(
  db: MigrationDatabase,
  folder: string = migrationsFolder,
  context: MigrationContext = {},
): Promise<string[]> {
  const migrator = new Migrator({ db, provider: new FolderMigrationProvider(folder, context) });
  const { error, results = [] } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results.find((result) => result.status === 'Error');
    throw new MigrationError(failed?.migrationName, error);
  }
  return results.map((result) => result.migrationName);
}
