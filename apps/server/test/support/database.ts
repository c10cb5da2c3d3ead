import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

/** The engine the suite runs against: `ASSAY_TEST_DB=sqlite` (default) or `postgres`. */
export type TestEngine = 'sqlite' | 'postgres';

export function testEngine(): TestEngine {
  const engine = process.env.ASSAY_TEST_DB ?? 'sqlite';
  if (engine !== 'sqlite' && engine !== 'postgres') {
    throw new Error(`ASSAY_TEST_DB must be sqlite or postgres, not ${engine}`);
  }
  return engine;
}

/** The `SECRETS_KEY` of test databases on PostgreSQL (SQLite ones use their key file). */
export const TEST_SECRETS_KEY = 'dGVzdCBzZWNyZXRzIGtleSwgdGhpcnR5LXR3byBieXQ';

/**
 * What a server needs beside `DATABASE_URL` to open the database at `url`: PostgreSQL requires
 * `SECRETS_KEY`.
 */
export function secretsEnv(url: string): Record<string, string> {
  return url.startsWith('postgres') ? { SECRETS_KEY: TEST_SECRETS_KEY } : {};
}

/** A fresh, empty database for one test file. */
export interface TestDatabase {
  readonly engine: TestEngine;
  /** A `DATABASE_URL` for it. */
  readonly url: string;
  /** Drops the database (PostgreSQL) or deletes its directory (SQLite). */
  destroy(): Promise<void>;
}

/**
 * Creates a fresh database on the engine chosen by `ASSAY_TEST_DB`: a file in a new temporary
 * directory for SQLite; a new database `assay_test_<random>` on the server at
 * `ASSAY_TEST_POSTGRES_URL` for PostgreSQL.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  if (testEngine() === 'sqlite') {
    const directory = await mkdtemp(path.join(os.tmpdir(), 'assay-test-'));
    return {
      engine: 'sqlite',
      url: `sqlite:${path.join(directory, 'assay.db')}`,
      destroy: () => rm(directory, { recursive: true, force: true }),
    };
  }

  const adminUrl = process.env.ASSAY_TEST_POSTGRES_URL;
  if (adminUrl === undefined || adminUrl === '') {
    throw new Error(
      'ASSAY_TEST_DB=postgres needs ASSAY_TEST_POSTGRES_URL (an admin connection URL, e.g. ' +
        'postgres://postgres@127.0.0.1:54329/postgres)',
    );
  }
  const name = `assay_test_${randomBytes(6).toString('hex')}`;
  await withAdminClient(adminUrl, (client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    engine: 'postgres',
    url: url.toString(),
    destroy: () =>
      withAdminClient(adminUrl, (client) =>
        client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
      ),
  };
}

async function withAdminClient(
  adminUrl: string,
  work: (client: pg.Client) => Promise<unknown>,
): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await work(client);
  } finally {
    await client.end();
  }
}
