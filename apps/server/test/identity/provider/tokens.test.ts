import assert from 'node:assert/strict';
import { createPrivateKey } from 'node:crypto';
import { before, describe, it } from 'node:test';
import { isDeepStrictEqual } from 'node:util';

import type { ProblemDetails } from '@assay/contracts';
import { SignJWT, decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair } from 'jose';

import { malformedTokenCases, signCompact } from '../support/malformed-tokens.ts';
import { createTestApp, LogCapture } from '../../support/app.ts';
import { accessTokenFor, createAccount, TEST_PASSWORD } from '../../support/auth.ts';
import {
  authorizationCodeTokens,
  Browser,
  refresh,
  signIn,
  startListeningApp,
} from '../support/browser.ts';
import { forSuite } from '../../support/suite.ts';

describe('tokens from the embedded provider, over real HTTP', () => {
  const server = forSuite(() =>
    startListeningApp({
      register: (app) => {
        app.get('/api/test-admin', { config: { permission: 'manage:users' } }, () => ({ ok: 1 }));
        app.get('/api/test-optional', { config: { auth: 'optional' } }, (request) => ({
          signedIn: request.principal !== null,
        }));
        return Promise.resolve();
      },
    }),
  );

  const me = (headers: Record<string, string> = {}, query = '') =>
    fetch(`${server.baseUrl}/api/me${query}`, { headers });

  describe('client credentials', () => {
    let client: { client_id: string; client_secret: string; scope: string };
    const tokenRequest = (body: Record<string, string>, secret = client.client_secret) =>
      fetch(`${server.baseUrl}/oidc/token`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${client.client_id}:${secret}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({ grant_type: 'client_credentials', ...body }),
      });

    before(async () => {
      client = await server.app.identity.clients.create('grader bot', 'manage:exams take:exams');
    });

    it('stores the client secret hashed, never in clear', async () => {
      const row = await server.app.db
        .selectFrom('clients')
        .selectAll()
        .where('client_id', '=', client.client_id)
        .executeTakeFirstOrThrow();
      assert.notEqual(row.secret_hash, client.client_secret);
      assert.ok(!JSON.stringify(row).includes(client.client_secret));
    });

    it('without scope (curl -u id:secret -d grant_type=client_credentials) gets every granted scope', async () => {
      const response = await tokenRequest({});
      assert.equal(response.status, 200);
      const body = (await response.json()) as { access_token: string; scope: string };
      assert.equal(body.scope, 'take:exams manage:exams');
      const claims = decodeJwt(body.access_token);
      assert.equal(claims.sub, client.client_id);
      assert.equal(claims.client_id, client.client_id);
      assert.equal(claims.aud, `${server.baseUrl}/api`);
      const answer = await me({ authorization: `Bearer ${body.access_token}` });
      assert.equal(answer.status, 200);
      assert.deepEqual(await answer.json(), {
        subject: client.client_id,
        issuer: `${server.baseUrl}/oidc`,
        kind: 'client',
        displayName: null,
        roles: [],
        permissions: ['take:exams', 'manage:exams'],
      });
    });

    it('with a scope gets exactly that scope as permissions', async () => {
      const response = await tokenRequest({ scope: 'take:exams' });
      assert.equal(response.status, 200);
      const { access_token: token } = (await response.json()) as { access_token: string };
      assert.deepEqual(decodeJwt(token)['permissions'], ['take:exams']);
      assert.equal(decodeJwt(token)['scope'], 'take:exams');
    });

    it('refuses a scope the client was not granted, and a wrong secret', async () => {
      const overScoped = await tokenRequest({ scope: 'take:exams manage:users' });
      assert.equal(overScoped.status, 400);
      assert.equal(((await overScoped.json()) as { error: string }).error, 'invalid_scope');
      const wrong = await tokenRequest({}, 'not-the-secret');
      assert.equal(wrong.status, 401);
    });
  });

  describe('refresh tokens', () => {
    it('rotate on every use; reusing a rotated one revokes the whole grant', async () => {
      const account = await createAccount(server.app, { role: 'learner' });
      const { tokens, clientAuth } = await authorizationCodeTokens(server, account.username);
      assert.ok(tokens.refresh_token);
      assert.deepEqual(decodeJwt(tokens.access_token)['permissions'], ['take:exams']);

      const first = await refresh(server, clientAuth, tokens.refresh_token);
      assert.equal(first.status, 200);
      const rotated = (await first.json()) as { refresh_token: string; access_token: string };
      assert.notEqual(rotated.refresh_token, tokens.refresh_token);

      const reuse = await refresh(server, clientAuth, tokens.refresh_token);
      assert.equal(reuse.status, 400);
      assert.equal(((await reuse.json()) as { error: string }).error, 'invalid_grant');
      const afterReuse = await refresh(server, clientAuth, rotated.refresh_token);
      assert.equal(afterReuse.status, 400, 'the grant was revoked, the newest token with it');
    });

    it('carry a role change into the next access token', async () => {
      const account = await createAccount(server.app, { role: 'learner' });
      const { tokens, clientAuth } = await authorizationCodeTokens(server, account.username);
      await server.app.identity.accounts.setRole(account.username, 'admin');
      const response = await refresh(server, clientAuth, tokens.refresh_token ?? '');
      assert.equal(response.status, 200);
      const { access_token: token } = (await response.json()) as { access_token: string };
      const answer = (await (await me({ authorization: `Bearer ${token}` })).json()) as {
        roles: string[];
        permissions: string[];
      };
      assert.deepEqual(answer.roles, ['admin']);
      assert.deepEqual(answer.permissions, ['take:exams', 'manage:exams', 'manage:users']);
    });

    it('are refused once the account is disabled, and its web sessions end', async () => {
      const account = await createAccount(server.app, { role: 'instructor' });
      const { tokens, clientAuth } = await authorizationCodeTokens(server, account.username);
      const browser = new Browser(server.baseUrl);
      await signIn(browser, account.username, TEST_PASSWORD);
      assert.equal((await browser.request('/bff/user')).status, 200);

      await server.app.identity.accounts.setDisabled(account.username, true);

      const response = await refresh(server, clientAuth, tokens.refresh_token ?? '');
      assert.equal(response.status, 400);
      assert.equal(((await response.json()) as { error: string }).error, 'invalid_grant');
      const user = await browser.request('/bff/user');
      assert.equal(user.status, 401);
      assert.equal(((await user.json()) as ProblemDetails).code, 'session_missing');
      // And signing in again says so, but only to someone who knows the password.
      const { uid } = await import('../support/browser.ts').then((m) => m.openSignInPage(browser));
      const right = await browser.postJson(`/interaction/${uid}/login`, {
        login: account.username,
        password: TEST_PASSWORD,
      });
      assert.equal(right.status, 403);
      assert.equal(((await right.json()) as ProblemDetails).code, 'account_disabled');
      const wrong = await browser.postJson(`/interaction/${uid}/login`, {
        login: account.username,
        password: 'a wrong password here',
      });
      assert.equal(wrong.status, 401);
    });

    it('yield ID tokens the API refuses as access tokens', async () => {
      const account = await createAccount(server.app);
      const { tokens } = await authorizationCodeTokens(server, account.username);
      assert.ok(tokens.id_token);
      const response = await me({ authorization: `Bearer ${tokens.id_token}` });
      assert.equal(response.status, 401);
      assert.equal(((await response.json()) as ProblemDetails).code, 'invalid_claims');
      // …while the access token of the same flow carries the claims the test support signs.
      const claims = decodeJwt(tokens.access_token);
      assert.deepEqual(Object.keys(claims).sort(), [
        'aud',
        'client_id',
        'exp',
        'iat',
        'iss',
        'jti',
        'name',
        'permissions',
        'roles',
        'scope',
        'sub',
      ]);
      assert.equal(claims['scope'], 'take:exams', 'scope names what the role grants');
      assert.deepEqual(Object.keys(decodeProtectedHeader(tokens.access_token)).sort(), [
        'alg',
        'kid',
        'typ',
      ]);
    });
  });

  describe('hostile tokens against GET /api/me', () => {
    let account: { id: string };
    let valid: string;
    const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

    before(async () => {
      account = await createAccount(server.app);
      valid = await accessTokenFor(server.app, account);
    });

    const expectRefusal = async (
      headers: Record<string, string>,
      code: string,
      wwwAuthenticate: RegExp,
      query = '',
    ) => {
      const response = await me(headers, query);
      assert.equal(response.status, 401);
      const problem = (await response.json()) as ProblemDetails;
      assert.equal(problem.code, code);
      assert.match(String(response.headers.get('www-authenticate')), wwwAuthenticate);
    };
    const invalidToken = /^Bearer realm="assay", error="invalid_token", error_description="[^"]+"$/;
    const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

    it('accepts the valid token (the control case)', async () => {
      assert.equal((await me(bearer(valid))).status, 200);
    });

    it('no header, or the token in the query string: authorization_header_missing', async () => {
      await expectRefusal({}, 'authorization_header_missing', /^Bearer realm="assay"$/);
      await expectRefusal(
        {},
        'authorization_header_missing',
        /^Bearer realm="assay"$/,
        `?access_token=${valid}`,
      );
    });

    it('a header that is not "Bearer <token>": invalid_header, invalid_request', async () => {
      for (const authorization of [
        `Basic ${valid}`,
        'Bearer',
        `Bearer ${valid} extra`,
        'Bearer a"b',
      ]) {
        await expectRefusal({ authorization }, 'invalid_header', /error="invalid_request"/);
      }
    });

    it('alg none, stripped signature, tampered payload: invalid_header', async () => {
      const [header = '', payload = ''] = valid.split('.');
      const claims = decodeJwt(valid);
      for (const token of [
        `${b64({ alg: 'none', typ: 'at+jwt' })}.${payload}.`,
        `${header}.${payload}.`,
        `${header}.${b64({ ...claims, permissions: ['manage:users'] })}.${valid.split('.')[2] ?? ''}`,
      ]) {
        await expectRefusal(bearer(token), 'invalid_header', invalidToken);
      }
    });

    it('HS256 with the public key as the HMAC secret: invalid_header', async () => {
      const publicJwk = server.app.identity.keys?.current.publicJwks.keys[0];
      assert.ok(publicJwk);
      for (const secret of [JSON.stringify(publicJwk), String(publicJwk['x'])]) {
        const token = await new SignJWT(decodeJwt(valid))
          .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', kid: publicJwk.kid ?? '' })
          .sign(new TextEncoder().encode(secret));
        await expectRefusal(bearer(token), 'invalid_header', invalidToken);
      }
    });

    it('embedded jwk / jku / x5u and kid path traversal: invalid_header', async () => {
      const attacker = await generateKeyPair('ES256', { extractable: true });
      const attackerJwk = await exportJWK(attacker.publicKey);
      for (const extra of [
        { jwk: attackerJwk },
        { jku: 'https://evil.example/jwks.json' },
        { x5u: 'https://evil.example/cert.pem' },
        { kid: '../../../../etc/passwd' },
        { kid: "' OR 1=1 --" },
      ]) {
        const token = await new SignJWT(decodeJwt(valid))
          .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: 'attacker', ...extra })
          .sign(attacker.privateKey);
        await expectRefusal(bearer(token), 'invalid_header', invalidToken);
      }
    });

    it('expired: token_expired; not yet valid: invalid_claims', async () => {
      const now = Math.floor(Date.now() / 1000);
      const expired = await accessTokenFor(server.app, account, {
        claims: { iat: now - 3600, exp: now - 600 },
      });
      await expectRefusal(bearer(expired), 'token_expired', invalidToken);
      const early = await accessTokenFor(server.app, account, { claims: { nbf: now + 600 } });
      await expectRefusal(bearer(early), 'invalid_claims', invalidToken);
    });

    it('wrong audience or issuer (a trailing slash too): invalid_claims', async () => {
      for (const claims of [
        { aud: 'https://elsewhere.example/api' },
        { aud: `${server.baseUrl}/api/` },
        { iss: `${server.baseUrl}/oidc/` },
        { iss: 'https://evil.example/oidc' },
      ]) {
        const token = await accessTokenFor(server.app, account, { claims });
        await expectRefusal(bearer(token), 'invalid_claims', invalidToken);
      }
    });

    it('an over-long token is a 4xx, never a 5xx', async () => {
      const long = `${valid}${'A'.repeat(9000)}`;
      await expectRefusal(bearer(long), 'invalid_header', invalidToken);
      const huge = await me(bearer(`${valid}${'A'.repeat(100_000)}`));
      assert.ok(huge.status >= 400 && huge.status < 500, String(huge.status));
    });

    it('a valid token without the route permission: 403 insufficient_permission', async () => {
      const response = await fetch(`${server.baseUrl}/api/test-admin`, { headers: bearer(valid) });
      assert.equal(response.status, 403);
      const problem = (await response.json()) as ProblemDetails & { permission: string };
      assert.equal(problem.code, 'insufficient_permission');
      assert.equal(problem.permission, 'manage:users');
      const admin = await createAccount(server.app, { role: 'admin' });
      const allowed = await fetch(`${server.baseUrl}/api/test-admin`, {
        headers: bearer(await accessTokenFor(server.app, admin)),
      });
      assert.equal(allowed.status, 200);
    });

    it("the OpenAPI document shows both security schemes and each route's permission", async () => {
      const document = (await (await fetch(`${server.baseUrl}/api/openapi.json`)).json()) as {
        components: { securitySchemes: Record<string, unknown> };
        paths: Record<string, Record<string, Record<string, unknown>>>;
      };
      assert.ok(document.components.securitySchemes['bearer']);
      assert.ok(document.components.securitySchemes['session']);
      assert.deepEqual(document.paths['/api/me']?.['get']?.['security'], [
        { bearer: [] },
        { session: [] },
      ]);
      assert.equal(document.paths['/api/test-admin']?.['get']?.['x-permission'], 'manage:users');
    });
  });

  describe('caching of answers that depend on the caller', () => {
    it('no-store when a caller is required or identified; Vary on the credentials always', async () => {
      const account = await createAccount(server.app);
      const bearer = { authorization: `Bearer ${await accessTokenFor(server.app, account)}` };
      const seen = [];
      for (const [path, headers] of [
        ['/api/me', bearer],
        ['/api/me', {}],
        ['/api/test-optional', bearer],
        ['/api/test-optional', {}],
      ] as const) {
        const response = await fetch(`${server.baseUrl}${path}`, { headers });
        seen.push({
          path,
          status: response.status,
          cacheControl: response.headers.get('cache-control'),
          vary: response.headers.get('vary'),
        });
      }
      const vary = 'Authorization, Cookie';
      assert.deepEqual(seen, [
        { path: '/api/me', status: 200, cacheControl: 'no-store', vary },
        { path: '/api/me', status: 401, cacheControl: 'no-store', vary },
        { path: '/api/test-optional', status: 200, cacheControl: 'no-store', vary },
        { path: '/api/test-optional', status: 200, cacheControl: null, vary },
      ]);
    });
  });

  describe('sign-in rate limits', () => {
    it('after 5 failures for an account: 429 with Retry-After, even with the right password', async () => {
      const account = await createAccount(server.app);
      const browser = new Browser(server.baseUrl);
      const { uid } = await import('../support/browser.ts').then((m) => m.openSignInPage(browser));
      const attempt = (password: string) =>
        browser.postJson(`/interaction/${uid}/login`, { login: account.username, password });
      for (let i = 0; i < 5; i++) assert.equal((await attempt('wrong password 123')).status, 401);
      for (const password of ['wrong password 123', TEST_PASSWORD]) {
        const response = await attempt(password);
        assert.equal(response.status, 429);
        const problem = (await response.json()) as ProblemDetails & { retryAfter: number };
        assert.equal(problem.code, 'rate_limited');
        assert.ok(problem.retryAfter > 0 && problem.retryAfter <= 900);
        assert.equal(response.headers.get('retry-after'), String(problem.retryAfter));
        assert.match(problem.detail, /Try again in \d+ s/);
      }
      // Another account from the same address is not locked out.
      const other = await createAccount(server.app);
      const fine = await browser.postJson(`/interaction/${uid}/login`, {
        login: other.username,
        password: TEST_PASSWORD,
      });
      assert.equal(fine.status, 200);
    });
  });
});

