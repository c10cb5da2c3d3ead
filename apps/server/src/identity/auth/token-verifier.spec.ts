import assert from 'node:assert/strict';
import { createHmac, createPrivateKey, createPublicKey } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';

import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT } from 'jose';
import type { CryptoKey, JSONWebKeySet, JWK, JWTPayload, JWTVerifyGetKey } from 'jose';

import {
  AccessTokenVerifier,
  BearerTokenError,
  parseAuthorizationHeader,
  remoteKeySet,
  TokenVerifierUnavailableError,
} from './token-verifier.ts';
import type { AccessTokenVerifierOptions, VerifiedAccessToken } from './token-verifier.ts';
import {
  malformedTokenCases,
  signCompact,
} from '../../../test/identity/support/malformed-tokens.ts';

const ISSUER = 'http://localhost:3000/oidc';
const AUDIENCE = 'http://localhost:3000/api';
const NOW = Date.UTC(2026, 10, 22, 9, 0, 0);
const NOW_S = Math.floor(NOW / 1000);

interface SigningKey {
  readonly kid: string;
  readonly alg: string;
  readonly privateKey: CryptoKey;
  readonly publicJwk: JWK;
}

async function signingKey(alg: string, kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { kid, alg, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg } };
}

const b64url = (value: unknown): string =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

function claims(overrides: Record<string, unknown> = {}): JWTPayload {
  return {
    iss: ISSUER,
    aud: AUDIENCE,
    sub: 'account-1',
    client_id: 'assay-web',
    iat: NOW_S - 10,
    exp: NOW_S + 900,
    jti: 'jti-1',
    scope: 'openid offline_access',
    permissions: ['take:exams'],
    name: 'Ada Lovelace',
    ...overrides,
  };
}

async function sign(
  key: SigningKey,
  payload: JWTPayload = claims(),
  header: Record<string, unknown> = {},
): Promise<string> {
  return new SignJWT(payload)
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'at+jwt', ...header })
    .sign(key.privateKey);
}

