/*
 * An external provider that types access tokens and ID tokens alike (`JWT`, as LemonLDAP::NG,
 * Keycloak and Auth0's default profile do), and puts the API in its ID tokens' audience: the
 * API must still refuse the ID tokens. The provider here is a discovery document and a JWKS
 * served on loopback; the tokens are really signed with its key and carry the claims those
 * providers issue.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { after, before, describe, it } from 'node:test';

import type { ProblemDetails } from '@assay/contracts';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from 'jose';

import { freePort } from '../../../../../scripts/free-port.ts';
import { createTestApp, type TestApp } from '../../support/app.ts';

const API_AUDIENCE = 'https://exams.example.org/api';
const CLIENT_ID = 'assay-web';
const ALL = ['take:exams', 'manage:exams', 'manage:users'];

describe('ID tokens from a provider that types every token JWT', () => {
  let provider: Server;
  let issuer: string;
  let signingKey: CryptoKey;
  let testApp: TestApp;

  before(async () => {
    const port = await freePort();
    issuer = `http://127.0.0.1:${port}/realms/assay`;
    const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
    signingKey = privateKey;
    const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid: 'realm-1', alg: 'RS256' }] };
    provider = createServer((request, response) => {
      const body =
        request.url === '/realms/assay/.well-known/openid-configuration'
          ? { issuer, jwks_uri: `${issuer}/certs` }
          : request.url === '/realms/assay/certs'
            ? jwks
            : undefined;
      response.writeHead(body === undefined ? 404 : 200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body ?? {}));
    });
    await new Promise<void>((resolve) => provider.listen(port, '127.0.0.1', resolve));
    testApp = await createTestApp({
      env: {
        OIDC_ISSUER: issuer,
        OIDC_CLIENT_ID: CLIENT_ID,
        OIDC_CLIENT_SECRET: 'a client secret',
        API_AUDIENCE,
        OIDC_ACCESS_TOKEN_TYPES: 'at+jwt,JWT',
      },
    });
  });
  after(async () => {
    await testApp.close();
    await new Promise<void>((resolve) =>
      provider.close(() => {
        resolve();
      }),
    );
  });

  const signed = (claims: JWTPayload) => {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ iss: issuer, sub: 'user-1', iat: now, exp: now + 300, ...claims })
      .setProtectedHeader({ alg: 'RS256', kid: 'realm-1', typ: 'JWT' })
      .sign(signingKey);
  };
  const call = async (token: string, method: 'GET' | 'POST' = 'GET') => {
    const response = await testApp.app.inject(
      method === 'GET'
        ? { url: '/api/me', headers: { authorization: `Bearer ${token}` } }
        : {
            method,
            url: '/api/exams',
            headers: { authorization: `Bearer ${token}` },
            payload: { title: 'Made with an ID token' },
          },
    );
    return { status: response.statusCode, code: response.json<Partial<ProblemDetails>>().code };
  };

  // With the provider's option to put every claim in the ID token (permissions included).
  const idToken = (claims: JWTPayload = {}) =>
    signed({
      aud: [CLIENT_ID, API_AUDIENCE],
      azp: CLIENT_ID,
      auth_time: Math.floor(Date.now() / 1000) - 30,
      nonce: randomUUID(),
      at_hash: 'HK6E_P6Dh8Y93mRNtsDB1Q',
      sid: 'session-1',
      name: 'Ada',
      permissions: ALL,
      ...claims,
    });

  it('refuses an ID token with the API in its audience: 401 invalid_claims, on reads and writes', async () => {
    const token = await idToken();
    assert.deepEqual(await call(token), { status: 401, code: 'invalid_claims' });
    assert.deepEqual(await call(token, 'POST'), { status: 401, code: 'invalid_claims' });
  });

  it('refuses it without a nonce, without at_hash, or with neither (azp among the audiences)', async () => {
    for (const claims of [
      { nonce: undefined },
      { at_hash: undefined },
      { nonce: undefined, at_hash: undefined },
    ]) {
      assert.deepEqual(await call(await idToken(claims)), { status: 401, code: 'invalid_claims' });
    }
  });

  it("refuses Keycloak's ID token (typ ID), even with the API as its only audience", async () => {
    const token = await idToken({ aud: API_AUDIENCE, nonce: undefined, typ: 'ID' });
    assert.deepEqual(await call(token), { status: 401, code: 'invalid_claims' });
  });

  it('accepts a Keycloak access token (azp, auth_time, sid, typ Bearer), and an older one with a nonce', async () => {
    const keycloak = {
      aud: [API_AUDIENCE, 'account'],
      azp: CLIENT_ID,
      auth_time: Math.floor(Date.now() / 1000) - 30,
      sid: 'session-1',
      session_state: 'session-1',
      typ: 'Bearer',
      scope: 'openid profile email',
      permissions: ALL,
    };
    assert.deepEqual(await call(await signed(keycloak)), { status: 200, code: undefined });
    const withNonce = await signed({ ...keycloak, nonce: randomUUID() });
    assert.deepEqual(await call(withNonce), { status: 200, code: undefined });
    assert.deepEqual(await call(withNonce, 'POST'), { status: 201, code: undefined });
  });

  it('accepts a LemonLDAP::NG access token (client_id among the audiences, no azp)', async () => {
    const token = await signed({
      aud: [CLIENT_ID, API_AUDIENCE],
      client_id: CLIENT_ID,
      jti: randomUUID(),
      scope: 'openid profile',
      sid: 'session-1',
      permissions: ['take:exams'],
    });
    assert.deepEqual(await call(token), { status: 200, code: undefined });
  });
});
