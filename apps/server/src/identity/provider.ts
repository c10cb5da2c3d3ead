/*
 * The embedded OpenID provider (panva oidc-provider 9). Draft: the interaction routes, key and
 * secret persistence and mounting under /oidc are wired in phase 2.
 *
 * What this configuration guarantees, and the keys it relies on:
 * - no development keys, pages or storage: `jwks` and `cookies.keys` are required parameters,
 *   `adapter` is the database adapter, `features.devInteractions.enabled: false`;
 * - authorization code with PKCE only: `responseTypes: ['code']`, `pkce.required` always true
 *   (oidc-provider 9 supports only S256), plus `features.clientCredentials`;
 * - refresh tokens rotate on every use (`rotateRefreshToken: true`); presenting a rotated one
 *   revokes the whole grant (built into the refresh_token grant);
 * - RP-initiated logout (`features.rpInitiatedLogout`), revocation (`features.revocation`);
 * - every access token is an RFC 9068 JWT for the API: `features.resourceIndicators` with
 *   `defaultResource` (the API), `useGrantedResource` and `getResourceServerInfo` returning
 *   `accessTokenFormat: 'jwt'`; `extraTokenClaims` adds `permissions` (from the account's role,
 *   read at issue time, or a machine client's scopes), `roles` and `name`;
 * - short lifetimes through `ttl` (access tokens at most 15 minutes).
 */
import Provider, { errors } from 'oidc-provider';
import type {
  Account,
  AccountClaims,
  AdapterFactory,
  ClientMetadata,
  Configuration,
  JWKS,
  KoaContextWithOIDC,
} from 'oidc-provider';

import { ALL_PERMISSIONS, permissionsForRole, permissionsForScopes } from './permissions.ts';
import type { Role } from './permissions.ts';

/** What the provider needs to know about an account. */
export interface ProviderAccount {
  readonly id: string;
  readonly username: string;
  readonly email: string;
  readonly displayName: string;
  readonly role: Role;
}

export interface IdentityProviderOptions {
  /** `${PUBLIC_URL}/oidc`. */
  readonly issuer: string;
  /** The API's resource identifier, `${PUBLIC_URL}/api` unless configured. */
  readonly audience: string;
  /** Database-backed storage ({@link createOidcAdapterFactory}). */
  readonly adapter: AdapterFactory;
  /** Private signing keys (ES256 or RS256 JWKs with `kid`, `alg`, `use: 'sig'`), signer first. */
  readonly jwks: JWKS;
  /** Cookie-signing keys, newest first (persisted; rotated by prepending). */
  readonly cookieKeys: readonly string[];
  /** The current account, or `undefined` when unknown or disabled (then tokens are refused). */
  readonly findAccount: (id: string) => Promise<ProviderAccount | undefined>;
  /** Statically configured clients, e.g. the first-party BFF client. */
  readonly clients: readonly ClientMetadata[];
  /** Where the sign-in / sign-up interaction is rendered, for an interaction uid. */
  readonly interactionUrl: (uid: string) => string;
  /** Access token lifetime in seconds; at most 900. Default 600. */
  readonly accessTokenTtl?: number;
}

const MAX_ACCESS_TOKEN_TTL = 15 * 60;

/** Scopes a client may be granted for the API: exactly the permissions. */
export const API_SCOPES: readonly string[] = ALL_PERMISSIONS;

