/*
 * Backend-for-frontend for the web app (RFC 10017 pattern): the server is a confidential
 * OpenID client (openid-client, authorization code + PKCE), tokens stay in `bff_sessions`
 * (encrypted), and the browser holds an HttpOnly session cookie plus Angular's XSRF-TOKEN.
 */
import { hash, randomBytes } from 'node:crypto';

import { BffUser, RedirectTo, type SignInErrorReason } from '@assay/contracts';
import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { importJWK, type JWK } from 'jose';
import * as oidc from 'openid-client';
import { Type } from 'typebox';

import type { TokenEndpointAuthMethod } from '../../config.ts';
import { DomainError } from '../../platform/errors.ts';
import { LruMap } from '../../platform/lru-map.ts';
import { problemResponse } from '../../platform/openapi.ts';
import { assertCsrf, type SessionCredentials, type SessionResolver } from '../auth/authenticate.ts';
import type { BffSessionRow, BffSessionsRepository } from './bff-sessions.repository.ts';
import { SCREEN_HINT_PARAM } from '../provider/provider.ts';
import type { SealedBox } from './sealed-box.ts';
import { BearerTokenError, type AccessTokenVerifier } from '../auth/token-verifier.ts';

/** Refresh the access token when it expires within this many seconds. */
const REFRESH_MARGIN_SECONDS = 60;
/**
 * How long one refresh may hold a session's lease; longer than the token endpoint's timeout,
 * so a lease never lapses while its holder's request can still rotate the refresh token.
 */
const REFRESH_LEASE_MS = 15_000;
const TOKEN_ENDPOINT_TIMEOUT_SECONDS = 10;
/** A waiting request uses the old access token only if it is good for at least this long. */
const MIN_USABLE_MS = 5_000;
const LOGIN_TRANSACTION_SECONDS = 10 * 60;

/** The tokens kept for a session, sealed in `bff_sessions.tokens`. */
interface SessionTokens {
  readonly accessToken: string;
  readonly refreshToken: string | undefined;
  readonly idToken: string | undefined;
  /** Access token expiry, ms since the epoch. */
  readonly expiresAt: number;
}

interface LoginTransaction {
  readonly codeVerifier: string;
  readonly state: string;
  readonly nonce: string;
  readonly returnTo: string;
  readonly expiresAt: number;
}

/** Cookie names: `__Host-` prefixed (Secure, Path=/, no Domain) when PUBLIC_URL is https. */
export function bffCookieNames(secure: boolean) {
  return {
    session: secure ? '__Host-assay_session' : 'assay_session',
    login: secure ? '__Host-assay_login' : 'assay_login',
    xsrf: 'XSRF-TOKEN',
  } as const;
}

/**
 * A relative path on this site, or `/`. Refuses absolute URLs, scheme-relative `//host`,
 * backslash tricks (`/\host`, which browsers read as `//host`) and control characters;
 * percent-encodes the rest as a URL (non-ASCII characters, spaces).
 */
