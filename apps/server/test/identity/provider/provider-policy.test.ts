/*
 * What the embedded provider refuses to do, over real HTTP: only authorization code with PKCE
 * S256 (no implicit or hybrid response types, no plain or missing PKCE), no password or other
 * grants, nothing it cannot back (DPoP), and no token living longer than 15 minutes.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import { decodeJwt } from 'jose';

import { createIdentityProvider } from '../../../src/identity/provider/provider.ts';
import { storedSecret } from '../../support/app.ts';
import { createAccount, TEST_PASSWORD } from '../../support/auth.ts';
import {
  authorizationCodeTokens,
  startListeningApp,
  type ListeningApp,
} from '../support/browser.ts';

const FIFTEEN_MINUTES = 15 * 60;

describe('the embedded provider’s protocol policy', () => {
  let server: ListeningApp;
  let webClientAuth: string;

  before(async () => {
    server = await startListeningApp();
    const secret = await storedSecret(server.app, 'bff_client_secret');
    webClientAuth = `Basic ${Buffer.from(`assay-web:${secret}`).toString('base64')}`;
  });
  after(() => server.close());

  /** An authorization request as the web client, with `overrides` (undefined removes one). */
  const authorize = async (overrides: Record<string, string | undefined>) => {
    const verifier = randomBytes(32).toString('base64url');
    const parameters: Record<string, string | undefined> = {
      client_id: 'assay-web',
      response_type: 'code',
      scope: 'openid profile email',
      redirect_uri: `${server.baseUrl}/bff/callback`,
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
      resource: `${server.baseUrl}/api`,
      state: 'state-1',
      nonce: 'nonce-1',
      ...overrides,
    };
    const query = new URLSearchParams(
      Object.entries(parameters).filter(
        (entry): entry is [string, string] => entry[1] !== undefined,
      ),
    );
    const response = await fetch(`${server.baseUrl}/oidc/auth?${query.toString()}`, {
      redirect: 'manual',
    });
    await response.body?.cancel();
    return { status: response.status, location: response.headers.get('location') ?? '' };
  };

  /** The `error` the provider sent back to the redirect URI (query or fragment). */
  const errorOf = (location: string) => {
    const url = new URL(location, server.baseUrl);
    assert.equal(`${url.origin}${url.pathname}`, `${server.baseUrl}/bff/callback`, location);
    const params = new URLSearchParams(url.hash === '' ? url.search : url.hash.slice(1));
    assert.equal(params.get('code'), null, 'no code was issued');
    assert.equal(params.get('access_token'), null, 'no token was issued');
    assert.equal(params.get('id_token'), null, 'no ID token was issued');
    return params.get('error');
  };

  const token = (body: Record<string, string>, authorization = webClientAuth) =>
    fetch(`${server.baseUrl}/oidc/token`, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(body),
    });

  it('advertises code + PKCE S256, code / refresh / client-credentials grants, and no DPoP', async () => {
    const discovery = (await (
      await fetch(`${server.baseUrl}/oidc/.well-known/openid-configuration`)
    ).json()) as Record<string, unknown>;
    assert.equal(discovery['issuer'], `${server.baseUrl}/oidc`);
    assert.deepEqual(discovery['response_types_supported'], ['code']);
    assert.deepEqual(discovery['code_challenge_methods_supported'], ['S256']);
    assert.deepEqual((discovery['grant_types_supported'] as string[]).sort(), [
      'authorization_code',
      'client_credentials',
      'refresh_token',
    ]);
    assert.equal(discovery['end_session_endpoint'], `${server.baseUrl}/oidc/session/end`);
    for (const absent of [
      'registration_endpoint',
      'introspection_endpoint',
      'dpop_signing_alg_values_supported',
    ]) {
      assert.equal(discovery[absent], undefined, absent);
    }
  });

  it('starts a sign-in for the well-formed request (the control case)', async () => {
    const { status, location } = await authorize({});
    assert.equal(status, 303);
    assert.match(location, /^\/interaction\/[^/]+$/);
  });

  it('refuses the implicit and hybrid response types', async () => {
    for (const responseType of [
      'token',
      'id_token',
      'id_token token',
      'code id_token',
      'code token',
    ]) {
      const { location } = await authorize({ response_type: responseType });
      assert.equal(errorOf(location), 'unsupported_response_type', responseType);
    }
  });

  it('requires PKCE, with S256 only', async () => {
    const missing = await authorize({
      code_challenge: undefined,
      code_challenge_method: undefined,
    });
    assert.equal(errorOf(missing.location), 'invalid_request');
    const verifier = randomBytes(32).toString('base64url');
    const plain = await authorize({ code_challenge: verifier, code_challenge_method: 'plain' });
    assert.equal(errorOf(plain.location), 'invalid_request');
  });

  it('refuses the password grant and every grant it does not offer', async () => {
    const account = await createAccount(server.app);
    const bodies: Record<string, string>[] = [
      { grant_type: 'password', username: account.username, password: TEST_PASSWORD },
      { grant_type: 'implicit' },
      { grant_type: 'urn:ietf:params:oauth:grant-type:device_code', device_code: 'x' },
      {
        grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
        subject_token: 'x',
        subject_token_type: 'urn:ietf:params:oauth:token-type:access_token',
      },
    ];
    for (const body of bodies) {
      const response = await token(body);
      assert.equal(response.status, 400, body['grant_type']);
      assert.equal(((await response.json()) as { error: string }).error, 'unsupported_grant_type');
    }
    // The web client may not use client credentials either.
    const response = await token({ grant_type: 'client_credentials' });
    assert.equal(response.status, 400);
  });

  it('issues no access or ID token that lives longer than 15 minutes', async () => {
    const client = await server.app.identity.clients.create('ttl probe', 'take:exams');
    const basic = `Basic ${Buffer.from(`${client.client_id}:${client.client_secret}`).toString('base64')}`;
    const machine = await token({ grant_type: 'client_credentials' }, basic);
    assert.equal(machine.status, 200);
    const machineBody = (await machine.json()) as { access_token: string; expires_in: number };

    const account = await createAccount(server.app);
    const { tokens } = await authorizationCodeTokens(server, account.username);
    assert.ok(tokens.id_token);

    for (const [name, jwt, expiresIn] of [
      ['client credentials', machineBody.access_token, machineBody.expires_in],
      ['authorization code', tokens.access_token, tokens.expires_in],
      ['ID token', tokens.id_token, undefined],
    ] as const) {
      const { iat, exp } = decodeJwt(jwt);
      assert.ok(iat !== undefined && exp !== undefined, name);
      assert.ok(exp - iat > 0 && exp - iat <= FIFTEEN_MINUTES, `${name}: ${exp - iat} s`);
      if (expiresIn !== undefined) assert.ok(expiresIn <= FIFTEEN_MINUTES, name);
    }
  });

  it('cannot be configured with an access-token lifetime over 15 minutes', () => {
    const options = {
      issuer: 'http://localhost:3000/oidc',
      audience: 'http://localhost:3000/api',
      db: undefined as never,
      jwks: { keys: [{ kty: 'EC', kid: 'k', alg: 'ES256' }] },
      cookieKeys: ['a cookie key'],
      findAccount: () => Promise.resolve(undefined),
      findMachineClient: () => Promise.resolve(undefined),
      firstParty: {
        clientId: 'assay-web',
        clientSecretHash: 'x',
        redirectUri: 'http://localhost:3000/bff/callback',
        postLogoutRedirectUri: 'http://localhost:3000/',
      },
      interactionUrl: (uid: string) => `/interaction/${uid}`,
      logoutScriptUrl: '/bff/assets/logout.js',
      sessionTtl: 3600,
    };
    for (const accessTokenTtl of [FIFTEEN_MINUTES + 1, 24 * 3600, 0, 1.5]) {
      assert.throws(() => createIdentityProvider({ ...options, accessTokenTtl }), RangeError);
    }
  });
});
