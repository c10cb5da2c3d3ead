/*
 * External identity provider mode, against a second, real oidc-provider started here on
 * loopback with its own keys, clients and account, and an auto-login interaction handler of
 * this test's own. Nothing about token verification is mocked.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { exportJWK, generateKeyPair } from 'jose';

import { freePort } from '../../../../scripts/free-port.ts';
import { LogCapture } from '../support/app.ts';
import { Browser, startListeningApp, type ListeningApp } from './support/browser.ts';
import {
  ALL,
  API_AUDIENCE,
  startExternalProvider,
  type ExternalProviderOptions,
} from './support/external-provider.ts';

describe('external identity provider (OIDC_ISSUER set)', () => {
  let external: Awaited<ReturnType<typeof startExternalProvider>>;
  let permissionsApp: ListeningApp;
  let rolesApp: ListeningApp;

  before(async () => {
    const [providerPort, permissionsPort, rolesPort] = [
      await freePort(),
      await freePort(),
      await freePort(),
    ];
    external = await startExternalProvider(providerPort, [
      `http://127.0.0.1:${permissionsPort}`,
      `http://127.0.0.1:${rolesPort}`,
    ]);
    const env = {
      OIDC_ISSUER: external.issuer,
      OIDC_CLIENT_ID: 'assay-bff',
      OIDC_CLIENT_SECRET: 'external-bff-secret',
      API_AUDIENCE,
    };
    permissionsApp = await startListeningApp({ port: permissionsPort, env });
    rolesApp = await startListeningApp({
      port: rolesPort,
      env: {
        ...env,
        OIDC_PERMISSIONS_CLAIM: 'realm_access.roles',
        OIDC_ROLE_PERMISSIONS: JSON.stringify({
          'assay-admin': ALL,
          'assay-learner': ['take:exams'],
        }),
      },
    });
  });
  after(async () => {
    await permissionsApp.close();
    await rolesApp.close();
    await external.close();
  });

  const clientCredentialsToken = async () => {
    const response = await fetch(`${external.issuer}/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from('external-bot:external-bot-secret').toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials&scope=take%3Aexams',
    });
    assert.equal(response.status, 200, await response.clone().text());
    return ((await response.json()) as { access_token: string }).access_token;
  };

  it('turns the embedded provider and its sign-in endpoints off', async () => {
    for (const path of ['/oidc/.well-known/openid-configuration', '/interaction/abc/details']) {
      const response = await fetch(`${permissionsApp.baseUrl}${path}`);
      assert.equal(response.status, 404, path);
    }
  });

  it("accepts the external issuer's bearer tokens, permissions from the configured claim", async () => {
    const token = await clientCredentialsToken();
    const response = await fetch(`${permissionsApp.baseUrl}/api/me`, {
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), {
      subject: 'external-bot',
      issuer: external.issuer,
      kind: 'client',
      displayName: null,
      roles: [],
      permissions: ['take:exams'],
    });
  });

  it('refuses a token of the external issuer for another audience', async () => {
    const response = await fetch(`${permissionsApp.baseUrl}/api/me`, {
      headers: { authorization: `Bearer ${await clientCredentialsToken()}` },
    });
    assert.equal(response.status, 200);
    const other = await startListeningApp({
      env: {
        OIDC_ISSUER: external.issuer,
        OIDC_CLIENT_ID: 'assay-bff',
        OIDC_CLIENT_SECRET: 'external-bff-secret',
      },
    });
    try {
      const refused = await fetch(`${other.baseUrl}/api/me`, {
        headers: { authorization: `Bearer ${await clientCredentialsToken()}` },
      });
      assert.equal(refused.status, 401);
      assert.equal(((await refused.json()) as { code: string }).code, 'invalid_claims');
    } finally {
      await other.close();
    }
  });

  it('signs in to the web app through the external provider (BFF session)', async () => {
    const browser = new Browser(permissionsApp.baseUrl);
    const { hops } = await browser.navigate('/bff/login?returnTo=/history');
    // Access tokens live 300 s and sessions 8 h: a refresh token is needed, so it is asked for.
    assert.match(external.requestedScopes.at(-1) ?? '', /\boffline_access\b/);
    assert.ok(
      hops.some((hop) => hop.startsWith(external.issuer)),
      hops.join(' → '),
    );
    assert.equal(hops.at(-1), `${permissionsApp.baseUrl}/history`);
    const user = await browser.request('/bff/user');
    assert.equal(user.status, 200);
    assert.deepEqual(await user.json(), {
      subject: 'ext-ada',
      displayName: 'Ada (external)',
      roles: [],
      permissions: ['take:exams', 'manage:exams'],
      accountsManagedAt: external.issuer,
    });
  });

  it('signs out of the web app and sends the browser to the external provider to end its session', async () => {
    const browser = new Browser(permissionsApp.baseUrl);
    await browser.navigate('/bff/login');
    assert.equal((await browser.request('/bff/user')).status, 200);
    const response = await browser.postJson(
      '/bff/logout',
      {},
      { 'x-xsrf-token': browser.cookie('XSRF-TOKEN') ?? '' },
    );
    assert.equal(response.status, 200);
    const endSession = new URL(((await response.json()) as { redirectTo: string }).redirectTo);
    assert.equal(`${endSession.origin}${endSession.pathname}`, `${external.issuer}/session/end`);
    assert.equal(
      endSession.searchParams.get('post_logout_redirect_uri'),
      `${permissionsApp.baseUrl}/`,
    );
    // The client id, never the ID token, tells the provider who asks.
    assert.equal(endSession.searchParams.get('id_token_hint'), null);
    assert.equal(endSession.searchParams.get('client_id'), 'assay-bff');
    assert.equal((await browser.request('/bff/user')).status, 401);
    // The provider accepts the request (a confirmation page), so the client and URI are right.
    const page = await browser.request(endSession.href);
    assert.equal(page.status, 200, await page.clone().text());
  });

  it('tells an admin that the provider keeps the accounts, not an empty list of users', async () => {
    const browser = new Browser(rolesApp.baseUrl);
    await browser.navigate('/bff/login');
    const user = (await (await browser.request('/bff/user')).json()) as {
      permissions: string[];
      accountsManagedAt?: string;
    };
    assert.ok(user.permissions.includes('manage:users'));
    assert.equal(user.accountsManagedAt, external.issuer);

    const list = await browser.request('/api/users');
    assert.equal(list.status, 404);
    assert.match(list.headers.get('content-type') ?? '', /^application\/problem\+json/);
    const problem = (await list.json()) as { code: string; detail: string; issuer: string };
    assert.equal(problem.code, 'accounts_external');
    assert.equal(problem.issuer, external.issuer);
    assert.ok(problem.detail.includes(external.issuer), problem.detail);

    const change = await browser.request('/api/users/00000000-0000-4000-8000-000000000001', {
      method: 'PATCH',
      headers: {
        'content-type': 'application/json',
        'x-xsrf-token': browser.cookie('XSRF-TOKEN') ?? '',
      },
      body: JSON.stringify({ role: 'admin' }),
    });
    assert.equal(change.status, 404);
    assert.equal(((await change.json()) as { code: string }).code, 'accounts_external');

    // Asking still needs `manage:users`: a caller without it learns nothing more.
    const anonymous = await fetch(`${rolesApp.baseUrl}/api/users`);
    assert.equal(anonymous.status, 401);
    const learner = await fetch(`${permissionsApp.baseUrl}/api/users`, {
      headers: { authorization: `Bearer ${await clientCredentialsToken()}` },
    });
    assert.equal(learner.status, 403);
  });

  it('maps a roles claim to permissions (Keycloak style) for bearer and session callers', async () => {
    const browser = new Browser(rolesApp.baseUrl);
    const { hops } = await browser.navigate('/bff/login');
    assert.equal(hops.at(-1), `${rolesApp.baseUrl}/`);
    const me = await browser.request('/api/me');
    assert.equal(me.status, 200);
    const body = (await me.json()) as { roles: string[]; permissions: string[]; issuer: string };
    assert.deepEqual(body.roles, ['assay-admin', 'offline_access']);
    assert.deepEqual(body.permissions, ALL);
    assert.equal(body.issuer, external.issuer);
  });
});

describe('external provider: token endpoint authentication', () => {
  const providers: { close(): Promise<void> }[] = [];
  const apps: ListeningApp[] = [];
  after(async () => {
    for (const app of apps) await app.close();
    for (const provider of providers) await provider.close();
  });

  async function setUp(
    options: Parameters<typeof startExternalProvider>[2],
    env: Record<string, string>,
  ) {
    const [providerPort, appPort] = [await freePort(), await freePort()];
    const provider = await startExternalProvider(
      providerPort,
      [`http://127.0.0.1:${appPort}`],
      options,
    );
    providers.push(provider);
    const app = await startListeningApp({
      port: appPort,
      env: { OIDC_ISSUER: provider.issuer, OIDC_CLIENT_ID: 'assay-bff', API_AUDIENCE, ...env },
    });
    apps.push(app);
    return { provider, app };
  }

  async function signsIn(app: ListeningApp): Promise<string> {
    const browser = new Browser(app.baseUrl);
    const { hops, response } = await browser.navigate('/bff/login?returnTo=/exams');
    await response.body?.cancel();
    return hops.at(-1) ?? '';
  }

  it('uses client_secret_post when that is all the provider offers (client id with -)', async () => {
    const { provider, app } = await setUp(
      {
        clientAuthMethods: ['client_secret_post'],
        bffClient: { token_endpoint_auth_method: 'client_secret_post' },
      },
      { OIDC_CLIENT_SECRET: 'external-bff-secret' },
    );
    assert.equal(await signsIn(app), `${app.baseUrl}/exams`);
    assert.deepEqual(provider.tokenRequestAuth, ['body']);
  });

  it("follows the provider's order unless OIDC_CLIENT_AUTH_METHOD forces one", async () => {
    const offersBasicFirst: ExternalProviderOptions = {
      clientAuthMethods: ['client_secret_basic', 'client_secret_post'],
    };
    const secret = { OIDC_CLIENT_SECRET: 'external-bff-secret' };
    const { provider, app } = await setUp(offersBasicFirst, secret);
    assert.equal(await signsIn(app), `${app.baseUrl}/exams`);
    assert.deepEqual(provider.tokenRequestAuth, ['basic']);
    // LemonLDAP::NG's basic authentication does not decode the %2D of a form-encoded `-`:
    // there, client_secret_post is the way.
    const forced = await setUp(offersBasicFirst, {
      ...secret,
      OIDC_CLIENT_AUTH_METHOD: 'client_secret_post',
    });
    assert.equal(await signsIn(forced.app), `${forced.app.baseUrl}/exams`);
    assert.deepEqual(forced.provider.tokenRequestAuth, ['body']);
  });

  it('signs in with private_key_jwt: a private JWK in config, its public half at the provider', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    const kid = 'assay-bff-1';
    const { app } = await setUp(
      {
        clientAuthMethods: ['private_key_jwt', 'client_secret_basic'],
        bffClient: {
          token_endpoint_auth_method: 'private_key_jwt',
          token_endpoint_auth_signing_alg: 'ES256',
          client_secret: undefined,
          jwks: { keys: [{ ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' }] },
        },
      },
      { OIDC_CLIENT_PRIVATE_KEY: JSON.stringify({ ...(await exportJWK(privateKey)), kid }) },
    );
    const browser = new Browser(app.baseUrl);
    const { hops } = await browser.navigate('/bff/login?returnTo=/exams');
    assert.equal(hops.at(-1), `${app.baseUrl}/exams`, hops.join(' → '));
    assert.equal((await browser.request('/bff/user')).status, 200);
  });
});

describe('external provider without a revocation endpoint', () => {
  let provider: Awaited<ReturnType<typeof startExternalProvider>>;
  let app: ListeningApp;
  const logs = new LogCapture();

  before(async () => {
    const [providerPort, appPort] = [await freePort(), await freePort()];
    provider = await startExternalProvider(providerPort, [`http://127.0.0.1:${appPort}`], {
      revocation: false,
      accessTokenTtl: 3600,
    });
    app = await startListeningApp({
      port: appPort,
      logs,
      env: {
        OIDC_ISSUER: provider.issuer,
        OIDC_CLIENT_ID: 'assay-bff',
        OIDC_CLIENT_SECRET: 'external-bff-secret',
        API_AUDIENCE,
        // Shorter than the provider's access tokens: the session never needs a refresh token.
        SESSION_LIFETIME_SECONDS: '1800',
      },
    });
  });
  after(async () => {
    await app.close();
    await provider.close();
  });

  it('says once that refresh tokens outlive sign-out; stops asking for offline_access', async () => {
    for (let round = 0; round < 3; round++) {
      const browser = new Browser(app.baseUrl);
      const { hops } = await browser.navigate('/bff/login');
      assert.equal(hops.at(-1), `${app.baseUrl}/`, hops.join(' → '));
      const response = await browser.postJson(
        '/bff/logout',
        {},
        { 'x-xsrf-token': browser.cookie('XSRF-TOKEN') ?? '' },
      );
      assert.equal(response.status, 200);
    }
    // Until the provider has said how long its access tokens live, Assay must ask; then not.
    assert.deepEqual(
      provider.requestedScopes.map((scope) => scope.includes('offline_access')),
      [true, false, false],
    );
    const messages = logs.lines.map((line) => String(line['msg']));
    assert.equal(messages.filter((msg) => /no revocation endpoint/.test(msg)).length, 1);
    assert.equal(messages.filter((msg) => /Revoking the refresh token failed/.test(msg)).length, 0);
  });
});
