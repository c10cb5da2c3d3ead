/*
 * Everything the embedded provider and the BFF need lives in the database, never in the
 * library's development defaults or in process memory: signing keys, cookie keys, provider
 * state (interactions, sessions, grants, refresh tokens) and web sessions all survive a
 * restart. The server is stopped and a new one started on the same port and database while
 * a sign-in is half done.
 */
import assert from 'node:assert/strict';
import { stat } from 'node:fs/promises';
import { after, before, describe, it, mock } from 'node:test';

import { decodeJwt, decodeProtectedHeader } from 'jose';
import type { Kysely } from 'kysely';

import { buildApp, type App } from '../../../src/app.ts';
import { createDatabase } from '../../../src/platform/db.ts';
import { generateSecretsKey, secretsKeyFile } from '../../../src/platform/secrets-key.ts';
import { fixtureWebDist, storedSecret } from '../../support/app.ts';
import { createAccount, TEST_PASSWORD } from '../../support/auth.ts';
import { testEngine } from '../../support/database.ts';
import { startScript, type Finished } from '../../support/processes.ts';
import {
  authorizationCodeTokens,
  Browser,
  followRedirect,
  openSignInPage,
  refresh,
  signIn,
  startListeningApp,
  type ListeningApp,
} from '../support/browser.ts';

// oidc-provider says so on the console when it falls back to a development default (keys,
// in-memory adapter, interactions) or to one of its placeholder functions.
const providerMessages: string[] = [];
for (const level of ['warn', 'info'] as const) {
  const original = console[level].bind(console);
  mock.method(console, level, (...args: unknown[]) => {
    const line = args.map(String).join(' ');
    if (line.includes('oidc-provider')) providerMessages.push(line);
    else original(...args);
  });
}

describe('identity state survives a restart (nothing in memory, no development defaults)', () => {
  let server: ListeningApp;
  let restarted: App | undefined;

  before(async () => {
    server = await startListeningApp();
  });
  after(async () => {
    await restarted?.close();
    await server.database.destroy();
  });

  const jwksKids = async () => {
    const jwks = (await (await fetch(`${server.baseUrl}/oidc/jwks`)).json()) as {
      keys: { kid: string; d?: string }[];
    };
    assert.ok(
      jwks.keys.every((key) => key.d === undefined),
      'no private key material',
    );
    return jwks.keys.map((key) => key.kid).sort();
  };

  it('starts with no account at all (no default admin) and persisted keys and secrets', async () => {
    const accounts = await server.app.db.selectFrom('accounts').select('id').execute();
    assert.deepEqual(accounts, []);
    const secrets = await server.app.db.selectFrom('secrets').select('name').execute();
    assert.deepEqual(secrets.map((row) => row.name).sort(), [
      'bff_client_secret',
      'bff_token_key',
      'cookie_keys',
    ]);
    const keys = await server.app.db.selectFrom('signing_keys').select('kid').execute();
    assert.equal(keys.length, 1);
    // The provider publishes exactly the stored key, not a development key of its own.
    assert.deepEqual(await jwksKids(), keys.map((row) => row.kid).sort());
  });

  it('keeps sign-ins, sessions, refresh tokens and keys across a restart', async () => {
    const account = await createAccount(server.app);
    const signedIn = new Browser(server.baseUrl);
    await signIn(signedIn, account.username, TEST_PASSWORD);
    const halfway = new Browser(server.baseUrl);
    const { uid } = await openSignInPage(halfway);
    const { tokens, clientAuth } = await authorizationCodeTokens(server, account.username);
    const kidsBefore = await jwksKids();
    assert.equal(decodeProtectedHeader(tokens.access_token).kid, kidsBefore[0]);

    const models = await server.app.db
      .selectFrom('oidc_payloads')
      .select('model')
      .distinct()
      .execute();
    for (const model of ['Interaction', 'Session', 'Grant', 'RefreshToken']) {
      assert.ok(
        models.some((row) => row.model === model),
        `${model} is stored in the database`,
      );
    }

    // Stop the server (keeping its database) and start a new process-state on the same port.
    await server.app.close();
    restarted = await buildApp(server.config, { db: createDatabase(server.config.database) });
    await restarted.listen({ port: Number(new URL(server.baseUrl).port), host: '127.0.0.1' });

    // The same keys are published and the old access token still verifies.
    assert.deepEqual(await jwksKids(), kidsBefore);
    const me = await fetch(`${server.baseUrl}/api/me`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    assert.equal(me.status, 200);

    // The web session (encrypted tokens in bff_sessions) still opens.
    const user = await signedIn.request('/bff/user');
    assert.equal(user.status, 200);
    assert.equal(((await user.json()) as { subject: string }).subject, account.id);

    // The sign-in started before the restart finishes after it: the provider's cookies are
    // signed with persisted keys and its interaction is in the database.
    const login = await halfway.postJson(`/interaction/${uid}/login`, {
      login: account.username,
      password: TEST_PASSWORD,
    });
    assert.equal(login.status, 200, await login.clone().text());
    const { redirectTo } = (await login.json()) as { redirectTo: string };
    const { hops } = await followRedirect(halfway, redirectTo);
    assert.equal(hops.at(-1), `${server.baseUrl}/`, hops.join(' → '));
    assert.equal((await halfway.request('/bff/user')).status, 200);

    // The refresh token issued before the restart is redeemed after it.
    const refreshed = await refresh(server, clientAuth, tokens.refresh_token ?? '');
    assert.equal(refreshed.status, 200, await refreshed.clone().text());
    const next = (await refreshed.json()) as { access_token: string };
    assert.equal(decodeJwt(next.access_token).sub, account.id);
  });

  it('never fell back to a development default of oidc-provider on the way', () => {
    assert.deepEqual(providerMessages, []);
  });
});

/** Every table's rows, as [table, column, text value] for each text cell. */
async function textCells(app: App): Promise<[string, string, string][]> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- every table, whatever its type
  const db = app.db as unknown as Kysely<any>;
  const cells: [string, string, string][] = [];
  for (const table of await db.introspection.getTables()) {
    const rows = (await db.selectFrom(table.name).selectAll().execute()) as Record<
      string,
      unknown
    >[];
    for (const row of rows) {
      for (const [column, value] of Object.entries(row)) {
        if (typeof value === 'string') cells.push([table.name, column, value]);
      }
    }
  }
  return cells;
}

