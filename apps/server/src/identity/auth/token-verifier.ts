import { hash } from 'node:crypto';

import { ErrorCode, problemCatalog, type BearerErrorCode } from '@assay/contracts';
import { createRemoteJWKSet, decodeProtectedHeader, errors, jwtVerify } from 'jose';
import type { JWTPayload, JWTVerifyGetKey } from 'jose';
import { LRUCache } from 'lru-cache';

/** The `error` attribute of RFC 6750 §3.1, or none when the request carried no credentials. */
export type Rfc6750Error = 'invalid_request' | 'invalid_token';

/**
 * A bearer token was missing or refused. Always answered with 401 (the product's interface):
 * RFC 6750 would allow 400 for `invalid_request`, but clients of the tutorials expect 401 for
 * every authentication failure. `detail` is safe to show to the client.
 */
export class BearerTokenError extends Error {
  readonly code: BearerErrorCode;
  readonly rfc6750Error: Rfc6750Error | undefined;
  readonly status: number;

  constructor(
    code: BearerErrorCode,
    detail: string,
    options: { cause?: unknown; malformedRequest?: boolean } = {},
  ) {
    super(detail, { cause: options.cause });
    this.name = 'BearerTokenError';
    this.code = code;
    this.status = problemCatalog[code].status;
    // RFC 6750 §3.1: with no authentication information at all, include no error code.
    this.rfc6750Error =
      code === ErrorCode.authorization_header_missing
        ? undefined
        : options.malformedRequest === true
          ? 'invalid_request'
          : 'invalid_token';
  }

  /** The `WWW-Authenticate` response header value for this failure (RFC 6750 §3). */
  wwwAuthenticate(realm = 'assay'): string {
    const parts = [`realm="${quotable(realm)}"`];
    if (this.rfc6750Error) {
      parts.push(`error="${this.rfc6750Error}"`, `error_description="${quotable(this.message)}"`);
    }
    return `Bearer ${parts.join(', ')}`;
  }
}

/**
 * The key set could not be obtained (issuer down, JWKS timeout or garbage). Not the client's
 * fault: the HTTP layer should answer 503 and log it, never 401.
 */
export class TokenVerifierUnavailableError extends Error {
  readonly status = 503;
  constructor(options: { cause: unknown }) {
    super('The token issuer’s keys are unavailable', options);
    this.name = 'TokenVerifierUnavailableError';
  }
}

