/*
 * The embedded OpenID provider (panva oidc-provider 9). What this configuration guarantees:
 * - no development keys, pages or storage: `jwks` comes from `signing_keys`, cookie keys from
 *   `secrets`, `adapter` is the database, `features.devInteractions.enabled: false`;
 * - authorization code with PKCE (S256) only, plus client credentials for machine clients;
 * - refresh tokens rotate on every use; presenting a rotated one revokes the grant (built in);
 * - RP-initiated logout and revocation; no registration, introspection or DPoP;
 * - every access token is an RFC 9068 JWT for the API (`resourceIndicators` with the API as
 *   default resource), with `permissions` and `scope` read at issue time (role, or a
 *   client's scopes);
 * - pages the provider renders itself (errors, logout confirmation) carry no inline script.
 */
import Provider, { errors, interactionPolicy } from 'oidc-provider';
import type {
  Account,
  AccountClaims,
  Adapter,
  AdapterPayload,
  ClientMetadata,
  Configuration,
  JWKS,
  KoaContextWithOIDC,
} from 'oidc-provider';

import type { ClientRow } from '../clients/clients.repository.ts';
import { clientSecretMatches } from '../clients/clients.service.ts';
import { createOidcAdapterFactory, type OidcPayloadDatabase } from './oidc-adapter.ts';
import type { Kysely } from 'kysely';
import { ALL_PERMISSIONS, permissionsForRole, permissionsForScopes } from '../auth/permissions.ts';
import type { Role } from '../auth/permissions.ts';

/** What the provider needs to know about an account. */
export interface ProviderAccount {
  readonly id: string;
  readonly username: string;
  readonly email: string;
  readonly displayName: string;
  readonly role: Role;
}

/** The first-party web client (the BFF). */
export interface FirstPartyClient {
  readonly clientId: string;
  readonly clientSecretHash: string;
  readonly redirectUri: string;
  readonly postLogoutRedirectUri: string;
}

export interface IdentityProviderOptions {
  /** `${PUBLIC_URL}/oidc`. */
  readonly issuer: string;
  /** The API's resource identifier, `${PUBLIC_URL}/api` unless configured. */
  readonly audience: string;
  /** Where provider state lives. */
  readonly db: Kysely<OidcPayloadDatabase>;
  /** Private signing keys (JWKs with `kid`, `alg`, `use: 'sig'`), signer first. */
  readonly jwks: JWKS;
  /** Cookie-signing keys, newest first. */
  readonly cookieKeys: readonly string[];
  /** The current account, or `undefined` when unknown or disabled (then tokens are refused). */
  readonly findAccount: (id: string) => Promise<ProviderAccount | undefined>;
  /** A machine client, or `undefined` when unknown or disabled. */
  readonly findMachineClient: (clientId: string) => Promise<ClientRow | undefined>;
  /** The web app's BFF client: no consent screen, refresh tokens. */
  readonly firstParty: FirstPartyClient;
  /** Where the sign-in / sign-up interaction is rendered, for an interaction uid. */
  readonly interactionUrl: (uid: string) => string;
  /** The script served by the BFF that submits the logout confirmation form. */
  readonly logoutScriptUrl: string;
  /** Access and ID token lifetime in seconds; at most 900. Default 600. */
  readonly accessTokenTtl?: number;
  /** Web sign-in lifetime (provider session, grant, refresh token), seconds. */
  readonly sessionTtl: number;
}

const MAX_ACCESS_TOKEN_TTL = 15 * 60;

/** Scopes a client may be granted for the API: exactly the permissions. */
export const API_SCOPES: readonly string[] = ALL_PERMISSIONS;
/** OpenID scopes the web client asks for. */
const OIDC_SCOPES = ['openid', 'profile', 'email'];

/** The authorization parameter asking for the sign-up form (Auth0's name for it). */
export const SCREEN_HINT_PARAM = 'screen_hint';

