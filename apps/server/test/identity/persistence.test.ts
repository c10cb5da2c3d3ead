/*
 * Everything the embedded provider and the BFF need lives in the database, never in the
 * library's development defaults or in process memory: signing keys, cookie keys, provider
 * state (interactions, sessions, grants, refresh tokens) and web sessions all survive a
 * restart. The server is stopped and a new one started on the same port and database while
 * a sign-in is half done.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it, mock } from 'node:test';

import { decodeJwt, decodeProtectedHeader } from 'jose';

import { buildApp, type App } from '../../src/app.ts';
import { createDatabase } from '../../src/platform/db.ts';
import { createAccount, TEST_PASSWORD } from '../support/auth.ts';
import {
  authorizationCodeTokens,
  Browser,
  followRedirect,
  openSignInPage,
  refresh,
  signIn,
  startListeningApp,
  type ListeningApp,
} from './browser.ts';

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
    const { tokens, clientAuth } = await authorizationCodeTokens(
      server,
      account.username,
      TEST_PASSWORD,
    );
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
