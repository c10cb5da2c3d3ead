import path from 'node:path';
import { Writable } from 'node:stream';
import { buildApp, type App, type BuildAppOptions } from '../../src/app.ts';
import { loadConfig, type Config } from '../../src/config.ts';
import { SecretsRepository } from '../../src/identity/provider/secrets.repository.ts';
import { createDatabase } from '../../src/platform/db.ts';
import { migrateToLatest } from '../../src/platform/migrations.ts';
import { openSecretsKeyring } from '../../src/platform/secrets-key.ts';
import { createTestDatabase, secretsEnv, type TestDatabase } from './database.ts';

/** A built web app with `__CSP_NONCE__` placeholders and a hashed asset. */
export const fixtureWebDist = path.resolve(import.meta.dirname, '../fixtures/web-dist');

/** Collects the JSON log lines an app writes. */
export class LogCapture extends Writable {
  readonly lines: Record<string, unknown>[] = [];

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: () => void): void {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (line.trim() !== '') this.lines.push(JSON.parse(line) as Record<string, unknown>);
    }
    callback();
  }
}

export interface TestApp {
  readonly app: App;
  readonly config: Config;
  readonly database: TestDatabase;
  /** Closes the app and drops its database. */
  close(): Promise<void>;
}

export interface TestAppOptions {
  /** Environment variables on top of the test defaults. */
  readonly env?: Readonly<Record<string, string>>;
  /** Captures the log (at level info unless `env` sets LOG_LEVEL). */
  readonly logs?: LogCapture;
  readonly register?: BuildAppOptions['register'];
  /** The clock exam deadlines follow (tests move it by hand). */
  readonly clock?: BuildAppOptions['clock'];
  /** Identity timings (signing-key reload interval). */
  readonly identity?: BuildAppOptions['identity'];
}

/** Builds the app against a fresh, migrated database of the engine under test. */
export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const database = await createTestDatabase();
  try {
    const config = loadConfig({
      DATABASE_URL: database.url,
      LOG_LEVEL: options.logs === undefined ? 'silent' : 'info',
      WEB_DIST_DIR: fixtureWebDist,
      ...secretsEnv(database.url),
      ...options.env,
    });
    // Migrated first, as server.ts does: identity reads its keys and secrets while it starts.
    const db = createDatabase(config.database);
    try {
      await migrateToLatest(db);
    } catch (error) {
      await db.destroy();
      throw error;
    }
    const app = await buildApp(config, {
      db,
      ...(options.logs === undefined ? {} : { logStream: options.logs }),
      ...(options.register === undefined ? {} : { register: options.register }),
      ...(options.clock === undefined ? {} : { clock: options.clock }),
      ...(options.identity === undefined ? {} : { identity: options.identity }),
    });
    return {
      app,
      config,
      database,
      close: async () => {
        await app.close();
        await database.destroy();
      },
    };
  } catch (error) {
    await database.destroy();
    throw error;
  }
}

/** A secret the app keeps in the database (e.g. `bff_client_secret`), decrypted as it reads it. */
export async function storedSecret(app: App, name: string): Promise<string> {
  const keyring = await openSecretsKeyring(app.config);
  const value = await new SecretsRepository(app.db, keyring).find(name);
  if (value === undefined) throw new Error(`There is no secret ${name}`);
  return value;
}