export function safeReturnTo(value: unknown): string {
  if (typeof value !== 'string' || value.length > 2000) return '/';
  if (!value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return '/';
  // eslint-disable-next-line no-control-regex -- refusing control characters is the point
  if (/[\u0000-\u001f\u007f\\]/.test(value)) return '/';
  const parsed = URL.parse(value, 'http://assay.invalid');
  if (parsed?.origin !== 'http://assay.invalid') return '/';
  // The URL parser percent-encodes what may not go into a Location header as it is (non-ASCII
  // such as `/。x`, which Node refuses to send). Its dot-segment removal can make `/.//host`
  // scheme-relative, so the result is checked again.
  const normalised = `${parsed.pathname}${parsed.search}${parsed.hash}`;
  if (normalised.startsWith('//') || normalised.startsWith('/\\')) return '/';
  return normalised;
}

/** Options of the BFF. */
export interface BffOptions {
  readonly publicUrl: URL;
  readonly issuer: string;
  readonly audience: string;
  /** `embedded`: resource indicator; `external`: Auth0-style `audience` parameter. */
  readonly mode: 'embedded' | 'external';
  readonly clientId: string;
  /** For `client_secret_basic` / `client_secret_post`. */
  readonly clientSecret: string | undefined;
  /** The private JWK signing `private_key_jwt` client assertions. */
  readonly clientPrivateKey?: JWK | undefined;
  /** Forced token-endpoint authentication; by default chosen from discovery. */
  readonly tokenEndpointAuthMethod?: TokenEndpointAuthMethod | undefined;
  /** Where the BFF says what it chose or cannot do (once, not per request). */
  readonly log?: Pick<FastifyBaseLogger, 'info' | 'warn'>;
  readonly sessionLifetimeSeconds: number;
  readonly sessions: BffSessionsRepository;
  /** Seals tokens at rest and the login transaction cookie. */
  readonly tokenBox: SealedBox;
  readonly transactionBox: SealedBox;
  readonly verifier: AccessTokenVerifier;
  /** How openid-client reaches the issuer (in process for the embedded one). */
  readonly fetch: oidc.CustomFetch;
  readonly now?: () => number;
}

/**
 * The token-endpoint authentication to use when none is configured: the first method in the
 * issuer's `token_endpoint_auth_methods_supported` (its order of preference, as
 * mod_auth_openidc reads it) that the client has credentials for; `client_secret_basic` when
 * the issuer does not say (RFC 8414's default).
 */
export function chooseTokenEndpointAuthMethod(
  supported: readonly string[] | undefined,
  credentials: { readonly secret: boolean; readonly privateKey: boolean },
): TokenEndpointAuthMethod {
  const usable = (method: string): method is TokenEndpointAuthMethod =>
    method === 'private_key_jwt'
      ? credentials.privateKey
      : (method === 'client_secret_basic' || method === 'client_secret_post') && credentials.secret;
  const offered = supported ?? ['client_secret_basic'];
  const chosen = offered.find(usable);
  if (chosen === undefined) {
    throw new Error(
      `The issuer offers token endpoint authentication by ${offered.join(', ') || 'nothing'}; ` +
        (credentials.privateKey || credentials.secret
          ? 'set OIDC_CLIENT_AUTH_METHOD, or the credentials one of these needs'
          : 'set OIDC_CLIENT_SECRET or OIDC_CLIENT_PRIVATE_KEY'),
    );
  }
  return chosen;
}

const signingAlgorithms: Readonly<Record<string, string>> = {
  EC: 'ES256',
  RSA: 'RS256',
  OKP: 'EdDSA',
};

async function clientAuthFor(
  method: TokenEndpointAuthMethod,
  secret: string | undefined,
  privateKey: JWK | undefined,
): Promise<oidc.ClientAuth> {
  if (method === 'private_key_jwt') {
    if (privateKey === undefined) throw new Error('private_key_jwt needs OIDC_CLIENT_PRIVATE_KEY');
    const alg = privateKey.alg ?? signingAlgorithms[privateKey.kty ?? ''] ?? 'ES256';
    const key = await importJWK(privateKey, alg);
    if (!(key instanceof CryptoKey))
      throw new Error('OIDC_CLIENT_PRIVATE_KEY is not a private key');
    return oidc.PrivateKeyJwt({
      key,
      ...(privateKey.kid === undefined ? {} : { kid: privateKey.kid }),
    });
  }
  if (secret === undefined) throw new Error(`${method} needs OIDC_CLIENT_SECRET`);
  return method === 'client_secret_post'
    ? oidc.ClientSecretPost(secret)
    : oidc.ClientSecretBasic(secret);
}

function sha256(value: string): string {
  return hash('sha256', value, 'base64url');
}

/** The BFF: its session resolver (for `authenticate`) and its routes. */
export class Bff {
  readonly #options: BffOptions;
  readonly #now: () => number;
  readonly #cookies: ReturnType<typeof bffCookieNames>;
  readonly #secure: boolean;
  #configuration: Promise<oidc.Configuration> | undefined;
  #accessTokenLifetime: number | undefined;
  #saidNoRevocation = false;
  // Concurrent requests of one session share one refresh (per instance; across instances
  // `claimRefresh` decides).
  readonly #refreshing = new Map<string, Promise<SessionCredentials | 'expired'>>();
  // The tokens of recently used sessions, opened: AES-GCM on every request of the web app cost
  // more than reading the session. Keyed by session, and used only while the row still holds
  // the very box they came from, so a refresh (by any instance) or a sign-out (the row is gone)
  // is seen at the next request, exactly as if the box were opened each time.
  readonly #opened = new LruMap<
    string,
    { readonly sealed: string; readonly tokens: SessionTokens }
  >(2048);

  constructor(options: BffOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#secure = options.publicUrl.protocol === 'https:';
    this.#cookies = bffCookieNames(this.#secure);
  }

  get #redirectUri(): string {
    return new URL('/bff/callback', this.#options.publicUrl).href;
  }

  /** The openid-client configuration, discovered once (retried after a failure). */
  async configuration(): Promise<oidc.Configuration> {
    this.#configuration ??= (async () => {
      const { issuer, clientId, clientSecret, clientPrivateKey } = this.#options;
      const insecure = new URL(issuer).protocol === 'http:';
      const options = {
        [oidc.customFetch]: this.#options.fetch,
        timeout: TOKEN_ENDPOINT_TIMEOUT_SECONDS,
        // An http:// issuer only happens on loopback (tests, local development).
        // eslint-disable-next-line @typescript-eslint/no-deprecated -- see above
        ...(insecure ? { execute: [oidc.allowInsecureRequests] } : {}),
      };
      const discovered = await oidc.discovery(
        new URL(issuer),
        clientId,
        undefined,
        oidc.None(),
        options,
      );
      const server = discovered.serverMetadata();
      const method =
        this.#options.tokenEndpointAuthMethod ??
        chooseTokenEndpointAuthMethod(server.token_endpoint_auth_methods_supported, {
          secret: clientSecret !== undefined,
          privateKey: clientPrivateKey !== undefined,
        });
      const config = new oidc.Configuration(
        server,
        clientId,
        clientSecret === undefined ? {} : { client_secret: clientSecret },
        await clientAuthFor(method, clientSecret, clientPrivateKey),
      );
      config[oidc.customFetch] = this.#options.fetch;
      config.timeout = TOKEN_ENDPOINT_TIMEOUT_SECONDS;
      // eslint-disable-next-line @typescript-eslint/no-deprecated -- as above
      if (insecure) oidc.allowInsecureRequests(config);
      this.#options.log?.info(
        { tokenEndpointAuthMethod: method },
        `The web app authenticates at ${issuer} with ${method}`,
      );
      return config;
    })();
    try {
      return await this.#configuration;
    } catch (error) {
      this.#configuration = undefined;
      throw error;
    }
  }

  #cookieOptions(httpOnly: boolean, maxAge?: number) {
    return {
      path: '/',
      httpOnly,
      secure: this.#secure,
      sameSite: 'lax' as const,
      ...(maxAge === undefined ? {} : { maxAge }),
    };
  }

  #clearSessionCookies(reply: FastifyReply): void {
    reply.clearCookie(this.#cookies.session, this.#cookieOptions(true));
    reply.clearCookie(this.#cookies.xsrf, this.#cookieOptions(false));
  }

  #sealTokens(tokens: SessionTokens, idHash: string): string {
    return this.#options.tokenBox.seal(JSON.stringify(tokens), idHash);
  }

  async #endSession(idHash: string): Promise<void> {
    this.#opened.delete(idHash);
    await this.#options.sessions.delete(idHash);
  }

  #openTokens(row: BffSessionRow): SessionTokens | undefined {
    const known = this.#opened.get(row.id_hash);
    if (known?.sealed === row.tokens) return known.tokens;
    const json = this.#options.tokenBox.open(row.tokens, row.id_hash);
    if (json === undefined) return undefined;
    const tokens = Object.freeze(JSON.parse(json) as SessionTokens);
    this.#opened.set(row.id_hash, { sealed: row.tokens, tokens });
    return tokens;
  }

  /** Remembers the issuer's access-token lifetime (the same for every user of this client). */
  #noteAccessTokenLifetime(expiresIn: number | undefined): void {
    if (expiresIn !== undefined && expiresIn > 0) this.#accessTokenLifetime = expiresIn;
  }

  /**
   * Whether sign-in asks for `offline_access`, i.e. for a refresh token at providers that issue
   * one only then (Auth0, Okta, Entra ID, LemonLDAP::NG): only an external issuer that supports
   * it, and only while a session may outlive an access token. The lifetime is the issuer's, learnt
   * from its last token response; until one arrives, Assay asks. The embedded provider issues
   * the web client refresh tokens without it.
   */
  #wantsOfflineAccess(config: oidc.Configuration): boolean {
    if (this.#options.mode === 'embedded') return false;
    const supported = config.serverMetadata().scopes_supported;
    if (supported !== undefined && !supported.includes('offline_access')) return false;
    return (
      this.#accessTokenLifetime === undefined ||
      this.#options.sessionLifetimeSeconds > this.#accessTokenLifetime
    );
  }

  /** Once per process: refresh tokens outlive sign-out at an issuer without revocation. */
  #sayNoRevocationOnce(): void {
    if (this.#saidNoRevocation) return;
    this.#saidNoRevocation = true;
    this.#options.log?.warn(
      { issuer: this.#options.issuer },
      'The identity provider has no revocation endpoint: refresh tokens are not revoked at ' +
        'sign-out and stay valid until they expire at the provider (said once)',
    );
  }

  #tokensFrom(
    response: oidc.TokenEndpointResponse,
    previous: SessionTokens | undefined,
  ): SessionTokens {
    const expiresIn = response.expires_in ?? 300;
    return {
      accessToken: response.access_token,
      refreshToken: response.refresh_token ?? previous?.refreshToken,
      idToken: response.id_token ?? previous?.idToken,
      expiresAt: this.#now() + expiresIn * 1000,
    };
  }

  /** For `authenticate`: the session's credentials, refreshed when about to expire. */
  readonly resolveSession: SessionResolver = async (request, reply) => {
    const cookie = request.cookies[this.#cookies.session];
    if (cookie === undefined || cookie === '') return undefined;
    const idHash = sha256(cookie);
    const row = await this.#options.sessions.find(idHash, new Date(this.#now()).toISOString());
    const tokens = row === undefined ? undefined : this.#openTokens(row);
    if (row === undefined || tokens === undefined) {
      this.#clearSessionCookies(reply);
      return 'expired';
    }
    if (tokens.expiresAt - this.#now() > REFRESH_MARGIN_SECONDS * 1000) {
      return { accessToken: tokens.accessToken, csrfToken: row.csrf_token };
    }
    let refreshing = this.#refreshing.get(idHash);
    if (refreshing === undefined) {
      refreshing = this.#refresh(row, tokens).finally(() => this.#refreshing.delete(idHash));
      this.#refreshing.set(idHash, refreshing);
    }
    const result = await refreshing;
    if (result === 'expired') this.#clearSessionCookies(reply);
    return result;
  };

  async #refresh(
    row: BffSessionRow,
    tokens: SessionTokens,
  ): Promise<SessionCredentials | 'expired'> {
    const { sessions } = this.#options;
    const now = this.#now();
    const leaseUntil = new Date(now + REFRESH_LEASE_MS).toISOString();
    const claimed = await sessions.claimRefresh(
      row.id_hash,
      row.tokens,
      new Date(now).toISOString(),
      leaseUntil,
    );
    if (!claimed) return this.#awaitOtherRefresh(row, tokens);
    if (tokens.refreshToken === undefined) {
      if (tokens.expiresAt > this.#now()) {
        await sessions.releaseRefresh(row.id_hash, leaseUntil);
        return { accessToken: tokens.accessToken, csrfToken: row.csrf_token };
      }
      await this.#endSession(row.id_hash);
      return 'expired';
    }
    let next: SessionTokens;
    try {
      const response = await oidc.refreshTokenGrant(
        await this.configuration(),
        tokens.refreshToken,
      );
      this.#noteAccessTokenLifetime(response.expires_in);
      next = this.#tokensFrom(response, tokens);
    } catch (error) {
      if (error instanceof oidc.ResponseBodyError) {
        // invalid_grant: revoked, reused, expired, or the account was disabled. The session ends.
        await this.#endSession(row.id_hash);
        return 'expired';
      }
      // The provider did not answer: let the next request try again rather than wait the lease.
      await sessions.releaseRefresh(row.id_hash, leaseUntil).catch(() => undefined);
      throw error;
    }
    const stored = await sessions.replaceTokens(row.id_hash, row.tokens, {
      tokens: this.#sealTokens(next, row.id_hash),
      access_expires_at: new Date(next.expiresAt).toISOString(),
      updated_at: new Date(this.#now()).toISOString(),
    });
    if (!stored) {
      // Signed out while refreshing.
      this.#opened.delete(row.id_hash);
      return 'expired';
    }
    return { accessToken: next.accessToken, csrfToken: row.csrf_token };
  }

  /**
   * Another caller (this instance or another) holds the refresh lease, or has just stored new
   * tokens: use the token read while it lasts, else wait for the new one. Takes the lease over
   * when it lapsed without new tokens (its holder died or gave up).
   */
  async #awaitOtherRefresh(
    row: BffSessionRow,
    tokens: SessionTokens,
  ): Promise<SessionCredentials | 'expired'> {
    if (tokens.expiresAt - this.#now() > MIN_USABLE_MS) {
      return { accessToken: tokens.accessToken, csrfToken: row.csrf_token };
    }
    const { sessions } = this.#options;
    const giveUpAt = performance.now() + REFRESH_LEASE_MS + 1000;
    for (let delay = 20; performance.now() < giveUpAt; delay = Math.min(delay * 2, 500)) {
      await new Promise((resolve) => setTimeout(resolve, delay));
      const current = await sessions.find(row.id_hash, new Date(this.#now()).toISOString());
      const currentTokens = current === undefined ? undefined : this.#openTokens(current);
      if (current === undefined || currentTokens === undefined) return 'expired';
      if (current.tokens !== row.tokens) {
        if (currentTokens.expiresAt <= this.#now()) return 'expired';
        return { accessToken: currentTokens.accessToken, csrfToken: current.csrf_token };
      }
      const lease = current.refresh_lease_until;
      if (lease === null || lease <= new Date(this.#now()).toISOString()) {
        return this.#refresh(current, currentTokens);
      }
    }
    return 'expired';
  }

  /**
   * Sends the browser to the web app's page that explains a failed sign-in in plain words and
   * offers to try again; the details are in the log under `requestId`.
   */
  #signInFailed(
    reply: FastifyReply,
    requestId: string,
    reason: SignInErrorReason,
    returnTo: string,
  ): FastifyReply {
    const page = new URL('/sign-in-error', this.#options.publicUrl);
    page.search = new URLSearchParams({ reason, requestId, returnTo }).toString();
    return reply
      .header('cache-control', 'no-store')
      .redirect(`${page.pathname}${page.search}`, 302);
  }

  /** The callback with a live sign-in: exchange the code, check the token, start the session. */
  async #finishSignIn(
    request: FastifyRequest,
    reply: FastifyReply,
    transaction: LoginTransaction,
    returnTo: string,
  ): Promise<FastifyReply> {
    const { publicUrl, verifier, issuer } = this.#options;
    const config = await this.configuration();
    let response: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
    try {
      response = await oidc.authorizationCodeGrant(config, new URL(request.url, publicUrl), {
        pkceCodeVerifier: transaction.codeVerifier,
        expectedState: transaction.state,
        expectedNonce: transaction.nonce,
        idTokenExpected: true,
      });
    } catch (error) {
      if (error instanceof oidc.AuthorizationResponseError) {
        if (error.error === 'access_denied') {
          // The user cancelled at the provider: back where they were, still signed out.
          return reply.redirect(returnTo, 302);
        }
        request.log.warn(
          { issuer, error: error.error, errorDescription: error.error_description },
          `The identity provider answered the sign-in with ${error.error}`,
        );
        return this.#signInFailed(reply, request.id, 'provider_error', returnTo);
      }
      const oauthError = error instanceof oidc.ResponseBodyError ? error : undefined;
      request.log.warn(
        {
          err: error,
          issuer,
          ...(oauthError === undefined
            ? {}
            : { error: oauthError.error, errorDescription: oauthError.error_description }),
        },
        oauthError === undefined
          ? 'The sign-in callback failed a check (state, issuer, ID token) or reaching the token endpoint'
          : `The token endpoint refused the authorization code: ${oauthError.error}`,
      );
      return this.#signInFailed(reply, request.id, 'token_exchange_failed', returnTo);
    }
    this.#noteAccessTokenLifetime(response.expires_in);
    const tokens = this.#tokensFrom(response, undefined);
    let subject: string;
    try {
      subject = (await verifier.verify(tokens.accessToken)).subject;
    } catch (error) {
      if (!(error instanceof BearerTokenError)) throw error;
      request.log.warn(
        { issuer, code: error.code, reason: error.message },
        `The API refuses the access token the identity provider issued (${error.code}: ${error.message})`,
      );
      return this.#signInFailed(reply, request.id, 'token_refused', returnTo);
    }
    const sessionId = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(32).toString('base64url');
    const idHash = sha256(sessionId);
    const now = this.#now();
    const lifetime = this.#options.sessionLifetimeSeconds;
    await this.#options.sessions.insert({
      id_hash: idHash,
      subject,
      tokens: this.#sealTokens(tokens, idHash),
      csrf_token: csrfToken,
      access_expires_at: new Date(tokens.expiresAt).toISOString(),
      created_at: new Date(now).toISOString(),
      updated_at: new Date(now).toISOString(),
      expires_at: new Date(now + lifetime * 1000).toISOString(),
    });
    reply.setCookie(this.#cookies.session, sessionId, this.#cookieOptions(true, lifetime));
    reply.setCookie(this.#cookies.xsrf, csrfToken, this.#cookieOptions(false, lifetime));
    return reply.header('cache-control', 'no-store').redirect(returnTo, 302);
  }

  /** Registers `/bff/*`. */
  routes(app: FastifyInstance): void {
    const { publicUrl, audience, mode, verifier } = this.#options;

    app.get(
      '/bff/login',
      {
        schema: {
          tags: ['session'],
          summary: 'Start signing in to the web app (redirects to the identity provider)',
          querystring: Type.Object({
            returnTo: Type.Optional(Type.String()),
            signup: Type.Optional(Type.String()),
          }),
        },
      },
      async (request, reply) => {
        const query = request.query as { returnTo?: string; signup?: string };
        const config = await this.configuration();
        const codeVerifier = oidc.randomPKCECodeVerifier();
        const transaction: LoginTransaction = {
          codeVerifier,
          state: oidc.randomState(),
          nonce: oidc.randomNonce(),
          returnTo: safeReturnTo(query.returnTo),
          expiresAt: this.#now() + LOGIN_TRANSACTION_SECONDS * 1000,
        };
        const parameters: Record<string, string> = {
          redirect_uri: this.#redirectUri,
          scope: this.#wantsOfflineAccess(config)
            ? 'openid profile email offline_access'
            : 'openid profile email',
          code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
          code_challenge_method: 'S256',
          state: transaction.state,
          nonce: transaction.nonce,
        };
        if (mode === 'embedded') parameters['resource'] = audience;
        else parameters['audience'] = audience;
        if (query.signup === '1' || query.signup === 'true') {
          parameters[SCREEN_HINT_PARAM] = 'signup';
        }
        const url = oidc.buildAuthorizationUrl(config, parameters);
        reply.setCookie(
          this.#cookies.login,
          this.#options.transactionBox.seal(JSON.stringify(transaction), 'login'),
          this.#cookieOptions(true, LOGIN_TRANSACTION_SECONDS),
        );
        return reply.header('cache-control', 'no-store').redirect(url.href, 302);
      },
    );

    app.get(
      '/bff/callback',
      {
        schema: {
          tags: ['session'],
          summary: 'The OpenID redirect URI of the web app',
          hide: true,
        },
      },
      async (request, reply) => {
        const sealed = request.cookies[this.#cookies.login];
        reply.clearCookie(this.#cookies.login, this.#cookieOptions(true));
        const json =
          sealed === undefined ? undefined : this.#options.transactionBox.open(sealed, 'login');
        const transaction = json === undefined ? undefined : (JSON.parse(json) as LoginTransaction);
        if (transaction === undefined || transaction.expiresAt < this.#now()) {
          request.log.warn(
            { loginCookie: sealed === undefined ? 'missing' : 'expired or unreadable' },
            'Sign-in callback without a live sign-in (took too long, or started elsewhere)',
          );
          return this.#signInFailed(reply, request.id, 'sign_in_expired', '/');
        }
        const returnTo = safeReturnTo(transaction.returnTo);
        try {
          return await this.#finishSignIn(request, reply, transaction, returnTo);
        } catch (error) {
          request.log.error({ err: error }, 'The sign-in callback failed');
          return this.#signInFailed(reply, request.id, 'server_error', returnTo);
        }
      },
    );

    app.get(
      '/bff/user',
      {
        schema: {
          tags: ['session'],
          summary: 'Who is signed in to the web app',
          security: [{ session: [] }],
          response: { 200: BffUser, 401: problemResponse('Nobody is signed in') },
        },
      },
      async (request, reply) => {
        const session = await this.resolveSession(request, reply);
        if (session === undefined || session === 'expired') {
          throw new DomainError('session_missing', 'Nobody is signed in.');
        }
        let principal;
        try {
          principal = await verifier.verify(session.accessToken);
        } catch (error) {
          if (!(error instanceof BearerTokenError)) throw error;
          throw new DomainError('session_missing', 'Your session has ended. Sign in again.');
        }
        reply.header('cache-control', 'no-store');
        return {
          subject: principal.subject,
          displayName: principal.displayName ?? null,
          roles: [...(principal.roles ?? [])],
          permissions: [...principal.permissions],
          ...(mode === 'external' && { accountsManagedAt: this.#options.issuer }),
        };
      },
    );

    app.post(
      '/bff/logout',
      {
        schema: {
          tags: ['session'],
          summary: 'Sign out of the web app (needs X-XSRF-TOKEN)',
          response: { 200: RedirectTo, 403: problemResponse('CSRF token missing or invalid') },
        },
      },
      async (request, reply) => {
        const cookie = request.cookies[this.#cookies.session];
        const idHash = cookie === undefined || cookie === '' ? undefined : sha256(cookie);
        const row =
          idHash === undefined
            ? undefined
            : await this.#options.sessions.find(idHash, new Date(this.#now()).toISOString());
        if (row === undefined) {
          this.#clearSessionCookies(reply);
          return { redirectTo: '/' };
        }
        assertCsrf(request, row.csrf_token);
        await this.#endSession(row.id_hash);
        this.#clearSessionCookies(reply);
        const tokens = this.#openTokens(row);
        const config = await this.configuration();
        if (tokens?.refreshToken !== undefined) {
          if (config.serverMetadata().revocation_endpoint === undefined) {
            this.#sayNoRevocationOnce();
          } else {
            try {
              await oidc.tokenRevocation(config, tokens.refreshToken, {
                token_type_hint: 'refresh_token',
              });
            } catch (error) {
              request.log.warn({ err: error }, 'Revoking the refresh token failed');
            }
          }
        }
        const postLogout = new URL('/', publicUrl).href;
        if (config.serverMetadata().end_session_endpoint === undefined) {
          return { redirectTo: postLogout };
        }
        // No id_token_hint: the ID token (name, username, email) would travel in the browser's
        // address bar, history and every log on the way. The client id (added by openid-client)
        // lets the provider check the post-logout URI; its own cookie says whose session ends.
        const endSession = oidc.buildEndSessionUrl(config, {
          post_logout_redirect_uri: postLogout,
        });
        return { redirectTo: endSession.href };
      },
    );

    // Submits the provider's logout confirmation form (our CSP allows no inline script).
    app.get('/bff/assets/logout.js', { schema: { hide: true } }, (_request, reply) =>
      reply
        .type('text/javascript; charset=utf-8')
        .header('cache-control', 'no-cache')
        .send(
          "const form = document.getElementById('op.logoutForm');\n" +
            'if (form) {\n' +
            "  const input = document.createElement('input');\n" +
            "  input.type = 'hidden';\n  input.name = 'logout';\n  input.value = 'yes';\n" +
            '  form.appendChild(input);\n  form.submit();\n}\n',
        ),
    );
  }
}

/**
 * A fetch for openid-client that answers requests for the embedded issuer in process
 * (`app.inject`), so the server never needs to reach its own PUBLIC_URL over the network.
 */
export function inProcessFetch(
  app: FastifyInstance,
  publicUrl: URL,
  prefix: string,
): oidc.CustomFetch {
  return async (url, options) => {
    const target = new URL(url);
    if (
      target.origin !== publicUrl.origin ||
      !(target.pathname === prefix || target.pathname.startsWith(`${prefix}/`))
    ) {
      return fetch(url, options);
    }
    const headers: Record<string, string> = { ...options.headers, host: publicUrl.host };
    const body = options.body;
    const payload =
      body === undefined || body === null
        ? undefined
        : body instanceof URLSearchParams
          ? body.toString()
          : typeof body === 'string'
            ? body
            : Buffer.from(body as ArrayBuffer);
    const response = await app.inject({
      method: options.method as 'GET' | 'POST',
      url: `${target.pathname}${target.search}`,
      headers,
      ...(payload === undefined ? {} : { payload }),
    });
    const responseHeaders = new Headers();
    for (const [name, value] of Object.entries(response.headers)) {
      if (value === undefined) continue;
      for (const item of Array.isArray(value) ? value : [String(value)]) {
        responseHeaders.append(name, item);
      }
    }
    const noBody = response.statusCode === 204 || response.statusCode === 304;
    return new Response(noBody ? null : response.rawPayload, {
      status: response.statusCode,
      headers: responseHeaders,
    });
  };
}
