import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { RequestListener, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { decodeProtectedHeader, exportJWK, generateKeyPair } from 'jose';
import { Kysely } from 'kysely';

import { NodeSqliteDialect } from '../platform/sqlite-dialect.ts';
import type { IdentityTables } from './identity-tables.ts';
import { up } from './migrations-draft/20261122090000_identity.ts';
import { createOidcAdapterFactory } from './oidc-adapter.ts';
import { createIdentityProvider } from './provider.ts';
import { AccessTokenVerifier, BearerTokenError, remoteKeySet } from './token-verifier.ts';

describe('embedded provider (draft) against a real SQLite database', () => {
  let dir: string;
  let db: Kysely<IdentityTables>;
  let server: Server;
  let issuer: string;
  let audience: string;
  let verifier: AccessTokenVerifier;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'assay-provider-'));
    db = new Kysely<IdentityTables>({
      dialect: new NodeSqliteDialect({ file: path.join(dir, 'test.db') }),
    });
    await up(db);

    let handler: RequestListener = (_request, response) => response.end();
    server = createServer((request, response) => {
      handler(request, response);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    issuer = origin;
    audience = `${origin}/api`;

    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const signingJwk = { ...(await exportJWK(privateKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
    const provider = createIdentityProvider({
      issuer,
      audience,
      adapter: createOidcAdapterFactory(db),
      jwks: { keys: [signingJwk] },
      cookieKeys: ['a-cookie-key-of-sufficient-length-for-tests'],
      findAccount: () => Promise.resolve(undefined),
      clients: [
        {
          client_id: 'ci-bot',
          client_secret: 'a-long-random-secret-for-the-test-client',
          grant_types: ['client_credentials'],
          response_types: [],
          redirect_uris: [],
          scope: 'take:exams manage:exams',
        },
      ],
      interactionUrl: (uid) => `/signin/${uid}`,
    });
    const callback = provider.callback();
    handler = (request, response) => {
      void callback(request, response);
    };

    verifier = new AccessTokenVerifier({
      issuer,
      audience,
      getKey: remoteKeySet(new URL(`${issuer}/jwks`)),
    });
  });

  after(async () => {
    server.close();
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  const clientCredentials = async (body: Record<string, string>): Promise<Response> =>
    fetch(`${issuer}/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from('ci-bot:a-long-random-secret-for-the-test-client').toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ grant_type: 'client_credentials', ...body }),
    });

  it('publishes discovery with code + PKCE S256 only and no dev features', async () => {
    const response = await fetch(`${issuer}/.well-known/openid-configuration`);
    assert.equal(response.status, 200);
    const metadata = (await response.json()) as Record<string, unknown>;
    assert.equal(metadata['issuer'], issuer);
    assert.deepEqual(metadata['response_types_supported'], ['code']);
    assert.deepEqual(metadata['code_challenge_methods_supported'], ['S256']);
    assert.ok((metadata['grant_types_supported'] as string[]).includes('client_credentials'));
    assert.ok((metadata['grant_types_supported'] as string[]).includes('refresh_token'));
    assert.ok(!(metadata['grant_types_supported'] as string[]).includes('implicit'));
    assert.ok(typeof metadata['end_session_endpoint'] === 'string');
  });

  it('issues a client-credentials RFC 9068 JWT for the API that the verifier accepts', async () => {
    const response = await clientCredentials({ scope: 'take:exams manage:exams' });
    assert.equal(response.status, 200, await response.clone().text());
    const body = (await response.json()) as Record<string, unknown>;
    assert.equal(body['token_type'], 'Bearer');
    assert.ok((body['expires_in'] as number) <= 900);
    const token = body['access_token'] as string;
    assert.equal(decodeProtectedHeader(token).typ, 'at+jwt');
    assert.equal(decodeProtectedHeader(token).alg, 'ES256');

    const principal = await verifier.verify(token);
    assert.equal(principal.subject, 'ci-bot');
    assert.equal(principal.clientId, 'ci-bot');
    assert.deepEqual(principal.permissions, ['take:exams', 'manage:exams']);
    assert.deepEqual(principal.scope, ['take:exams', 'manage:exams']);
  });

  it('grants a machine client no more than its registered scopes', async () => {
    const response = await clientCredentials({ scope: 'take:exams manage:users' });
    assert.equal(response.status, 400);
    assert.equal(((await response.json()) as { error: string }).error, 'invalid_scope');
  });

  it('refuses a resource other than the API', async () => {
    const response = await clientCredentials({
      scope: 'take:exams',
      resource: 'https://elsewhere.example/api',
    });
    assert.equal(response.status, 400);
    assert.equal(((await response.json()) as { error: string }).error, 'invalid_target');
  });

  it('refuses a wrong client secret', async () => {
    const response = await fetch(`${issuer}/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from('ci-bot:wrong').toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'take:exams' }),
    });
    assert.equal(response.status, 401);
  });

  it("produces tokens another audience's verifier refuses", async () => {
    const response = await clientCredentials({ scope: 'take:exams' });
    const { access_token: token } = (await response.json()) as { access_token: string };
    const elsewhere = new AccessTokenVerifier({
      issuer,
      audience: 'https://other.example/api',
      getKey: remoteKeySet(new URL(`${issuer}/jwks`)),
    });
    await assert.rejects(
      elsewhere.verify(token),
      (error: unknown) => error instanceof BearerTokenError && error.code === 'invalid_claims',
    );
  });
});