function expectRefusal(code: string, rfc6750Error: string | null = 'invalid_token') {
  return (error: unknown): boolean => {
    assert.ok(error instanceof BearerTokenError, `expected BearerTokenError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    assert.equal(error.rfc6750Error ?? null, rfc6750Error);
    assert.equal(error.status, 401);
    return true;
  };
}

describe('AccessTokenVerifier', () => {
  let rsa: SigningKey;
  let ec: SigningKey;
  let ps: SigningKey;
  let ed: SigningKey;
  let attacker: SigningKey;
  let keySet: JSONWebKeySet;
  let keyLookups = 0;
  let getKey: JWTVerifyGetKey;

  const verifier = (options: Partial<AccessTokenVerifierOptions> = {}): AccessTokenVerifier =>
    new AccessTokenVerifier({
      issuer: ISSUER,
      audience: AUDIENCE,
      getKey,
      now: () => NOW,
      ...options,
    });

  before(async () => {
    [rsa, ec, ps, ed, attacker] = await Promise.all([
      signingKey('RS256', 'rsa-1'),
      signingKey('ES256', 'ec-1'),
      signingKey('PS256', 'ps-1'),
      signingKey('EdDSA', 'ed-1'),
      signingKey('RS256', 'attacker'),
    ]);
    keySet = { keys: [rsa.publicJwk, ec.publicJwk, ps.publicJwk, ed.publicJwk] };
    const local = createLocalJWKSet(keySet);
    getKey = (header, token) => {
      keyLookups++;
      return local(header, token);
    };
  });

  describe('valid tokens', () => {
    it('accepts RS256, PS256, ES256 and EdDSA access tokens and returns the principal', async () => {
      for (const key of [rsa, ps, ec, ed]) {
        const principal = await verifier({ cacheSize: 0 }).verify(await sign(key));
        assert.deepEqual(principal, {
          kind: 'user',
          subject: 'account-1',
          issuer: ISSUER,
          clientId: 'assay-web',
          permissions: ['take:exams'],
          scope: ['openid', 'offline_access'],
          displayName: 'Ada Lovelace',
          expiresAt: new Date((NOW_S + 900) * 1000),
        } satisfies VerifiedAccessToken);
      }
    });

    it('accepts the media-type spelling of typ, case-insensitively', async () => {
      for (const typ of ['application/at+jwt', 'AT+JWT', 'Application/At+Jwt']) {
        const principal = await verifier().verify(await sign(rsa, claims(), { typ }));
        assert.equal(principal.subject, 'account-1');
      }
    });

    it('accepts an audience array that contains the API', async () => {
      const token = await sign(rsa, claims({ aud: ['https://other.example', AUDIENCE] }));
      assert.equal((await verifier().verify(token)).subject, 'account-1');
    });

    it('reads a machine client token: sub is the client, permissions are its scopes', async () => {
      const token = await sign(
        ec,
        claims({
          sub: 'ci-bot',
          client_id: 'ci-bot',
          scope: 'take:exams manage:exams',
          permissions: ['take:exams', 'manage:exams'],
          name: undefined,
        }),
      );
      const principal = await verifier().verify(token);
      assert.equal(principal.subject, 'ci-bot');
      assert.deepEqual(principal.permissions, ['take:exams', 'manage:exams']);
      assert.equal(principal.displayName, undefined);
    });

    it('maps Keycloak realm roles to permissions through a configured claim path', async () => {
      const token = await sign(
        rsa,
        claims({
          permissions: undefined,
          realm_access: { roles: ['instructor', 'offline_access', 'uma_authorization'] },
        }),
      );
      const principal = await verifier({
        permissionsClaim: 'realm_access.roles',
        rolePermissions: {
          learner: ['take:exams'],
          instructor: ['take:exams', 'manage:exams'],
          admin: ['take:exams', 'manage:exams', 'manage:users'],
        },
      }).verify(token);
      assert.deepEqual(principal.roles, ['instructor', 'offline_access', 'uma_authorization']);
      assert.deepEqual(principal.permissions, ['take:exams', 'manage:exams']);
    });

    it('does not follow claim paths into inherited properties', async () => {
      const token = await sign(rsa, claims({ permissions: undefined }));
      const principal = await verifier({ permissionsClaim: 'constructor.name' }).verify(token);
      assert.deepEqual(principal.permissions, []);
    });

    it('reads scp arrays (Okta, Entra ID) as well as the scope string', async () => {
      const token = await sign(rsa, claims({ scope: undefined, scp: ['take:exams', 'email'] }));
      assert.deepEqual((await verifier().verify(token)).scope, ['take:exams', 'email']);
    });

    it('tolerates clock skew within clockTolerance on exp', async () => {
      const token = await sign(rsa, claims({ exp: NOW_S - 20 }));
      assert.equal((await verifier({ clockTolerance: 30 }).verify(token)).subject, 'account-1');
    });

    it('never accepts more than 60 s of skew', async () => {
      for (const clockTolerance of [61, 3600, -1, Number.NaN]) {
        assert.throws(() => verifier({ clockTolerance }), RangeError, String(clockTolerance));
      }
      const widest = verifier({ clockTolerance: 60 });
      for (const skewed of [
        claims({ nbf: NOW_S + 61 }),
        claims({ iat: NOW_S + 61 }),
        claims({ iat: NOW_S - 1000, exp: NOW_S - 61 }),
      ]) {
        await assert.rejects(widest.verify(await sign(rsa, skewed)), BearerTokenError);
      }
      const defaults = verifier();
      await assert.rejects(
        defaults.verify(await sign(rsa, claims({ iat: NOW_S - 1000, exp: NOW_S - 31 }))),
        expectRefusal('token_expired'),
      );
    });
  });

  describe('hostile tokens', () => {
    it('refuses alg "none"', async () => {
      const token = `${b64url({ alg: 'none', typ: 'at+jwt' })}.${b64url(claims())}.`;
      await assert.rejects(verifier().verify(token), expectRefusal('invalid_header'));
    });

    it('refuses a stripped signature', async () => {
      const [h, p] = (await sign(rsa)).split('.');
      await assert.rejects(verifier().verify(`${h}.${p}.`), expectRefusal('invalid_header'));
      await assert.rejects(verifier().verify(`${h}.${p}`), expectRefusal('invalid_header'));
    });

    it('refuses a tampered payload', async () => {
      const [h, , s] = (await sign(rsa)).split('.');
      const elevated = b64url(claims({ permissions: ['take:exams', 'manage:users'] }));
      await assert.rejects(
        verifier().verify(`${h}.${elevated}.${s}`),
        expectRefusal('invalid_header'),
      );
    });

    it('refuses RS/HS key confusion (HS256 keyed with the RSA public key)', async () => {
      // The verifier's real public key as PEM, as JWK JSON and as its modulus: the usual secrets.
      const pem = createPublicKey({ key: rsa.publicJwk, format: 'jwk' }).export({
        type: 'spki',
        format: 'pem',
      });
      for (const secret of [pem, JSON.stringify(rsa.publicJwk), rsa.publicJwk.n ?? '']) {
        const signingInput = `${b64url({ alg: 'HS256', kid: rsa.kid, typ: 'at+jwt' })}.${b64url(claims())}`;
        const mac = createHmac('sha256', secret).update(signingInput).digest('base64url');
        await assert.rejects(
          verifier().verify(`${signingInput}.${mac}`),
          expectRefusal('invalid_header'),
        );
      }
    });

    it('refuses an embedded jwk header, even one that matches the signature', async () => {
      const token = await sign(attacker, claims(), { kid: undefined, jwk: attacker.publicJwk });
      await assert.rejects(verifier().verify(token), expectRefusal('invalid_header'));
    });

    it('refuses jku, x5u and x5c headers pointing at the attacker', async () => {
      for (const header of [
        { jku: 'https://attacker.example/jwks.json' },
        { x5u: 'https://attacker.example/cert.pem' },
        { x5c: ['MIIBszCCAVmgAwIBAgIU'] },
        { jku: 'https://attacker.example/jwks.json', kid: rsa.kid },
      ]) {
        const token = await sign(attacker, claims(), header);
        await assert.rejects(verifier().verify(token), expectRefusal('invalid_header'));
      }
    });

    it('refuses kid path traversal and oversized kids as unknown keys', async () => {
      for (const kid of [
        '../../../../dev/null',
        '/etc/passwd',
        "rsa-1' OR '1'='1",
        'k'.repeat(300),
      ]) {
        const token = await sign(attacker, claims(), { kid });
        await assert.rejects(verifier().verify(token), expectRefusal('invalid_header'));
      }
    });

    it("refuses a token signed by another key under our key's kid", async () => {
      const token = await sign(attacker, claims(), { kid: rsa.kid });
      await assert.rejects(verifier().verify(token), expectRefusal('invalid_header'));
    });

    it('refuses a real signature with an algorithm outside the allowlist', async () => {
      // The same RSA key, used with RS384 (a KeyObject is not bound to one hash like a CryptoKey).
      const sameKey = createPrivateKey({ key: await exportJWK(rsa.privateKey), format: 'jwk' });
      const token = await new SignJWT(claims())
        .setProtectedHeader({ alg: 'RS384', kid: rsa.kid, typ: 'at+jwt' })
        .sign(sameKey);
      await assert.rejects(verifier().verify(token), expectRefusal('invalid_header'));
      const onlyEs = verifier({ algorithms: ['ES256'] });
      await assert.rejects(onlyEs.verify(await sign(rsa)), expectRefusal('invalid_header'));
    });

    it('refuses garbage and unparseable tokens', async () => {
      for (const token of [
        'abc',
        'a.b.c',
        '...',
        `${b64url('not json')}.${b64url(claims())}.sig`,
      ]) {
        await assert.rejects(verifier().verify(token), expectRefusal('invalid_header'));
      }
    });

    it('refuses an over-long token before parsing it', async () => {
      const before = keyLookups;
      const token = await sign(rsa, claims({ padding: 'x'.repeat(9000) }));
      await assert.rejects(verifier().verify(token), expectRefusal('invalid_header'));
      assert.equal(keyLookups, before, 'no key lookup for an over-long token');
    });

    it('refuses an expired token with token_expired', async () => {
      const token = await sign(rsa, claims({ iat: NOW_S - 1000, exp: NOW_S - 61 }));
      await assert.rejects(
        verifier({ clockTolerance: 60 }).verify(token),
        expectRefusal('token_expired'),
      );
    });

    it('refuses a token that is not yet valid (nbf) with invalid_claims', async () => {
      const token = await sign(rsa, claims({ nbf: NOW_S + 120 }));
      await assert.rejects(verifier().verify(token), expectRefusal('invalid_claims'));
    });

    it('refuses a token issued in the future with invalid_claims', async () => {
      const token = await sign(rsa, claims({ iat: NOW_S + 120 }));
      await assert.rejects(verifier().verify(token), expectRefusal('invalid_claims'));
    });

    it('refuses a wrong audience', async () => {
      for (const aud of ['http://localhost:3000/api/', 'http://localhost:3000/oidc', ['x', 'y']]) {
        const token = await sign(rsa, claims({ aud }));
        await assert.rejects(verifier().verify(token), expectRefusal('invalid_claims'));
      }
    });

    it('refuses a wrong issuer, including a trailing-slash difference', async () => {
      for (const iss of [
        `${ISSUER}/`,
        'http://localhost:3001/oidc',
        'https://localhost:3000/oidc',
      ]) {
        const token = await sign(rsa, claims({ iss }));
        await assert.rejects(verifier().verify(token), expectRefusal('invalid_claims'));
      }
    });

    it('refuses an ID token (typ JWT or none) presented as an access token', async () => {
      const idClaims = claims({
        client_id: undefined,
        aud: AUDIENCE,
        nonce: 'n',
        azp: 'assay-web',
      });
      await assert.rejects(
        verifier().verify(await sign(rsa, idClaims, { typ: 'JWT' })),
        expectRefusal('invalid_claims'),
      );
      await assert.rejects(
        verifier().verify(await sign(rsa, claims(), { typ: undefined })),
        expectRefusal('invalid_claims'),
      );
    });

    it('refuses tokens missing RFC 9068 claims', async () => {
      for (const missing of ['sub', 'client_id', 'iat', 'exp']) {
        const token = await sign(rsa, claims({ [missing]: undefined }));
        await assert.rejects(verifier().verify(token), expectRefusal('invalid_claims'), missing);
      }
      const numericSub = await sign(rsa, claims({ sub: 42 }));
      await assert.rejects(verifier().verify(numericSub), expectRefusal('invalid_claims'));
    });

    it('refuses a key-bound (DPoP or mutual-TLS) token presented as a bearer token', async () => {
      for (const cnf of [{ jkt: 'some-jwk-thumbprint' }, { 'x5t#S256': 'some-cert-hash' }]) {
        const token = await sign(rsa, claims({ cnf }));
        await assert.rejects(verifier().verify(token), expectRefusal('invalid_claims'));
      }
    });
  });

  describe('malformed tokens', () => {
    it('refuses every malformed header member and claim type with its code, never another error', async () => {
      const key = createPrivateKey({ key: await exportJWK(rsa.privateKey), format: 'jwk' });
      const cases = malformedTokenCases({
        key,
        alg: 'RS256',
        header: { alg: 'RS256', kid: rsa.kid, typ: 'at+jwt' },
        claims: claims(),
      });
      assert.ok(cases.length > 200, String(cases.length));
      const control = signCompact(
        { key, alg: 'RS256', header: {}, claims: {} },
        JSON.stringify({ alg: 'RS256', kid: rsa.kid, typ: 'at+jwt' }),
        JSON.stringify(claims()),
      );
      assert.equal((await verifier({ cacheSize: 0 }).verify(control)).subject, 'account-1');
      const missed: string[] = [];
      for (const { name, token, code } of cases) {
        try {
          await verifier({ cacheSize: 0 }).verify(token);
          missed.push(`${name}: accepted`);
        } catch (error) {
          if (!(error instanceof BearerTokenError) || error.code !== code) {
            missed.push(
              `${name}: ${String(error)}${error instanceof BearerTokenError ? ` (${error.code})` : ''}`,
            );
          } else {
            assert.equal(error.rfc6750Error, 'invalid_token', name);
          }
        }
      }
      assert.deepEqual(missed, []);
    });
  });

  describe('ID tokens where access tokens are typed JWT too', () => {
    const jwtTyped = () => verifier({ accessTokenTypes: ['at+jwt', 'JWT'], cacheSize: 0 });
    const CLIENT = 'assay-web';
    // Claims as LemonLDAP::NG, Keycloak, Auth0 and Entra ID issue them (no signature tricks).
    const idToken = (overrides: Record<string, unknown> = {}) =>
      claims({
        client_id: undefined,
        aud: [CLIENT, AUDIENCE],
        azp: CLIENT,
        auth_time: NOW_S - 60,
        nonce: 'n-0S6_WzA2Mj',
        at_hash: 'HK6E_P6Dh8Y93mRNtsDB1Q',
        sid: 'session-1',
        permissions: undefined,
        scope: undefined,
        ...overrides,
      });

    it('refuses ID tokens by their ID-token-only claims', async () => {
      for (const [why, payload] of [
        ['LemonLDAP::NG (nonce, at_hash, azp in aud)', idToken()],
        ['no nonce (at_hash)', idToken({ nonce: undefined })],
        ['no at_hash (nonce)', idToken({ at_hash: undefined })],
        ['hybrid flow (c_hash)', idToken({ nonce: undefined, at_hash: undefined, c_hash: 'x' })],
        ['FAPI (s_hash)', idToken({ nonce: undefined, at_hash: undefined, s_hash: 'x' })],
        [
          'no hash, no nonce: azp among the audiences',
          idToken({ nonce: undefined, at_hash: undefined }),
        ],
        [
          'Keycloak (typ ID)',
          idToken({ aud: AUDIENCE, nonce: undefined, at_hash: undefined, typ: 'ID' }),
        ],
        [
          'a nonce with the API as the only audience',
          idToken({ aud: AUDIENCE, at_hash: undefined }),
        ],
      ] as const) {
        await assert.rejects(
          jwtTyped().verify(await sign(rsa, payload, { typ: 'JWT' })),
          expectRefusal('invalid_claims'),
          why,
        );
      }
    });

    it('accepts the access tokens of the same providers', async () => {
      for (const [why, payload] of [
        [
          'Keycloak (azp, auth_time, sid, session_state, typ Bearer)',
          claims({
            client_id: undefined,
            aud: [AUDIENCE, 'account'],
            azp: CLIENT,
            auth_time: NOW_S - 60,
            sid: 'session-1',
            session_state: 'session-1',
            typ: 'Bearer',
            acr: '1',
          }),
        ],
        [
          'an older Keycloak (a nonce, typ Bearer)',
          claims({ client_id: undefined, azp: CLIENT, typ: 'Bearer', nonce: 'n-0S6_WzA2Mj' }),
        ],
        [
          'LemonLDAP::NG (client_id in aud, no azp)',
          claims({ aud: [CLIENT, AUDIENCE], sid: 'session-1' }),
        ],
        [
          'Auth0 default profile (azp, API and userinfo in aud)',
          claims({
            client_id: undefined,
            aud: [AUDIENCE, 'https://tenant.eu.auth0.com/userinfo'],
            azp: CLIENT,
          }),
        ],
        [
          'Entra ID, one app as client and API (azp is the API)',
          claims({ client_id: undefined, aud: AUDIENCE, azp: AUDIENCE }),
        ],
      ] as const) {
        const principal = await jwtTyped().verify(await sign(rsa, payload, { typ: 'JWT' }));
        assert.equal(principal.subject, 'account-1', why);
      }
    });
  });

  describe('cache', () => {
    it('skips signature verification for a token it has already verified', async () => {
      const cached = verifier();
      const token = await sign(rsa);
      const before = keyLookups;
      const first = await cached.verify(token);
      const second = await cached.verify(token);
      assert.equal(keyLookups, before + 1);
      assert.equal(second, first);
    });

    it('never serves a cached token past its exp', async () => {
      let now = NOW;
      const cached = verifier({ clockTolerance: 0, now: () => now });
      const token = await sign(rsa, claims({ exp: NOW_S + 60 }));
      const before = keyLookups;
      await cached.verify(token);
      now = NOW + 59_000;
      await cached.verify(token);
      assert.equal(keyLookups, before + 1, 'served from the cache while valid');
      now = NOW + 60_000;
      await assert.rejects(cached.verify(token), expectRefusal('token_expired'));
      assert.equal(keyLookups, before + 2, 're-verified once expired');
    });

    it('does not cache refusals', async () => {
      const cached = verifier();
      const token = await sign(rsa, claims({ aud: 'elsewhere' }));
      await assert.rejects(cached.verify(token), expectRefusal('invalid_claims'));
      const before = keyLookups;
      await assert.rejects(cached.verify(token), expectRefusal('invalid_claims'));
      assert.equal(keyLookups, before + 1);
    });

    it('is bounded and evicts the least recently used token', async () => {
      const cached = verifier({ cacheSize: 2 });
      const [a, b, c] = await Promise.all(['a', 'b', 'c'].map((sub) => sign(rsa, claims({ sub }))));
      await cached.verify(a!);
      await cached.verify(b!);
      await cached.verify(a!); // a is now most recently used
      await cached.verify(c!); // evicts b
      const before = keyLookups;
      await cached.verify(a!);
      await cached.verify(c!);
      assert.equal(keyLookups, before, 'a and c still cached');
      await cached.verify(b!);
      assert.equal(keyLookups, before + 1, 'b was evicted');
    });
  });
});

describe('remote JWKS', () => {
  let current: SigningKey;
  let next: SigningKey;
  let published: JWK[] = [];
  let status = 200;
  let requests = 0;
  let server: ReturnType<typeof createServer>;
  let jwksUri: URL;

  before(async () => {
    [current, next] = await Promise.all([signingKey('ES256', 'k1'), signingKey('ES256', 'k2')]);
    published = [current.publicJwk];
    server = createServer((_request, response) => {
      requests++;
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ keys: published }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    jwksUri = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks`);
  });

  after(() => {
    server.close();
  });

  const remoteVerifier = (cooldownSeconds: number): AccessTokenVerifier =>
    new AccessTokenVerifier({
      issuer: ISSUER,
      audience: AUDIENCE,
      getKey: remoteKeySet(jwksUri, { cooldownSeconds }),
      cacheSize: 0,
    });

  const liveClaims = (): JWTPayload => {
    const now = Math.floor(Date.now() / 1000);
    return claims({ iat: now, exp: now + 300 });
  };

  it('fetches the key set once and refetches on an unknown kid (key rotation)', async () => {
    published = [current.publicJwk];
    requests = 0;
    const remote = remoteVerifier(0);
    await remote.verify(await sign(current, liveClaims()));
    await remote.verify(await sign(current, liveClaims()));
    assert.equal(requests, 1);

    published = [current.publicJwk, next.publicJwk];
    await remote.verify(await sign(next, liveClaims()));
    assert.equal(requests, 2, 'an unknown kid triggers one refetch');
  });

  it('does not refetch within the cooldown, so unknown kids cannot hammer the issuer', async () => {
    published = [current.publicJwk];
    requests = 0;
    const remote = remoteVerifier(30);
    await remote.verify(await sign(current, liveClaims()));
    for (let i = 0; i < 3; i++) {
      await assert.rejects(
        remote.verify(await sign(next, liveClaims())),
        expectRefusal('invalid_header'),
      );
    }
    assert.equal(requests, 1);
  });

  it('reports an unreachable or failing issuer as unavailable, not as a bad token', async () => {
    status = 500;
    try {
      const remote = remoteVerifier(0);
      await assert.rejects(
        remote.verify(await sign(current, liveClaims())),
        TokenVerifierUnavailableError,
      );
    } finally {
      status = 200;
    }
  });
});