describe('malformed bearer tokens on protected routes', () => {
  it('each is a 401 with its code and WWW-Authenticate, and none is logged as an error', async (t) => {
    const logs = new LogCapture();
    const testApp = await createTestApp({ logs });
    t.after(() => testApp.close());
    const { app } = testApp;
    const jwk = app.identity.keys?.current.privateJwks[0];
    assert.ok(jwk?.alg === 'ES256');
    const valid = await accessTokenFor(app, await createAccount(app));
    const signing = {
      key: createPrivateKey({ key: jwk, format: 'jwk' }),
      alg: 'ES256' as const,
      header: decodeProtectedHeader(valid),
      claims: decodeJwt(valid),
    };
    const cases = malformedTokenCases(signing);
    const control = signCompact(
      signing,
      JSON.stringify(signing.header),
      JSON.stringify(signing.claims),
    );

    const wrong: string[] = [];
    for (const url of ['/api/me', '/api/me/attempts']) {
      const accepted = await app.inject({ url, headers: { authorization: `Bearer ${control}` } });
      assert.equal(accepted.statusCode, 200, `${url}: ${accepted.body}`);
      for (const { name, token, code } of cases) {
        const response = await app.inject({ url, headers: { authorization: `Bearer ${token}` } });
        const answer = {
          status: response.statusCode,
          code: response.json<Partial<ProblemDetails>>().code,
          type: String(response.headers['content-type']).split(';')[0],
          challenge:
            /^Bearer realm="assay", error="invalid_token", error_description="[^"]+"$/.test(
              String(response.headers['www-authenticate']),
            ),
        };
        const expected = { status: 401, code, type: 'application/problem+json', challenge: true };
        if (!isDeepStrictEqual(answer, expected)) {
          wrong.push(`${url} ${name}: ${JSON.stringify(answer)}`);
        }
      }
    }
    assert.deepEqual(wrong, []);
    const errors = logs.lines.filter((line) => Number(line['level']) >= 50);
    assert.deepEqual(errors, [], 'nothing logged at error level');
  });
});
