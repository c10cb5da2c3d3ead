import assert from 'node:assert/strict';
import { readFile, stat } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';

import { decodeProtectedHeader } from 'jose';

import { buildApp, type App } from '../../../src/app.ts';
import { loadConfig } from '../../../src/config.ts';
import { rotateSigningKeys } from '../../../src/identity/provider/signing-keys.ts';
import { SigningKeysRepository } from '../../../src/identity/provider/signing-keys.repository.ts';
import { createDatabase } from '../../../src/platform/db.ts';
import { migrateToLatest } from '../../../src/platform/migrations.ts';
import {
  generateSecretsKey,
  openSecretsKeyring,
  secretsKeyFile,
} from '../../../src/platform/secrets-key.ts';
import { fixtureWebDist } from '../../support/app.ts';
import { createTestDatabase, testEngine, type TestDatabase } from '../../support/database.ts';
import { runScript } from '../../support/processes.ts';
import { startListeningApp, type ListeningApp } from '../support/browser.ts';

describe('signing key rotation across two instances on one database', () => {
  const reloadIntervalMs = 100;
  let first: ListeningApp;
  let second: App;
  let client: { client_id: string; client_secret: string };

  before(async () => {
    first = await startListeningApp({ identity: { keyReloadIntervalMs: reloadIntervalMs } });
    // A second instance: same configuration, same database, its own process state.
    second = await buildApp(first.config, {
      db: createDatabase(first.config.database),
      identity: { keyReloadIntervalMs: reloadIntervalMs },
    });
    client = await first.app.identity.clients.create('rotation probe', 'take:exams');
  });
  after(async () => {
    await second.close();
    await first.close();
  });

  const basic = () =>
    `Basic ${Buffer.from(`${client.client_id}:${client.client_secret}`).toString('base64')}`;
  const host = () => new URL(first.baseUrl).host;

  /** A client-credentials token issued by one instance (over HTTP, or in process). */
  const tokenFrom = async (instance: 'first' | 'second'): Promise<string> => {
    const request = {
      method: 'POST' as const,
      headers: { authorization: basic(), 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    };
    if (instance === 'first') {
      const response = await fetch(`${first.baseUrl}/oidc/token`, request);
      assert.equal(response.status, 200);
      return ((await response.json()) as { access_token: string }).access_token;
    }
    const response = await second.inject({
      method: 'POST',
      url: '/oidc/token',
      headers: { ...request.headers, host: host() },
      payload: request.body,
    });
    assert.equal(response.statusCode, 200, response.body);
    return response.json<{ access_token: string }>().access_token;
  };

  const statusAt = async (instance: 'first' | 'second', token: string): Promise<number> => {
    if (instance === 'first') {
      const response = await fetch(`${first.baseUrl}/api/me`, {
        headers: { authorization: `Bearer ${token}` },
      });
      await response.body?.cancel();
      return response.status;
    }
    const response = await second.inject({
      url: '/api/me',
      headers: { authorization: `Bearer ${token}` },
    });
    return response.statusCode;
  };

  it('never answers 401 while a key is rotated under continuous traffic', async () => {
    const oldKid = decodeProtectedHeader(await tokenFrom('first')).kid;
    const earlyToken = await tokenFrom('second');
    const failures: string[] = [];
    const kidsSeen = new Set<string>();
    const control = { stop: false };
    const otherOf = (issuer: 'first' | 'second') => (issuer === 'first' ? 'second' : 'first');
    // Waits are counted in rounds of traffic, not in milliseconds: each round issues a token at
    // both instances and verifies it at both, over real HTTP against real reload timers.
    let rounds = 0;
    const waiting: { readonly round: number; readonly resolve: () => void }[] = [];

    const traffic = (async () => {
      while (!control.stop) {
        for (const issuer of ['first', 'second'] as const) {
          const token = await tokenFrom(issuer);
          kidsSeen.add(String(decodeProtectedHeader(token).kid));
          for (const verifier of ['first', 'second'] as const) {
            const status = await statusAt(verifier, token);
            if (status !== 200) failures.push(`${issuer}→${verifier}: ${status}`);
          }
          // Tokens signed before the rotation stay valid until they expire.
          const early = await statusAt(otherOf(issuer), earlyToken);
          if (early !== 200) failures.push(`early token at ${issuer}: ${early}`);
        }
        rounds++;
        for (const waiter of waiting.filter(({ round }) => round <= rounds)) {
          waiting.splice(waiting.indexOf(waiter), 1);
          waiter.resolve();
        }
      }
    })();
    const trafficFailed = traffic.then(() => {
      throw new Error('the traffic stopped early');
    });
    trafficFailed.catch(() => undefined);
    /** Resolves after `count` more rounds of traffic; rejects if the traffic failed. */
    const roundsOfTraffic = (count: number) =>
      Promise.race([
        new Promise<void>((resolve) => waiting.push({ round: rounds + count, resolve })),
        trafficFailed,
      ]);

    await roundsOfTraffic(2);
    const keyring = await openSecretsKeyring(first.config);
    const result = await rotateSigningKeys(new SigningKeysRepository(first.app.db, keyring), {
      activationDelayMs: 4 * reloadIntervalMs,
      reloadIntervalMs,
    });
    assert.deepEqual(
      result.retired.map((key) => key.kid),
      [oldKid],
    );
    // Run until both instances sign with the new key, and a little longer.
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      const [a, b] = [await tokenFrom('first'), await tokenFrom('second')];
      if (
        decodeProtectedHeader(a).kid === result.kid &&
        decodeProtectedHeader(b).kid === result.kid
      ) {
        break;
      }
      await roundsOfTraffic(1);
    }
    await roundsOfTraffic(2);
    control.stop = true;
    await traffic;

    assert.deepEqual(failures, []);
    assert.ok(kidsSeen.has(String(oldKid)) && kidsSeen.has(result.kid), [...kidsSeen].join());

    // After the rotation: a token signed by one instance verifies at the other.
    const fresh = await tokenFrom('first');
    assert.equal(decodeProtectedHeader(fresh).kid, result.kid);
    assert.equal(await statusAt('second', fresh), 200);

    // The retired key is still published, the new one too.
    const jwks = (await (await fetch(`${first.baseUrl}/oidc/jwks`)).json()) as {
      keys: { kid: string; d?: string }[];
    };
    assert.deepEqual(new Set(jwks.keys.map((key) => key.kid)), new Set([oldKid, result.kid]));
    assert.ok(
      jwks.keys.every((key) => key.d === undefined),
      'no private key material',
    );
  });
});

