/*
 * The web app's server-side sessions (backend-for-frontend, RFC 10017 pattern): the server is a
 * confidential OpenID client (authorization code + PKCE), and the tokens stay in `bff_sessions`
 * (encrypted); the browser holds only a session id. HTTP (cookies, redirects) is in
 * session.routes.ts.
 */
import { hash, randomBytes } from 'node:crypto';

import { ErrorCode, type BffUser, type SignInErrorReason } from '@assay/contracts';
import type { FastifyBaseLogger } from 'fastify';
import { LRUCache } from 'lru-cache';
import * as oidc from 'openid-client';

import { DomainError } from '../../platform/errors.ts';
import type { SessionCredentials } from '../auth/authenticate.ts';
import { BearerTokenError, type AccessTokenVerifier } from '../auth/token-verifier.ts';
import { SCREEN_HINT_PARAM } from '../provider/provider.ts';
import type { BffSessionRow, BffSessionsRepository } from './bff-sessions.repository.ts';
import { discoverOidcClient, type OidcClientOptions } from './oidc-client.ts';
import type { SealedBox } from './sealed-box.ts';

/** Refresh the access token when it expires within this many seconds. */
const REFRESH_MARGIN_SECONDS = 60;
/**
 * How long one refresh may hold a session's lease; longer than the token endpoint's timeout,
 * so a lease never lapses while its holder's request can still rotate the refresh token.
 */
const REFRESH_LEASE_MS = 15_000;
/** A waiting request uses the old access token only if it is good for at least this long. */
const MIN_USABLE_MS = 5_000;
/** How long a sign-in may take at the provider, in seconds. */
export const LOGIN_TRANSACTION_SECONDS = 10 * 60;

/** The tokens kept for a session, sealed in `bff_sessions.tokens`. */
interface SessionTokens {
  readonly accessToken: string;
  readonly refreshToken: string | undefined;
  readonly idToken: string | undefined;
  /** Access token expiry, ms since the epoch. */
  readonly expiresAt: number;
}

/** A sign-in under way, sealed in the login cookie between the redirect and the callback. */
export interface LoginTransaction {
  readonly codeVerifier: string;
  readonly state: string;
  readonly nonce: string;
  readonly returnTo: string;
  readonly expiresAt: number;
}

/** How a sign-in callback ended. */
export type SignInOutcome =
  | {
      readonly outcome: 'signed_in';
      readonly sessionId: string;
      readonly csrfToken: string;
      readonly lifetimeSeconds: number;
    }
  /** The user cancelled at the provider. */
  | { readonly outcome: 'cancelled' }
  | { readonly outcome: 'failed'; readonly reason: SignInErrorReason };

/** A session just ended by signing out: what is left to do at the provider. */
export interface EndedSession {
  readonly refreshToken: string | undefined;
}

/** Options of the session service. */
export interface SessionServiceOptions extends OidcClientOptions {
  readonly publicUrl: URL;
  readonly audience: string;
  /** `embedded`: resource indicator; `external`: Auth0-style `audience` parameter. */
  readonly mode: 'embedded' | 'external';
  readonly sessionLifetimeSeconds: number;
  readonly sessions: BffSessionsRepository;
  /** Seals tokens at rest and the login transaction cookie. */
  readonly tokenBox: SealedBox;
  readonly transactionBox: SealedBox;
  readonly verifier: AccessTokenVerifier;
  readonly now?: () => number;
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

function sha256(value: string): string {
  return hash('sha256', value, 'base64url');
}

/** Signing in, the session's tokens (refreshed when about to expire), and signing out. */
export class SessionService {
  readonly #options: SessionServiceOptions;
  readonly #now: () => number;
  #configuration: Promise<oidc.Configuration> | undefined;
  #accessTokenLifetime: number | undefined;
  #saidNoRevocation = false;
  // Concurrent requests of one session share one refresh (per instance; across instances
  // `claimRefresh` decides).
  readonly #refreshing = new Map<string, Promise<SessionCredentials | 'expired'>>();
  // The tokens of recently used sessions, opened: decrypting on every request of the web app
  // cost more than reading the session. Keyed by session, and used only while the row still holds
  // the very box they came from, so a refresh (by any instance) or a sign-out (the row is gone)
  // is seen at the next request, exactly as if the box were opened each time.
  readonly #opened = new LRUCache<
    string,
    { readonly sealed: string; readonly tokens: SessionTokens }
  >({ max: 2048 });