const PRIVATE_JWK_MEMBER = /"(d|p|q|dp|dq|qi|oth|k)"\s*:/;

describe('secrets at rest: a copy of the database cannot sign tokens', () => {
  let server: ListeningApp;

  before(async () => {
    server = await startListeningApp();
    const account = await createAccount(server.app);
    await signIn(new Browser(server.baseUrl), account.username, TEST_PASSWORD);
    await server.app.identity.clients.create('secrets probe', 'take:exams');
  });
  after(() => server.close());

  it('stores no private JWK, client secret, sealing key or cookie key in clear', async () => {
    const keys = server.app.identity.keys?.current;
    assert.ok(keys);
    const secrets = {
      'the web client secret': await storedSecret(server.app, 'bff_client_secret'),
      'the sealing key': await storedSecret(server.app, 'bff_token_key'),
      ...Object.fromEntries(
        (JSON.parse(await storedSecret(server.app, 'cookie_keys')) as string[]).map((key, n) => [
          `cookie key ${n}`,
          key,
        ]),
      ),
      ...Object.fromEntries(
        keys.privateJwks.map((jwk) => [`the private key ${jwk.kid ?? ''}`, jwk.d ?? '']),
      ),
    };
    const cells = await textCells(server.app);
    assert.ok(cells.length > 0);
    for (const [what, value] of Object.entries(secrets)) {
      assert.ok(value.length >= 32, `${what} is known to the server`);
      const found = cells.filter(([, , cell]) => cell.includes(value));
      assert.deepEqual(
        found.map(([table, column]) => `${table}.${column}`),
        [],
        `${what} is in clear in the database`,
      );
    }
    const privateMembers = cells.filter(([, , cell]) => PRIVATE_JWK_MEMBER.test(cell));
    assert.deepEqual(
      privateMembers.map(([table, column]) => `${table}.${column}`),
      [],
      'a private JWK member is in clear in the database',
    );

    // Each is an AES-256-GCM envelope naming the key that sealed it.
    const sealed = cells.filter(
      ([table, column]) =>
        (table === 'secrets' && column === 'value') ||
        (table === 'signing_keys' && column === 'private_jwk'),
    );
    assert.equal(sealed.length, 4);
    const kids = new Set<unknown>();
    for (const [, , value] of sealed) {
      const header = decodeProtectedHeader(value);
      assert.equal(header.alg, 'dir');
      assert.equal(header.enc, 'A256GCM');
      kids.add(header.kid);
    }
    assert.equal(kids.size, 1, 'one key sealed them all');
  });

  it('opens a sealed secret only in its own row', async () => {
    const db = server.app.db;
    const row = (name: string) =>
      db.selectFrom('secrets').select('value').where('name', '=', name).executeTakeFirstOrThrow();
    const tokenKey = await row('bff_token_key');
    const clientSecret = await row('bff_client_secret');
    await db
      .updateTable('secrets')
      .set({ value: tokenKey.value })
      .where('name', '=', 'bff_client_secret')
      .execute();
    try {
      await assert.rejects(storedSecret(server.app, 'bff_client_secret'), /another row/);
    } finally {
      await db
        .updateTable('secrets')
        .set({ value: clientSecret.value })
        .where('name', '=', 'bff_client_secret')
        .execute();
    }
  });
});