describe('parseAuthorizationHeader', () => {
  it('returns the token of a Bearer header, scheme case-insensitive', () => {
    assert.equal(parseAuthorizationHeader('Bearer abc.def.ghi'), 'abc.def.ghi');
    assert.equal(parseAuthorizationHeader('bearer abc.def.ghi'), 'abc.def.ghi');
    assert.equal(parseAuthorizationHeader('BEARER abc-_.~+/='), 'abc-_.~+/=');
  });

  it('answers authorization_header_missing, with no RFC 6750 error, when absent', () => {
    for (const value of [undefined, '']) {
      assert.throws(
        () => parseAuthorizationHeader(value),
        expectRefusal('authorization_header_missing', null),
      );
    }
  });

  it('answers invalid_header / invalid_request for anything but "Bearer <token>"', () => {
    for (const value of [
      'Basic dXNlcjpwYXNz',
      'Token abc',
      'Bearer',
      'Bearer ',
      'Bearer  abc',
      'Bearer abc def',
      'Bearer abc.def ghi',
      'Bearerabc',
      'Bearer a"b',
      'Bearer =abc',
    ]) {
      assert.throws(
        () => parseAuthorizationHeader(value),
        expectRefusal('invalid_header', 'invalid_request'),
        value,
      );
    }
    assert.throws(
      () => parseAuthorizationHeader(['Bearer a', 'Bearer b']),
      expectRefusal('invalid_header', 'invalid_request'),
    );
  });

  it('formats an RFC 6750 WWW-Authenticate value with safe quoting', () => {
    const missing = new BearerTokenError(
      'authorization_header_missing',
      'Authorization header is expected',
    );
    assert.equal(missing.wwwAuthenticate(), 'Bearer realm="assay"');
    const bad = new BearerTokenError('invalid_claims', 'The "aud" claim is not acceptable');
    assert.equal(
      bad.wwwAuthenticate('api'),
      `Bearer realm="api", error="invalid_token", error_description="The 'aud' claim is not acceptable"`,
    );
  });
});
