import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';

import { decodeProtectedHeader, exportJWK, generateKeyPair, type JWK } from 'jose';
import type { Kysely } from 'kysely';

import { buildApp, type App } from '../src/app.ts';
import { loadConfig, type Config } from '../src/config.ts';
import type { Database } from '../src/platform/database-schema.ts';
import { createDatabase } from '../src/platform/db.ts';
import { migrateToLatest } from '../src/platform/migrations.ts';
import { fixtureWebDist, storedSecret } from './support/app.ts';
import { bearer, machineTokenFor } from './support/auth.ts';
import { createTestDatabase, secretsEnv, type TestDatabase } from './support/database.ts';
import { migrationsBefore } from './support/migrations.ts';
import { runScript } from './support/processes.ts';

/*
 * `…_encrypt_secrets` encrypts the secrets earlier versions stored in clear: the rows of
 * `secrets` and the signing keys' private JWKs. The server reads them back unchanged.
 */

const migration = '20261205120000_encrypt_secrets';

/** A signing key row as the previous version wrote it (private JWK in clear). */
async function clearSigningKey(): Promise<{ row: Record<string, unknown>; jwk: JWK }> {
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  const kid = randomUUID();
  const jwk = { ...(await exportJWK(privateKey)), kid, alg: 'ES256', use: 'sig' };
  const now = new Date().toISOString();
  return {
    jwk,
    row: {
      kid,
      alg: 'ES256',
      private_jwk: JSON.stringify(jwk),
      created_at: now,
      active_from: now,
      retired_at: null,
      not_after: null,
    },
  };
}

describe(`migration ${migration} (${process.env.ASSAY_TEST_DB ?? 'sqlite'})`, () => {
  let database: TestDatabase;
  let config: Config;
  let db: Kysely<Database>;
  let folder: string;
  let fromThisOne: string[];
  let app: App | undefined;
  const clear = {
    bff_client_secret: randomBytes(32).toString('base64url'),
    bff_token_key: randomBytes(32).toString('base64url'),
    cookie_keys: JSON.stringify([randomBytes(32).toString('base64url')]),
  };
  let signingKey: Awaited<ReturnType<typeof clearSigningKey>>;

  before(async () => {
    database = await createTestDatabase();
    config = loadConfig({
      DATABASE_URL: database.url,
      LOG_LEVEL: 'silent',
      WEB_DIST_DIR: fixtureWebDist,
      ...secretsEnv(database.url),
    });
    db = createDatabase(config.database);
    ({ folder, fromThisOne } = await migrationsBefore(migration));
    await migrateToLatest(db, folder);

    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the old schema's rows
    const old = db as unknown as Kysely<any>;
    const now = new Date().toISOString();
    await old
      .insertInto('secrets')
      .values(
        Object.entries(clear).map(([name, value]) => ({
          name,
          value,
          created_at: now,
          updated_at: now,
        })),
      )
      .execute();
    signingKey = await clearSigningKey();
    await old.insertInto('signing_keys').values(signingKey.row).execute();
  });

  after(async () => {
    await app?.close();
    await db.destroy();
    await database.destroy();
    await rm(folder, { recursive: true, force: true });
  });

  it('cannot run without the secrets key, and changes nothing then', async () => {
    await assert.rejects(migrateToLatest(db), /needs the secrets key \(SECRETS_KEY\)/);
    const rows = await db.selectFrom('secrets').select(['name', 'value']).execute();
    assert.deepEqual(Object.fromEntries(rows.map((row) => [row.name, row.value])), clear);
  });

  it('encrypts every clear secret when `db migrate` runs, and nothing is left in clear', async () => {
    const result = await runScript('cli.ts', ['db', 'migrate'], {
      DATABASE_URL: database.url,
      ...secretsEnv(database.url),
    });
    assert.equal(result.code, 0, result.stderr);
    for (const name of fromThisOne) assert.match(result.stdout, new RegExp(name));

    const secrets = await db.selectFrom('secrets').select(['name', 'value']).execute();
    const keys = await db.selectFrom('signing_keys').select('private_jwk').execute();
    const stored = [...secrets.map((row) => row.value), ...keys.map((row) => row.private_jwk)];
    assert.equal(stored.length, 4);
    for (const value of stored) {
      assert.equal(decodeProtectedHeader(value).enc, 'A256GCM');
      for (const secret of [...Object.values(clear), signingKey.jwk.d ?? '']) {
        assert.ok(!value.includes(secret), 'a secret is still in clear');
      }
    }
    assert.deepEqual(await migrateToLatest(db), [], 'nothing left to apply');
  });

  it('the server reads the same secrets and signs with the same key', async () => {
    app = await buildApp(config, { db: createDatabase(config.database) });
    for (const [name, value] of Object.entries(clear)) {
      assert.equal(await storedSecret(app, name), value, name);
    }
    assert.deepEqual(app.identity.keys?.current.privateJwks, [signingKey.jwk]);
    const token = await machineTokenFor(app, ['take:exams']);
    assert.equal(decodeProtectedHeader(token).kid, signingKey.jwk.kid);
    const me = await app.inject({ url: '/api/me', headers: bearer(token) });
    assert.equal(me.statusCode, 200, me.body);
  });
});