describe('start-up with the wrong secrets key', () => {
  const engine = testEngine();
  let server: ListeningApp;
  let env: Record<string, string>;

  before(async () => {
    server = await startListeningApp();
    await server.app.close();
    env = {
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: server.database.url,
      WEB_DIST_DIR: fixtureWebDist,
      LOG_LEVEL: 'info',
    };
  });
  after(() => server.database.destroy());

  /** Runs server.ts, stopping it if it starts after all; resolves when it has exited. */
  const start = async (extra: Record<string, string>): Promise<Finished> => {
    const { child, finished } = startScript('server.ts', [], { ...env, ...extra });
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString('utf8').includes('"address"')) child.kill('SIGKILL');
    });
    try {
      return await finished;
    } finally {
      clearTimeout(timer);
    }
  };
  const assertRefused = (result: Finished, message: RegExp) => {
    assert.equal(result.code, 1, `exit code (${result.stdout}${result.stderr})`);
    assert.match(result.stderr, message);
    assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
  };

  it('refuses another SECRETS_KEY, saying so', async () => {
    const result = await start({ SECRETS_KEY: generateSecretsKey() });
    assertRefused(result, /encrypted with key \S+, but SECRETS_KEY is key \S+\. Set SECRETS_KEY/);
  });

  it('refuses a SECRETS_KEY that is not 32 bytes, naming it and not echoing it', async () => {
    const result = await start({ SECRETS_KEY: 'not-a-key-at-all' });
    assertRefused(result, /SECRETS_KEY: must be 32 random bytes in base64 or hex/);
    assert.doesNotMatch(result.stderr, /not-a-key-at-all/);
  });

  it(
    'on PostgreSQL, refuses to start without SECRETS_KEY and says how to make one',
    {
      skip: engine !== 'postgres',
    },
    async () => {
      const result = await start({ SECRETS_KEY: '' });
      assertRefused(
        result,
        /SECRETS_KEY: must be set when DATABASE_URL is PostgreSQL.*openssl rand -base64 32/s,
      );
    },
  );

  it(
    'on SQLite, keeps the key in a file readable by its owner only, and needs it',
    {
      skip: engine !== 'sqlite',
    },
    async () => {
      const file = secretsKeyFile(
        server.config.database.target.engine === 'sqlite' ? server.config.database.target.file : '',
      );
      assert.match(file, /assay\.secrets-key$/);
      assert.equal((await stat(file)).mode & 0o777, 0o600);
      const { rename } = await import('node:fs/promises');
      await rename(file, `${file}.away`);
      try {
        assertRefused(await start({}), /the key file \S+assay\.secrets-key is missing/);
      } finally {
        await rename(`${file}.away`, file);
      }
      // With its key file back it starts.
      const result = await start({});
      assert.equal(result.code, null, result.stderr);
    },
  );
});