function htmlEscape(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

function plainPage(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${htmlEscape(title)} · Assay</title></head>
<body>
<main>
<h1>${htmlEscape(title)}</h1>
${body}
</main>
</body>
</html>`;
}

/** Serves machine clients from the `clients` table to the provider's Client model. */
class MachineClientAdapter implements Adapter {
  readonly #find: (clientId: string) => Promise<ClientRow | undefined>;

  constructor(find: (clientId: string) => Promise<ClientRow | undefined>) {
    this.#find = find;
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    const row = await this.#find(id);
    if (row === undefined || row.disabled === 1) return undefined;
    return {
      client_id: row.client_id,
      // The stored SHA-256; compareClientSecret below hashes what the client presents.
      client_secret: row.secret_hash,
      client_name: row.name,
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      scope: row.scopes,
      token_endpoint_auth_method: 'client_secret_basic',
    };
  }

  upsert(): Promise<void> {
    return Promise.reject(new Error('Machine clients are created with the CLI'));
  }
  findByUid(): Promise<undefined> {
    return Promise.resolve(undefined);
  }
  findByUserCode(): Promise<undefined> {
    return Promise.resolve(undefined);
  }
  consume(): Promise<void> {
    return Promise.resolve();
  }
  destroy(): Promise<void> {
    return Promise.resolve();
  }
  revokeByGrantId(): Promise<void> {
    return Promise.resolve();
  }
}

/**
 * The default prompts, plus: a provider session whose account has since been disabled (or
 * deleted) asks for a new sign-in instead of failing.
 */
function signInPolicy() {
  const policy = interactionPolicy.base();
  const login = policy.get('login');
  if (login === undefined) throw new Error('oidc-provider has no login prompt');
  login.checks.push(
    new interactionPolicy.Check(
      'account_unavailable',
      'the signed-in account is disabled or no longer exists',
      (ctx) =>
        ctx.oidc.session?.accountId !== undefined && ctx.oidc.account === undefined
          ? interactionPolicy.Check.REQUEST_PROMPT
          : interactionPolicy.Check.NO_NEED_TO_PROMPT,
    ),
  );
  return policy;
}

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
  const signerKid = signer?.kid;
  const firstPartyId = options.firstParty.clientId;

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

  const payloadAdapters = createOidcAdapterFactory(options.db);
  const machineClients = new MachineClientAdapter(options.findMachineClient);

  const firstPartyClient: ClientMetadata = {
    client_id: firstPartyId,
    client_secret: options.firstParty.clientSecretHash,
    client_name: 'Assay',
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    redirect_uris: [options.firstParty.redirectUri],
    post_logout_redirect_uris: [options.firstParty.postLogoutRedirectUri],
    token_endpoint_auth_method: 'client_secret_basic',
    scope: OIDC_SCOPES.join(' '),
  };

  const configuration: Configuration = {
    adapter: (model: string) => (model === 'Client' ? machineClients : payloadAdapters(model)),
    jwks: options.jwks,
    cookies: {
      keys: [...options.cookieKeys],
      long: { httpOnly: true, sameSite: 'lax' },
      short: { httpOnly: true, sameSite: 'lax' },
    },
    clients: [firstPartyClient],
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
    scopes: [...OIDC_SCOPES, 'offline_access', ...API_SCOPES],
    claims: {
      openid: ['sub'],
      profile: ['name', 'preferred_username'],
      email: ['email', 'email_verified'],
    },
    extraParams: [SCREEN_HINT_PARAM],
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
      rpInitiatedLogout: {
        enabled: true,
        // The confirmation form is submitted by a same-origin script (our CSP has no inline
        // script); without JavaScript the button does it.
        logoutSource: (ctx: KoaContextWithOIDC, form: string) => {
          ctx.type = 'html';
          ctx.body = plainPage(
            'Signing out…',
            `${form}
<p><button type="submit" form="op.logoutForm" name="logout" value="yes">Sign out</button></p>
<script src="${htmlEscape(options.logoutScriptUrl)}"></script>`,
          );
        },
        postLogoutSuccessSource: (ctx: KoaContextWithOIDC) => {
          ctx.type = 'html';
          ctx.body = plainPage('Signed out', '<p><a href="/">Back to Assay</a></p>');
        },
      },
      // A client may revoke only the tokens issued to it.
      revocation: {
        enabled: true,
        allowedPolicy: (_ctx, client, token) => token.clientId === client.clientId,
      },
      // The API checks no DPoP proofs, so it must not be offered: a "sender-constrained" token
      // would be accepted there as a plain bearer token (the verifier refuses `cnf` anyway).
      dPoP: { enabled: false },
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
            jwt: {
              sign: { alg: signingAlg, ...(signerKid === undefined ? {} : { kid: signerKid }) },
            },
          };
        },
      },
    },
    formats: {
      customizers: {
        // A client-credentials request without `scope` gets every scope the client was
        // granted (as `curl -d grant_type=client_credentials` in the tutorials expects).
        jwt: (_ctx, token, jwt) => {
          if (token.kind !== 'ClientCredentials') {
            // A person's token is good for what their role grants at issue time: RFC 9068's
            // `scope` says so, like `permissions` (the web client asks for no API scopes,
            // so the provider would otherwise leave `scope` out).
            const permissions = jwt.payload['permissions'];
            if ((token.scope ?? '') === '' && Array.isArray(permissions)) {
              jwt.payload['scope'] = permissions.join(' ') || undefined;
            }
            return;
          }
          if ((token.scope ?? '') !== '') return;
          const allowed = (token.client?.scope ?? '')
            .split(' ')
            .filter((scope) => API_SCOPES.includes(scope));
          token.scope = allowed.join(' ') || undefined;
          jwt.payload['scope'] = token.scope;
          jwt.payload['permissions'] = permissionsForScopes(allowed);
        },
      },
    },
    rotateRefreshToken: true,
    // The web client's sign-in lasts the session lifetime without asking for offline_access
    // (which would require a consent prompt).
    issueRefreshToken: (_ctx, client) =>
      client.clientId === firstPartyId && client.grantTypeAllowed('refresh_token'),
    // First party: no consent screen. The grant covers what the web client asked for.
    loadExistingGrant: async (ctx) => {
      const oidc = ctx.oidc;
      const grantId =
        (oidc.result?.['consent'] as { grantId?: string } | undefined)?.grantId ??
        oidc.session?.grantIdFor(oidc.client?.clientId ?? '');
      if (grantId !== undefined) {
        const existing = await oidc.provider.Grant.find(grantId);
        if (existing !== undefined) return existing;
      }
      if (oidc.client?.clientId !== firstPartyId || oidc.session?.accountId === undefined) {
        return undefined;
      }
      const grant = new oidc.provider.Grant({
        clientId: firstPartyId,
        accountId: oidc.session.accountId,
      });
      const scopeParam = oidc.params?.['scope'];
      const requested = (typeof scopeParam === 'string' ? scopeParam : '').split(' ');
      grant.addOIDCScope(requested.filter((scope) => OIDC_SCOPES.includes(scope)));
      grant.addResourceScope(
        options.audience,
        requested.filter((scope) => API_SCOPES.includes(scope)),
      );
      await grant.save();
      return grant;
    },
    findAccount: async (_ctx, sub) => {
      const account = await options.findAccount(sub);
      return account ? toOidcAccount(account) : undefined;
    },
    // Read at every issue, so a role change applies at the user's next access token.
    extraTokenClaims: async (_ctx, token) => {
      if (token.kind === 'ClientCredentials') {
        return { permissions: permissionsForScopes((token.scope ?? '').split(' ')) };
      }
      const account = await options.findAccount(token.accountId);
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
      Interaction: 30 * 60,
      Session: options.sessionTtl,
      Grant: options.sessionTtl,
      RefreshToken: options.sessionTtl,
    },
    interactions: {
      policy: signInPolicy(),
      url: (_ctx: KoaContextWithOIDC, interaction) => options.interactionUrl(interaction.uid),
    },
    renderError: (ctx, out) => {
      ctx.type = 'html';
      const description = out.error_description ?? out.error;
      ctx.body = plainPage(
        'Signing in did not work',
        `<p>${htmlEscape(description)}</p>
<p><a href="/">Back to Assay</a></p>`,
      );
    },
  };

  const provider = new Provider(options.issuer, configuration);
  // The proxy headers the provider sees are set by the mount from PUBLIC_URL, never by clients.
  provider.proxy = true;
  // Client secrets are stored as SHA-256; compare the presented one in constant time.
  provider.Client.prototype.compareClientSecret = function compareClientSecret(
    this: { clientSecret?: string },
    actual: string,
  ): boolean {
    return this.clientSecret !== undefined && clientSecretMatches(actual, this.clientSecret);
  };
  return provider;
}