export function createIdentityProvider(options: IdentityProviderOptions): Provider {
  const accessTokenTtl = options.accessTokenTtl ?? 600;
  if (!(Number.isSafeInteger(accessTokenTtl) && accessTokenTtl > 0)) {
    throw new RangeError('accessTokenTtl must be a positive whole number of seconds');
  }
  if (accessTokenTtl > MAX_ACCESS_TOKEN_TTL) {
    throw new RangeError(`accessTokenTtl must be at most ${MAX_ACCESS_TOKEN_TTL} seconds`);
  }
  if (options.jwks.keys.length === 0) throw new Error('At least one signing key is required');
  if (options.cookieKeys.length === 0) throw new Error('At least one cookie key is required');
  const signer = options.jwks.keys[0];
  const signingAlg = signer?.alg === 'RS256' ? 'RS256' : 'ES256';

  const toOidcAccount = (account: ProviderAccount): Account => ({
    accountId: account.id,
    claims: (): AccountClaims => ({
      sub: account.id,
      name: account.displayName,
      preferred_username: account.username,
      email: account.email,
      // Addresses are not verified by this product; say so rather than imply it.
      email_verified: false,
    }),
  });

  const configuration: Configuration = {
    adapter: options.adapter,
    jwks: options.jwks,
    cookies: {
      keys: [...options.cookieKeys],
      long: { httpOnly: true, sameSite: 'lax' },
      short: { httpOnly: true, sameSite: 'lax' },
    },
    clients: [...options.clients],
    clientDefaults: {
      grant_types: ['authorization_code'],
      response_types: ['code'],
      id_token_signed_response_alg: signingAlg,
      token_endpoint_auth_method: 'client_secret_basic',
    },
    // Confidential clients only: the BFF and machine clients. No public (SPA/native) clients.
    clientAuthMethods: ['client_secret_basic', 'client_secret_post'],
    responseTypes: ['code'],
    pkce: { required: () => true },
    scopes: ['openid', 'offline_access', 'profile', 'email', ...API_SCOPES],
    claims: {
      openid: ['sub'],
      profile: ['name', 'preferred_username'],
      email: ['email', 'email_verified'],
    },
    clockTolerance: 5,
    // The API and BFF call the provider server to server; no browser origin needs CORS.
    clientBasedCORS: () => false,
    enabledJWA: {
      idTokenSigningAlgValues: ['ES256', 'RS256'],
      userinfoSigningAlgValues: ['ES256', 'RS256'],
      // No client-secret JWTs: secrets are stored hashed, so the provider cannot MAC with them.
      clientAuthSigningAlgValues: ['ES256', 'RS256', 'PS256', 'EdDSA'],
    },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      rpInitiatedLogout: { enabled: true },
      revocation: { enabled: true },
      introspection: { enabled: false },
      registration: { enabled: false },
      userinfo: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => options.audience,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, resourceIndicator) => {
          if (resourceIndicator !== options.audience) {
            throw new errors.InvalidTarget();
          }
          return {
            scope: API_SCOPES.join(' '),
            audience: options.audience,
            accessTokenTTL: accessTokenTtl,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: signingAlg } },
          };
        },
      },
    },
    rotateRefreshToken: true,
    findAccount: async (_ctx, sub) => {
      const account = await options.findAccount(sub);
      return account ? toOidcAccount(account) : undefined;
    },
    // Read at every issue, so a role change applies at the user's next access token.
    extraTokenClaims: async (_ctx, token) => {
      if (token.kind === 'ClientCredentials') {
        return { permissions: permissionsForScopes(token.scopes) };
      }
      const accountId = token.accountId;
      const account = await options.findAccount(accountId);
      if (!account) throw new errors.InvalidGrant('the account is unknown or disabled');
      return {
        permissions: [...permissionsForRole(account.role)],
        roles: [account.role],
        name: account.displayName,
      };
    },
    ttl: {
      AccessToken: accessTokenTtl,
      ClientCredentials: accessTokenTtl,
      AuthorizationCode: 60,
      IdToken: accessTokenTtl,
      Interaction: 10 * 60,
      Session: 8 * 60 * 60,
      Grant: 14 * 24 * 60 * 60,
      RefreshToken: 14 * 24 * 60 * 60,
    },
    interactions: {
      url: (_ctx: KoaContextWithOIDC, interaction) => options.interactionUrl(interaction.uid),
    },
    // Deliberately no `renderError` / `logoutSource` yet: phase 2 gives them the app's look.
  };

  return new Provider(options.issuer, configuration);
}