describe('secrets key rotation: every stored secret re-encrypted under a new key', () => {
  const publicUrl = 'http://localhost:3000';
  let database: TestDatabase;
  const running: App[] = [];

  before(async () => {
    database = await createTestDatabase();
    const db = createDatabase(loadConfig({ DATABASE_URL: database.url }).database);
    await migrateToLatest(db);
    await db.destroy();
  });
  after(async () => {
    for (const app of running) await app.close();
    await database.destroy();
  });

  const start = async (env: Record<string, string>): Promise<App> => {
    const config = loadConfig({
      DATABASE_URL: database.url,
      PUBLIC_URL: publicUrl,
      LOG_LEVEL: 'silent',
      WEB_DIST_DIR: fixtureWebDist,
      ...env,
    });
    const app = await buildApp(config, { db: createDatabase(config.database) });
    running.push(app);
    return app;
  };
  const stop = async (app: App) => {
    running.splice(running.indexOf(app), 1);
    await app.close();
  };
  const clientToken = async (app: App, client: { client_id: string; client_secret: string }) => {
    const response = await app.inject({
      method: 'POST',
      url: '/oidc/token',
      headers: {
        host: new URL(publicUrl).host,
        authorization: `Basic ${Buffer.from(`${client.client_id}:${client.client_secret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      payload: 'grant_type=client_credentials',
    });
    assert.equal(response.statusCode, 200, response.body);
    return response.json<{ access_token: string }>().access_token;
  };
  const meStatus = async (app: App, token: string) =>
    (await app.inject({ url: '/api/me', headers: { authorization: `Bearer ${token}` } }))
      .statusCode;
  /** The ids of the keys the stored secrets are sealed with. */
  const sealingKeyIds = async (app: App) => {
    const secrets = await app.db.selectFrom('secrets').select('value').execute();
    const keys = await app.db.selectFrom('signing_keys').select('private_jwk').execute();
    const values = [...secrets.map((row) => row.value), ...keys.map((row) => row.private_jwk)];
    assert.equal(values.length, 4);
    return new Set(values.map((value) => decodeProtectedHeader(value).kid));
  };

  it('re-encrypts under SECRETS_KEY; the server then needs only the new key; tokens stay valid', async () => {
    const [oldKey, newKey] = [generateSecretsKey(), generateSecretsKey()];
    const before = await start({ SECRETS_KEY: oldKey });
    const client = await before.identity.clients.create('rotation probe', 'take:exams');
    const token = await clientToken(before, client);
    const [oldId] = await sealingKeyIds(before);
    await stop(before);

    const rotated = await runScript('cli.ts', ['secrets', 'rotate'], {
      DATABASE_URL: database.url,
      SECRETS_KEY: newKey,
      SECRETS_KEY_PREVIOUS: oldKey,
    });
    assert.equal(rotated.code, 0, rotated.stderr);
    assert.match(rotated.stdout, /Re-encrypted 4 secret\(s\) under SECRETS_KEY/);
    assert.match(rotated.stdout, /Remove SECRETS_KEY_PREVIOUS/);

    const after = await start({ SECRETS_KEY: newKey });
    const ids = await sealingKeyIds(after);
    assert.equal(ids.size, 1);
    assert.ok(!ids.has(oldId), 'nothing is left under the old key');
    assert.equal(await meStatus(after, token), 200, 'a token signed before still verifies');
    assert.equal(await meStatus(after, await clientToken(after, client)), 200);
    await stop(after);

    await assert.rejects(start({ SECRETS_KEY: oldKey }), /encrypted with key \S+, but SECRETS_KEY/);
    const again = await runScript('cli.ts', ['secrets', 'rotate'], {
      DATABASE_URL: database.url,
      SECRETS_KEY: newKey,
    });
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /Re-encrypted 0 secret\(s\)/);
  });

  it(
    'on SQLite without SECRETS_KEY, replaces the key file while the server runs',
    {
      skip: testEngine() !== 'sqlite',
    },
    async () => {
      const fresh = await createTestDatabase();
      const config = loadConfig({
        DATABASE_URL: fresh.url,
        PUBLIC_URL: publicUrl,
        LOG_LEVEL: 'silent',
        WEB_DIST_DIR: fixtureWebDist,
      });
      const db = createDatabase(config.database);
      await migrateToLatest(db);
      const app = await buildApp(config, { db });
      try {
        const client = await app.identity.clients.create('rotation probe', 'take:exams');
        const token = await clientToken(app, client);
        const file = secretsKeyFile(
          config.database.target.engine === 'sqlite' ? config.database.target.file : '',
        );
        const oldKey = await readFile(file, 'utf8');
        const [oldId] = await sealingKeyIds(app);

        const rotated = await runScript('cli.ts', ['secrets', 'rotate'], {
          DATABASE_URL: fresh.url,
        });
        assert.equal(rotated.code, 0, rotated.stderr);
        assert.match(rotated.stdout, /Re-encrypted 4 secret\(s\) under a new key/);
        const newKey = await readFile(file, 'utf8');
        assert.notEqual(newKey, oldKey);
        assert.equal(newKey.trim().split('\n').length, 1, 'the old key is gone from the file');
        assert.equal((await stat(file)).mode & 0o777, 0o600);
        const ids = await sealingKeyIds(app);
        assert.equal(ids.size, 1);
        assert.ok(!ids.has(oldId));

        // The running server follows the key file; a restarted one reads it.
        await app.identity.keys?.load();
        assert.equal(await meStatus(app, token), 200);
        const restarted = await buildApp(config, { db: createDatabase(config.database) });
        try {
          assert.equal(
            await meStatus(restarted, token),
            200,
            'a token signed before still verifies',
          );
        } finally {
          await restarted.close();
        }
      } finally {
        await app.close();
        await fresh.destroy();
      }
    },
  );
});
