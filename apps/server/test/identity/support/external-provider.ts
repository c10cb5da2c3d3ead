/*
 * A second, real oidc-provider for the external-issuer tests, started on loopback with its own
 * keys, clients and account, and an auto-login interaction handler. Nothing about token
 * verification is mocked.
 */
import { createServer, type Server } from 'node:http';

import { exportJWK, generateKeyPair } from 'jose';
import Provider, {
  errors,
  type ClientAuthMethod,
  type ClientMetadata,
  type Configuration,
} from 'oidc-provider';

export const API_AUDIENCE = 'https://assay.example/api';
export const ALL = ['take:exams', 'manage:exams', 'manage:users'];

/** How a test's external provider differs from the default one. */
export interface ExternalProviderOptions {
  /** The token-endpoint authentication methods it offers, in its order of preference. */
  readonly clientAuthMethods?: ClientAuthMethod[];
  /** Overrides of the web app's client registration (`assay-bff`). */
  readonly bffClient?: Partial<ClientMetadata>;
  /** Whether it has a revocation endpoint (default true). */
  readonly revocation?: boolean;
  /** Access-token lifetime, seconds (default 300). */
  readonly accessTokenTtl?: number;
}

/** Starts the provider on 127.0.0.1:`port`, its web client allowed back to `redirectBases`. */
export async function startExternalProvider(
  port: number,
  redirectBases: readonly string[],
  options: ExternalProviderOptions = {},
) {
  const issuer = `http://127.0.0.1:${port}`;
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), kid: 'external-1', alg: 'ES256', use: 'sig' };
  const account = { id: 'ext-ada', name: 'Ada (external)' };
  const configuration: Configuration = {
    jwks: { keys: [jwk] },
    cookies: { keys: ['an external provider cookie key'] },
    clientDefaults: { id_token_signed_response_alg: 'ES256' },
    renderError: (ctx, out) => {
      ctx.body = out;
    },
    clients: [
      {
        client_id: 'assay-bff',
        client_secret: 'external-bff-secret',
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        redirect_uris: redirectBases.map((base) => `${base}/bff/callback`),
        post_logout_redirect_uris: redirectBases.map((base) => `${base}/`),
        ...options.bffClient,
      },
      {
        client_id: 'external-bot',
        client_secret: 'external-bot-secret',
        grant_types: ['client_credentials'],
        response_types: [],
        redirect_uris: [],
        scope: 'take:exams manage:exams',
      },
    ],
    scopes: ['openid', 'profile', 'email', 'offline_access', ...ALL],
    ...(options.clientAuthMethods === undefined
      ? {}
      : { clientAuthMethods: options.clientAuthMethods }),
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      rpInitiatedLogout: { enabled: true },
      revocation: { enabled: options.revocation ?? true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => API_AUDIENCE,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, resource) => {
          if (resource !== API_AUDIENCE) throw new errors.InvalidTarget();
          return {
            scope: ALL.join(' '),
            audience: API_AUDIENCE,
            accessTokenFormat: 'jwt',
            accessTokenTTL: options.accessTokenTtl ?? 300,
            jwt: { sign: { alg: 'ES256' } },
          };
        },
      },
    },
    issueRefreshToken: () => true,
    findAccount: (_ctx, sub) =>
      sub === account.id
        ? { accountId: sub, claims: () => ({ sub, name: account.name }) }
        : undefined,
    loadExistingGrant: async (ctx) => {
      const grant = new ctx.oidc.provider.Grant({
        clientId: ctx.oidc.client?.clientId ?? '',
        accountId: ctx.oidc.session?.accountId ?? '',
      });
      grant.addOIDCScope('openid profile email');
      grant.addResourceScope(API_AUDIENCE, '');
      await grant.save();
      return grant;
    },
    // Auth0 style (`permissions`) and Keycloak style (`realm_access.roles`) at once.
    extraTokenClaims: (_ctx, token) =>
      token.kind === 'ClientCredentials'
        ? { permissions: (token.scope ?? '').split(' ').filter(Boolean) }
        : {
            name: account.name,
            permissions: ['take:exams', 'manage:exams'],
            realm_access: { roles: ['assay-admin', 'offline_access'] },
          },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  };
  const provider = new Provider(issuer, configuration);
  const callback = provider.callback();
  /** The authorization requests' `scope` parameters, in order. */
  const requestedScopes: string[] = [];
  /** How each token request authenticated the client: HTTP Basic, or in the body. */
  const tokenRequestAuth: ('basic' | 'body')[] = [];
  const server: Server = createServer((request, response) => {
    if (request.method === 'POST' && request.url === '/token') {
      tokenRequestAuth.push(request.headers.authorization?.startsWith('Basic ') ? 'basic' : 'body');
    }
    if (request.url?.startsWith('/auth?')) {
      requestedScopes.push(new URL(request.url, issuer).searchParams.get('scope') ?? '');
    }
    if (request.url?.startsWith('/interaction/')) {
      // The test's own sign-in page: signs Ada in at once.
      provider
        .interactionFinished(request, response, { login: { accountId: account.id } })
        .catch(() => response.writeHead(500).end());
      return;
    }
    void callback(request, response);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    issuer,
    account,
    requestedScopes,
    tokenRequestAuth,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      }),
  };
}
