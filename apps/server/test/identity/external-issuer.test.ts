/*
 * External identity provider mode, against a second, real oidc-provider started here on
 * loopback with its own keys, clients and account, and an auto-login interaction handler of
 * this test's own. Nothing about token verification is mocked.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, it } from 'node:test';

import { exportJWK, generateKeyPair } from 'jose';
import Provider, { errors, type Configuration } from 'oidc-provider';

import { freePort } from '../../../../scripts/free-port.ts';
import { Browser, startListeningApp, type ListeningApp } from './browser.ts';

const API_AUDIENCE = 'https://assay.example/api';
const ALL = ['take:exams', 'manage:exams', 'manage:users'];

async function startExternalProvider(port: number, redirectBases: readonly string[]) {
  const issuer = `http://127.0.0.1:${port}`;
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), kid: 'external-1', alg: 'ES256', use: 'sig' };
  const account = { id: 'ext-ada', name: 'Ada (external)' };
  const configuration: Configuration = {
    jwks: { keys: [jwk] },
    cookies: { keys: ['an external provider cookie key'] },
    clientDefaults: { id_token_signed_response_alg: 'ES256' },
    renderError: (ctx, out) => {
      ctx.body = out;
    },
    clients: [
      {
        client_id: 'assay-bff',
        client_secret: 'external-bff-secret',
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        redirect_uris: redirectBases.map((base) => `${base}/bff/callback`),
        post_logout_redirect_uris: redirectBases.map((base) => `${base}/`),
      },
      {
        client_id: 'external-bot',
        client_secret: 'external-bot-secret',
        grant_types: ['client_credentials'],
        response_types: [],
        redirect_uris: [],
        scope: 'take:exams manage:exams',
      },
    ],
    scopes: ['openid', 'profile', 'email', 'offline_access', ...ALL],
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      rpInitiatedLogout: { enabled: true },
      revocation: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => API_AUDIENCE,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, resource) => {
          if (resource !== API_AUDIENCE) throw new errors.InvalidTarget();
          return {
            scope: ALL.join(' '),
            audience: API_AUDIENCE,
            accessTokenFormat: 'jwt',
            accessTokenTTL: 300,
            jwt: { sign: { alg: 'ES256' } },
          };
        },
      },
    },
    issueRefreshToken: () => true,
    findAccount: (_ctx, sub) =>
      sub === account.id
        ? { accountId: sub, claims: () => ({ sub, name: account.name }) }
        : undefined,
    loadExistingGrant: async (ctx) => {
      const grant = new ctx.oidc.provider.Grant({
        clientId: ctx.oidc.client?.clientId ?? '',
        accountId: ctx.oidc.session?.accountId ?? '',
      });
      grant.addOIDCScope('openid profile email');
      grant.addResourceScope(API_AUDIENCE, '');
      await grant.save();
      return grant;
    },
    // Auth0 style (`permissions`) and Keycloak style (`realm_access.roles`) at once.
    extraTokenClaims: (_ctx, token) =>
      token.kind === 'ClientCredentials'
        ? { permissions: (token.scope ?? '').split(' ').filter(Boolean) }
        : {
            name: account.name,
            permissions: ['take:exams', 'manage:exams'],
            realm_access: { roles: ['assay-admin', 'offline_access'] },
          },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  };
  const provider = new Provider(issuer, configuration);
  const callback = provider.callback();
  const server: Server = createServer((request, response) => {
    if (request.url?.startsWith('/interaction/')) {
      // The test's own sign-in page: signs Ada in at once.
      provider
        .interactionFinished(request, response, { login: { accountId: account.id } })
        .catch(() => response.writeHead(500).end());
      return;
    }
    void callback(request, response);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    issuer,
    account,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      }),
  };
}

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
    assert.ok(endSession.searchParams.get('id_token_hint'));
    assert.equal((await browser.request('/bff/user')).status, 401);
    // The provider accepts the request (a confirmation page), so the hint and URI are right.
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