// RFC 6750 §3: quoted values allow printable ASCII except the double quote and the backslash.
function quotable(text: string): string {
  return text.replace(/[^\x20-\x7e]|["\\]/g, "'");
}

function malformedHeader(detail: string): BearerTokenError {
  return new BearerTokenError(ErrorCode.invalid_header, detail, { malformedRequest: true });
}

// RFC 7235 token68: what may follow "Bearer ".
const TOKEN68 = /^[A-Za-z0-9\-._~+/]+=*$/;

/**
 * Extracts the token from an `Authorization` header value. The scheme is matched
 * case-insensitively (RFC 9110 §11.1); anything but exactly `Bearer <token68>` is refused.
 */
export function parseAuthorizationHeader(value: string | string[] | undefined): string {
  if (value === undefined || value === '') {
    throw new BearerTokenError(
      ErrorCode.authorization_header_missing,
      'Authorization header is expected',
    );
  }
  if (Array.isArray(value)) {
    throw malformedHeader('Authorization header must appear only once');
  }
  const parts = value.split(' ');
  if (parts[0]?.toLowerCase() !== 'bearer') {
    throw malformedHeader('Authorization header must use the Bearer scheme');
  }
  if (parts.length === 1 || parts[1] === '') {
    throw malformedHeader('Authorization header has no token');
  }
  if (parts.length > 2) {
    throw malformedHeader('Authorization header must be: Bearer <token>');
  }
  const token = parts[1] ?? '';
  if (!TOKEN68.test(token)) {
    throw malformedHeader('Authorization header has a malformed token');
  }
  return token;
}

/** What a verified access token says of its bearer; `authenticate` makes the `Principal` of it. */
export interface VerifiedAccessToken {
  /** `client` for a client-credentials token (`sub` is the client), else `user`. */
  readonly kind: 'user' | 'client';
  /** `sub`: an account id, or the client id for a machine client. */
  readonly subject: string;
  readonly issuer: string;
  readonly clientId: string;
  readonly permissions: readonly string[];
  readonly scope: readonly string[];
  readonly roles?: readonly string[];
  readonly displayName?: string;
  readonly expiresAt: Date;
}

export type SigningAlgorithm = 'RS256' | 'PS256' | 'ES256' | 'EdDSA';
export const ALLOWED_ALGORITHMS: readonly SigningAlgorithm[] = ['RS256', 'PS256', 'ES256', 'EdDSA'];

export interface AccessTokenVerifierOptions {
  /** Exact expected `iss`; no normalisation (a trailing slash is a different issuer). */
  readonly issuer: string;
  /** Expected `aud` (the API's resource identifier); the token's `aud` must contain it. */
  readonly audience: string;
  /** Resolves the verification key: {@link remoteKeySet} or jose's `createLocalJWKSet`. */
  readonly getKey: JWTVerifyGetKey;
  /** Subset of {@link ALLOWED_ALGORITHMS}; defaults to all of them. */
  readonly algorithms?: readonly SigningAlgorithm[];
  /** Seconds of clock skew accepted on `exp`, `nbf` and `iat`; 0..60, default 30. */
  readonly clockTolerance?: number;
  /**
   * Dotted path of the claim holding permissions (an array of strings or a space-separated
   * string). Default `permissions` (the embedded provider, Auth0). For role-based providers
   * (Keycloak `realm_access.roles`) set {@link rolePermissions} too.
   */
  readonly permissionsClaim?: string;
  /**
   * When set, the values at {@link permissionsClaim} are roles: they become `roles`, and
   * permissions are the union of this map's entries for them. Unknown roles grant nothing.
   */
  readonly rolePermissions?: Readonly<Record<string, readonly string[]>>;
  /** Claim with the roles when the permissions claim holds permissions. Default `roles`. */
  readonly rolesClaim?: string;
  /**
   * Accepted `typ` headers (compared case-insensitively, `application/` prefix optional).
   * Default `['at+jwt']` (RFC 9068). Providers that type access tokens `JWT` (Keycloak) need
   * `JWT` here; ID tokens, typed `JWT` too, are then told apart by their claims (see
   * {@link idTokenMarker}).
   */
  readonly accessTokenTypes?: readonly string[];
  /** Claim with the caller's display name. Default `name`. */
  readonly displayNameClaim?: string;
  /** Verified tokens remembered; 0 disables the cache. Default 10 000. */
  readonly cacheSize?: number;
  /** Longer tokens are refused before any parsing. Default 8 KiB. */
  readonly maxTokenLength?: number;
  /** Clock, in milliseconds since the epoch; for tests. */
  readonly now?: () => number;
}

/** A JWKS fetched from the issuer, cached, and refetched on an unknown `kid` (with cooldown). */
export function remoteKeySet(
  jwksUri: URL,
  options: { cooldownSeconds?: number; cacheMaxAgeSeconds?: number; timeoutMs?: number } = {},
): JWTVerifyGetKey {
  return createRemoteJWKSet(jwksUri, {
    cooldownDuration: (options.cooldownSeconds ?? 30) * 1000,
    cacheMaxAge: (options.cacheMaxAgeSeconds ?? 600) * 1000,
    timeoutDuration: options.timeoutMs ?? 5000,
  });
}

// Header parameters that point at or carry a key. jose never uses them with a key resolver,
// but a token that tries is hostile: refuse it outright rather than ignore the attempt.
const KEY_BEARING_HEADERS = ['jwk', 'jku', 'x5u', 'x5c', 'x5t', 'x5t#S256'] as const;
// Registered header parameters whose value must be a string (RFC 7515 §4.1, RFC 7519 §5),
// checked before anything reads them: `"kid": null` once reached a `.length` and gave a 500.
const STRING_HEADERS = ['alg', 'kid', 'typ', 'cty'] as const;
const MAX_KID_LENGTH = 256;

// Claims only ID tokens carry (OpenID Connect Core §2, §3.3.2.11; FAPI for s_hash): hashes
// binding the ID token to the code, access token or state issued with it, and the client's
// nonce. Older Keycloak releases copy the nonce into their access tokens, which they mark with
// the claim `typ: Bearer` (their ID tokens say `typ: ID`): a nonce is tolerated there only.
const ID_TOKEN_HASH_CLAIMS = ['at_hash', 'c_hash', 's_hash'] as const;

// RFC 9068 §2.2 required claims (jti too in the RFC; not required here, Auth0 and Okta omit it).
// `client_id` is required too, but may be spelled `azp` (Auth0, Keycloak): checked below.
const REQUIRED_CLAIMS = ['iss', 'exp', 'aud', 'sub', 'iat'];

/**
 * Why `payload` is an ID token rather than an access token, or undefined when nothing says
 * so: an ID-token-only claim (`at_hash`, `c_hash`, `s_hash`, or `nonce` outside a Keycloak
 * access token), Keycloak's `typ: ID`, or an authorized party (`azp`) among the audiences
 * other than the API itself — an ID token is addressed to its client, an access token to the
 * API. (`client_id` in `aud` is no sign: LemonLDAP::NG puts it in its access tokens' `aud`.)
 */
export function idTokenMarker(payload: JWTPayload, apiAudience: string): string | undefined {
  for (const claim of ID_TOKEN_HASH_CLAIMS) {
    if (payload[claim] !== undefined) return claim;
  }
  const payloadTyp = payload['typ'];
  const keycloakType = typeof payloadTyp === 'string' ? payloadTyp.toLowerCase() : undefined;
  if (keycloakType === 'id') return 'typ';
  if (payload['nonce'] !== undefined && keycloakType !== 'bearer') return 'nonce';
  const { azp, aud } = payload;
  const audiences = Array.isArray(aud) ? aud : [aud];
  if (typeof azp === 'string' && azp !== apiAudience && audiences.includes(azp)) return 'azp';
  return undefined;
}

function normalizeTyp(typ: string): string {
  const lower = typ.toLowerCase();
  return lower.startsWith('application/') ? lower.slice('application/'.length) : lower;
}

interface CacheEntry {
  readonly principal: VerifiedAccessToken;
  readonly expiresAtMs: number;
}

function readPath(payload: JWTPayload, path: string): unknown {
  let current: unknown = payload;
  for (const segment of path.split('.')) {
    if (typeof current !== 'object' || current === null || Array.isArray(current)) return undefined;
    if (!Object.hasOwn(current, segment)) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

function stringList(value: unknown): string[] {
  if (typeof value === 'string') return value.split(' ').filter((item) => item !== '');
  if (Array.isArray(value)) {
    return value.filter((item): item is string => typeof item === 'string' && item !== '');
  }
  return [];
}

/**
 * Verifies OAuth 2.0 JWT access tokens (RFC 9068) for the API and turns them into a
 * {@link VerifiedAccessToken}. Every refusal is a {@link BearerTokenError} with a stable code.
 */
export class AccessTokenVerifier {
  readonly #options: Required<
    Omit<
      AccessTokenVerifierOptions,
      'rolePermissions' | 'algorithms' | 'getKey' | 'accessTokenTypes'
    >
  > & {
    readonly rolePermissions: ReadonlyMap<string, readonly string[]> | undefined;
  };
  readonly #getKey: JWTVerifyGetKey;
  readonly #algorithms: string[];
  readonly #types: ReadonlySet<string>;
  readonly #cache: LRUCache<string, CacheEntry> | undefined;

  constructor(options: AccessTokenVerifierOptions) {
    const clockTolerance = options.clockTolerance ?? 30;
    if (!(clockTolerance >= 0 && clockTolerance <= 60)) {
      throw new RangeError('clockTolerance must be between 0 and 60 seconds');
    }
    const algorithms = options.algorithms ?? ALLOWED_ALGORITHMS;
    if (algorithms.length === 0 || algorithms.some((alg) => !ALLOWED_ALGORITHMS.includes(alg))) {
      throw new RangeError(`algorithms must be a non-empty subset of ${ALLOWED_ALGORITHMS.join()}`);
    }
    this.#algorithms = [...algorithms];
    const types = options.accessTokenTypes ?? ['at+jwt'];
    if (types.length === 0) throw new RangeError('accessTokenTypes must not be empty');
    this.#types = new Set(types.map(normalizeTyp));
    this.#getKey = options.getKey;
    this.#options = {
      issuer: options.issuer,
      audience: options.audience,
      clockTolerance,
      permissionsClaim: options.permissionsClaim ?? 'permissions',
      rolesClaim: options.rolesClaim ?? 'roles',
      displayNameClaim: options.displayNameClaim ?? 'name',
      cacheSize: options.cacheSize ?? 10_000,
      maxTokenLength: options.maxTokenLength ?? 8192,
      now: options.now ?? Date.now,
      rolePermissions: options.rolePermissions
        ? new Map(Object.entries(options.rolePermissions))
        : undefined,
    };
    const { cacheSize } = this.#options;
    this.#cache = cacheSize > 0 ? new LRUCache({ max: cacheSize }) : undefined;
  }

  /** Verifies the `Authorization` header value of a request. */
  async verifyAuthorizationHeader(
    value: string | string[] | undefined,
  ): Promise<VerifiedAccessToken> {
    return this.verify(parseAuthorizationHeader(value));
  }

  /** Verifies a compact JWS access token. */
  async verify(token: string): Promise<VerifiedAccessToken> {
    if (token.length > this.#options.maxTokenLength) {
      throw new BearerTokenError(ErrorCode.invalid_header, 'The token is too long');
    }
    const nowMs = this.#options.now();
    const cache = this.#cache;
    const key = cache === undefined ? undefined : hash('sha256', token, 'base64url');
    if (cache !== undefined && key !== undefined) {
      const cached = cache.get(key);
      if (cached !== undefined) {
        if (nowMs < cached.expiresAtMs) return cached.principal;
        cache.delete(key);
      }
    }

    const principal = await this.#verifyUncached(token, nowMs);

    if (cache !== undefined && key !== undefined) {
      cache.set(key, { principal, expiresAtMs: principal.expiresAt.getTime() });
    }
    return principal;
  }

  /** Forgets every verified token, e.g. after a signing key was withdrawn. */
  clearCache(): void {
    this.#cache?.clear();
  }

  async #verifyUncached(token: string, nowMs: number): Promise<VerifiedAccessToken> {
    let header;
    try {
      header = decodeProtectedHeader(token);
    } catch (cause) {
      throw new BearerTokenError(ErrorCode.invalid_header, 'The token cannot be parsed', { cause });
    }
    for (const name of KEY_BEARING_HEADERS) {
      if (Object.hasOwn(header, name)) {
        throw new BearerTokenError(
          ErrorCode.invalid_header,
          `The token header must not carry ${name}`,
        );
      }
    }
    for (const name of STRING_HEADERS) {
      if (Object.hasOwn(header, name) && typeof header[name] !== 'string') {
        throw new BearerTokenError(
          ErrorCode.invalid_header,
          `The token header's ${name} is not a string`,
        );
      }
    }
    // RFC 7797 unencoded payloads are not for JWTs (§7); jose would ignore b64 outside crit.
    if (Object.hasOwn(header, 'b64')) {
      throw new BearerTokenError(ErrorCode.invalid_header, 'The token header must not carry b64');
    }
    if (typeof header.kid === 'string' && header.kid.length > MAX_KID_LENGTH) {
      throw new BearerTokenError(ErrorCode.invalid_header, 'The token names an unknown key');
    }
    const typeOk = typeof header.typ === 'string' && this.#types.has(normalizeTyp(header.typ));

    const { issuer, audience, clockTolerance } = this.#options;
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.#getKey, {
        algorithms: this.#algorithms,
        issuer,
        audience,
        clockTolerance,
        requiredClaims: REQUIRED_CLAIMS,
        currentDate: new Date(nowMs),
      }));
    } catch (error) {
      throw mapVerificationError(error);
    }
    // Checked after the signature, so a forged token learns nothing from the answer.
    if (!typeOk)
      throw new BearerTokenError(ErrorCode.invalid_claims, 'The token is not an access token');
    const marker = idTokenMarker(payload, audience);
    if (marker !== undefined) {
      throw new BearerTokenError(
        ErrorCode.invalid_claims,
        `The token is an ID token (${marker}), not an access token`,
      );
    }
    // A token bound to a key (DPoP, mutual TLS: RFC 7800 `cnf`) is only valid with a proof of
    // that key, which this API does not check: taking it as a bearer token would undo the
    // binding for whoever stole it.
    if (payload['cnf'] !== undefined) {
      throw new BearerTokenError(ErrorCode.invalid_claims, 'The token is bound to a key (cnf)');
    }

    const nowSeconds = Math.floor(nowMs / 1000);
    const { sub, exp, iat } = payload;
    const clientId = payload['client_id'] ?? payload['azp'];
    if (typeof sub !== 'string' || sub === '' || typeof clientId !== 'string' || clientId === '') {
      throw new BearerTokenError(
        ErrorCode.invalid_claims,
        'The token must name its subject and client',
      );
    }
    if (typeof exp !== 'number' || typeof iat !== 'number' || iat > nowSeconds + clockTolerance) {
      throw new BearerTokenError(ErrorCode.invalid_claims, 'The token was issued in the future');
    }

    const scope = [...new Set([...stringList(payload['scope']), ...stringList(payload['scp'])])];
    const claimed = stringList(readPath(payload, this.#options.permissionsClaim));
    let permissions: string[];
    let roles: string[] | undefined;
    if (this.#options.rolePermissions) {
      roles = claimed;
      const granted = new Set<string>();
      for (const role of roles) {
        for (const permission of this.#options.rolePermissions.get(role) ?? []) {
          granted.add(permission);
        }
      }
      permissions = [...granted];
    } else {
      permissions = [...new Set(claimed)];
      const rolesValue = readPath(payload, this.#options.rolesClaim);
      roles = rolesValue === undefined ? undefined : stringList(rolesValue);
    }
    const displayName = readPath(payload, this.#options.displayNameClaim);

    const kind = sub === clientId || payload['gty'] === 'client-credentials' ? 'client' : 'user';
    return Object.freeze({
      kind,
      subject: sub,
      issuer,
      clientId,
      permissions: Object.freeze(permissions),
      scope: Object.freeze(scope),
      ...(roles === undefined ? {} : { roles: Object.freeze(roles) }),
      ...(typeof displayName === 'string' ? { displayName } : {}),
      expiresAt: new Date(exp * 1000),
    });
  }
}

function mapVerificationError(error: unknown): Error {
  if (error instanceof errors.JWTExpired) {
    return new BearerTokenError(ErrorCode.token_expired, 'The token has expired', { cause: error });
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    const detail =
      error.claim === 'typ'
        ? 'The token is not an access token'
        : `The token's ${error.claim} claim is not acceptable`;
    return new BearerTokenError(ErrorCode.invalid_claims, detail, { cause: error });
  }
  if (
    error instanceof errors.JWKSNoMatchingKey ||
    error instanceof errors.JWKSMultipleMatchingKeys
  ) {
    return new BearerTokenError(ErrorCode.invalid_header, 'The token names an unknown key', {
      cause: error,
    });
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return new BearerTokenError(ErrorCode.invalid_header, 'The token signature is invalid', {
      cause: error,
    });
  }
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported) {
    return new BearerTokenError(ErrorCode.invalid_header, 'The token algorithm is not allowed', {
      cause: error,
    });
  }
  if (
    error instanceof errors.JWSInvalid ||
    error instanceof errors.JWTInvalid ||
    error instanceof errors.JWKInvalid
  ) {
    return new BearerTokenError(ErrorCode.invalid_header, 'The token cannot be parsed', {
      cause: error,
    });
  }
  // JWKS timeout, network failure, non-200 or unparseable key set: the issuer's problem.
  return new TokenVerifierUnavailableError({ cause: error });
}
