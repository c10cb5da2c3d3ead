/*
 * Backend-for-frontend for the web app (RFC 10017 pattern): the server is a confidential
 * OpenID client (openid-client, authorization code + PKCE), tokens stay in `bff_sessions`
 * (encrypted), and the browser holds an HttpOnly session cookie plus Angular's XSRF-TOKEN.
 */
import { hash, randomBytes } from 'node:crypto';

import { BffUser, RedirectTo } from '@assay/contracts';
import type { FastifyInstance, FastifyReply } from 'fastify';
import * as oidc from 'openid-client';
import { Type } from 'typebox';

import { DomainError } from '../platform/errors.ts';
import { LruMap } from '../platform/lru-map.ts';
import { problemResponse } from '../platform/openapi.ts';
import { assertCsrf, type SessionCredentials, type SessionResolver } from './authenticate.ts';
import type { BffSessionRow, BffSessionsRepository } from './bff-sessions.repository.ts';
import { SCREEN_HINT_PARAM } from './provider.ts';
import type { SealedBox } from './sealed-box.ts';
import { BearerTokenError, type AccessTokenVerifier } from './token-verifier.ts';

/** Refresh the access token when it expires within this many seconds. */
const REFRESH_MARGIN_SECONDS = 60;
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
 * backslash tricks (`/\host`, which browsers read as `//host`) and control characters.
 */
export function safeReturnTo(value: unknown): string {
  if (typeof value !== 'string' || value.length > 2000) return '/';
  if (!value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return '/';
  // eslint-disable-next-line no-control-regex -- refusing control characters is the point
  if (/[\u0000-\u001f\u007f\\]/.test(value)) return '/';
  const parsed = URL.parse(value, 'http://assay.invalid');
  if (parsed?.origin !== 'http://assay.invalid') return '/';
  return value;
}

/** Options of the BFF. */
export interface BffOptions {
  readonly publicUrl: URL;
  readonly issuer: string;
  readonly audience: string;
  /** `embedded`: resource indicator; `external`: Auth0-style `audience` parameter. */
  readonly mode: 'embedded' | 'external';
  readonly clientId: string;
  readonly clientSecret: string;
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
      const { issuer, clientId, clientSecret } = this.#options;
      const insecure = new URL(issuer).protocol === 'http:';
      return oidc.discovery(
        new URL(issuer),
        clientId,
        { client_secret: clientSecret },
        oidc.ClientSecretBasic(clientSecret),
        {
          [oidc.customFetch]: this.#options.fetch,
          // An http:// issuer only happens on loopback (tests, local development).
          // eslint-disable-next-line @typescript-eslint/no-deprecated -- see above
          ...(insecure ? { execute: [oidc.allowInsecureRequests] } : {}),
        },
      );
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
    const nowIso = new Date(this.#now()).toISOString();
    const claimed = await sessions.claimRefresh(row.id_hash, row.updated_at, nowIso);
    if (!claimed) {
      // Another instance is refreshing: use the current token while it lasts, else wait.
      for (let attempt = 0; attempt < 20; attempt++) {
        const current = await sessions.find(row.id_hash, new Date(this.#now()).toISOString());
        const currentTokens = current === undefined ? undefined : this.#openTokens(current);
        if (current === undefined || currentTokens === undefined) return 'expired';
        if (currentTokens.expiresAt > this.#now() + 5000) {
          return { accessToken: currentTokens.accessToken, csrfToken: current.csrf_token };
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      return 'expired';
    }
    if (tokens.refreshToken === undefined) {
      if (tokens.expiresAt > this.#now()) {
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
      next = this.#tokensFrom(response, tokens);
    } catch (error) {
      if (error instanceof oidc.ResponseBodyError) {
        // invalid_grant: revoked, reused, expired, or the account was disabled. The session ends.
        await this.#endSession(row.id_hash);
        return 'expired';
      }
      throw error;
    }
    await sessions.replaceTokens(row.id_hash, row.tokens, {
      tokens: this.#sealTokens(next, row.id_hash),
      access_expires_at: new Date(next.expiresAt).toISOString(),
      updated_at: new Date(this.#now()).toISOString(),
    });
    return { accessToken: next.accessToken, csrfToken: row.csrf_token };
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
          scope:
            mode === 'embedded' ? 'openid profile email' : 'openid profile email offline_access',
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
          throw new DomainError(
            'login_failed',
            'The sign-in took too long or was started elsewhere. Sign in again.',
          );
        }
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
          if (error instanceof oidc.AuthorizationResponseError && error.error === 'access_denied') {
            // The user cancelled at the provider: back where they were, still signed out.
            return reply.redirect(transaction.returnTo, 302);
          }
          request.log.warn({ err: error }, 'The OpenID callback failed');
          throw new DomainError('login_failed', 'Signing in failed. Sign in again.');
        }
        const tokens = this.#tokensFrom(response, undefined);
        let subject: string;
        try {
          subject = (await verifier.verify(tokens.accessToken)).subject;
        } catch (error) {
          request.log.warn({ err: error }, 'The issuer returned an access token the API refuses');
          throw new DomainError(
            'login_failed',
            'The identity provider did not issue a token for this API. Check API_AUDIENCE.',
          );
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
        return reply.header('cache-control', 'no-store').redirect(transaction.returnTo, 302);
      },
    );

    app.get(
      '/bff/user',
      {
        schema: {
          tags: ['session'],
          summary: 'Who is signed in to the web app',
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
          try {
            await oidc.tokenRevocation(config, tokens.refreshToken, {
              token_type_hint: 'refresh_token',
            });
          } catch (error) {
            request.log.warn({ err: error }, 'Revoking the refresh token failed');
          }
        }
        const postLogout = new URL('/', publicUrl).href;
        if (config.serverMetadata().end_session_endpoint === undefined) {
          return { redirectTo: postLogout };
        }
        const endSession = oidc.buildEndSessionUrl(config, {
          post_logout_redirect_uri: postLogout,
          ...(tokens?.idToken === undefined ? {} : { id_token_hint: tokens.idToken }),
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