  constructor(options: SessionServiceOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  get #redirectUri(): string {
    return new URL('/bff/callback', this.#options.publicUrl).href;
  }

  /** The openid-client configuration, discovered once (retried after a failure). */
  async configuration(): Promise<oidc.Configuration> {
    this.#configuration ??= discoverOidcClient(this.#options);
    try {
      return await this.#configuration;
    } catch (error) {
      this.#configuration = undefined;
      throw error;
    }
  }

  /** The credentials of session `sessionId`, refreshed when about to expire. */
  async credentialsOf(sessionId: string): Promise<SessionCredentials | 'expired'> {
    const idHash = sha256(sessionId);
    const row = await this.#options.sessions.find(idHash, new Date(this.#now()).toISOString());
    const tokens = row === undefined ? undefined : await this.#openTokens(row);
    if (row === undefined || tokens === undefined) return 'expired';
    if (tokens.expiresAt - this.#now() > REFRESH_MARGIN_SECONDS * 1000) {
      return { accessToken: tokens.accessToken, csrfToken: row.csrf_token };
    }
    let refreshing = this.#refreshing.get(idHash);
    if (refreshing === undefined) {
      refreshing = this.#refresh(row, tokens).finally(() => this.#refreshing.delete(idHash));
      this.#refreshing.set(idHash, refreshing);
    }
    return refreshing;
  }

  /** Who is signed in with `credentials`; `session_missing` when the API refuses its token. */
  async userOf(credentials: SessionCredentials): Promise<BffUser> {
    let verified;
    try {
      verified = await this.#options.verifier.verify(credentials.accessToken);
    } catch (error) {
      if (!(error instanceof BearerTokenError)) throw error;
      throw new DomainError(ErrorCode.session_missing, 'Your session has ended. Sign in again.');
    }
    return {
      subject: verified.subject,
      displayName: verified.displayName ?? null,
      roles: [...(verified.roles ?? [])],
      permissions: [...verified.permissions],
      ...(this.#options.mode === 'external' && { accountsManagedAt: this.#options.issuer }),
    };
  }

  /**
   * Starts a sign-in: the provider's authorization URL, and the transaction to seal into the
   * login cookie until the callback.
   */
  async beginSignIn(request: {
    readonly returnTo?: string | undefined;
    readonly signup?: boolean;
  }): Promise<{ readonly authorizationUrl: URL; readonly sealedTransaction: string }> {
    const { audience, mode } = this.#options;
    const config = await this.configuration();
    const codeVerifier = oidc.randomPKCECodeVerifier();
    const transaction: LoginTransaction = {
      codeVerifier,
      state: oidc.randomState(),
      nonce: oidc.randomNonce(),
      returnTo: safeReturnTo(request.returnTo),
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
    if (request.signup === true) parameters[SCREEN_HINT_PARAM] = 'signup';
    return {
      authorizationUrl: oidc.buildAuthorizationUrl(config, parameters),
      sealedTransaction: await this.#options.transactionBox.seal(
        JSON.stringify(transaction),
        'login',
      ),
    };
  }

  /** The live sign-in sealed in a login cookie; undefined when missing, unreadable or expired. */
  async openSignIn(sealed: string | undefined): Promise<LoginTransaction | undefined> {
    const json =
      sealed === undefined ? undefined : await this.#options.transactionBox.open(sealed, 'login');
    const transaction = json === undefined ? undefined : (JSON.parse(json) as LoginTransaction);
    return transaction === undefined || transaction.expiresAt < this.#now()
      ? undefined
      : transaction;
  }

  /**
   * The callback of a live sign-in (`callbackUrl` is the URL the provider redirected to):
   * exchanges the code, checks the access token, and starts the session.
   */
  async finishSignIn(
    callbackUrl: URL,
    transaction: LoginTransaction,
    log: FastifyBaseLogger,
  ): Promise<SignInOutcome> {
    const { verifier, issuer } = this.#options;
    const config = await this.configuration();
    let response: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
    try {
      response = await oidc.authorizationCodeGrant(config, callbackUrl, {
        pkceCodeVerifier: transaction.codeVerifier,
        expectedState: transaction.state,
        expectedNonce: transaction.nonce,
        idTokenExpected: true,
      });
    } catch (error) {
      if (error instanceof oidc.AuthorizationResponseError) {
        if (error.error === 'access_denied') return { outcome: 'cancelled' };
        log.warn(
          { issuer, error: error.error, errorDescription: error.error_description },
          `The identity provider answered the sign-in with ${error.error}`,
        );
        return { outcome: 'failed', reason: 'provider_error' };
      }
      const oauthError = error instanceof oidc.ResponseBodyError ? error : undefined;
      log.warn(
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
      return { outcome: 'failed', reason: 'token_exchange_failed' };
    }
    this.#noteAccessTokenLifetime(response.expires_in);
    const tokens = this.#tokensFrom(response, undefined);
    let subject: string;
    try {
      subject = (await verifier.verify(tokens.accessToken)).subject;
    } catch (error) {
      if (!(error instanceof BearerTokenError)) throw error;
      log.warn(
        { issuer, code: error.code, reason: error.message },
        `The API refuses the access token the identity provider issued (${error.code}: ${error.message})`,
      );
      return { outcome: 'failed', reason: 'token_refused' };
    }
    const sessionId = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(32).toString('base64url');
    const idHash = sha256(sessionId);
    const now = this.#now();
    const lifetime = this.#options.sessionLifetimeSeconds;
    await this.#options.sessions.insert({
      id_hash: idHash,
      subject,
      tokens: await this.#sealTokens(tokens, idHash),
      csrf_token: csrfToken,
      access_expires_at: new Date(tokens.expiresAt).toISOString(),
      created_at: new Date(now).toISOString(),
      updated_at: new Date(now).toISOString(),
      expires_at: new Date(now + lifetime * 1000).toISOString(),
    });
    return { outcome: 'signed_in', sessionId, csrfToken, lifetimeSeconds: lifetime };
  }

  /**
   * Ends session `sessionId` once `checkCsrf` accepts its CSRF token (it throws otherwise);
   * undefined when there is no such session.
   */
  async signOut(
    sessionId: string | undefined,
    checkCsrf: (csrfToken: string) => void,
  ): Promise<EndedSession | undefined> {
    const row =
      sessionId === undefined
        ? undefined
        : await this.#options.sessions.find(sha256(sessionId), new Date(this.#now()).toISOString());
    if (row === undefined) return undefined;
    checkCsrf(row.csrf_token);
    await this.#endSession(row.id_hash);
    return { refreshToken: (await this.#openTokens(row))?.refreshToken };
  }

  /**
   * After signing out: revokes the refresh token where the provider can, and answers where the
   * browser goes next (the provider's end-session page, or the home page).
   */
  async leaveProvider(ended: EndedSession, log: FastifyBaseLogger): Promise<string> {
    const config = await this.configuration();
    if (ended.refreshToken !== undefined) {
      if (config.serverMetadata().revocation_endpoint === undefined) {
        this.#sayNoRevocationOnce();
      } else {
        try {
          await oidc.tokenRevocation(config, ended.refreshToken, {
            token_type_hint: 'refresh_token',
          });
        } catch (error) {
          log.warn({ err: error }, 'Revoking the refresh token failed');
        }
      }
    }
    const postLogout = new URL('/', this.#options.publicUrl).href;
    if (config.serverMetadata().end_session_endpoint === undefined) return postLogout;
    // No id_token_hint: the ID token (name, username, email) would travel in the browser's
    // address bar, history and every log on the way. The client id (added by openid-client)
    // lets the provider check the post-logout URI; its own cookie says whose session ends.
    return oidc.buildEndSessionUrl(config, { post_logout_redirect_uri: postLogout }).href;
  }

  #sealTokens(tokens: SessionTokens, idHash: string): Promise<string> {
    return this.#options.tokenBox.seal(JSON.stringify(tokens), idHash);
  }

  async #endSession(idHash: string): Promise<void> {
    this.#opened.delete(idHash);
    await this.#options.sessions.delete(idHash);
  }

  async #openTokens(row: BffSessionRow): Promise<SessionTokens | undefined> {
    const known = this.#opened.get(row.id_hash);
    if (known?.sealed === row.tokens) return known.tokens;
    const json = await this.#options.tokenBox.open(row.tokens, row.id_hash);
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
      tokens: await this.#sealTokens(next, row.id_hash),
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
      const currentTokens = current === undefined ? undefined : await this.#openTokens(current);
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
}
