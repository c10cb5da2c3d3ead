/*
 * The web app's confidential OpenID client (openid-client): discovering the issuer, choosing how
 * to authenticate at its token endpoint, and reaching the embedded issuer in process.
 */
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { importJWK, type JWK } from 'jose';
import * as oidc from 'openid-client';

import type { TokenEndpointAuthMethod } from '../../config.ts';

const TOKEN_ENDPOINT_TIMEOUT_SECONDS = 10;

/** Who the web app is at the issuer, and how it gets there. */
export interface OidcClientOptions {
  readonly issuer: string;
  readonly clientId: string;
  /** For `client_secret_basic` / `client_secret_post`. */
  readonly clientSecret: string | undefined;
  /** The private JWK signing `private_key_jwt` client assertions. */
  readonly clientPrivateKey?: JWK | undefined;
  /** Forced token-endpoint authentication; by default chosen from discovery. */
  readonly tokenEndpointAuthMethod?: TokenEndpointAuthMethod | undefined;
  /** How openid-client reaches the issuer (in process for the embedded one). */
  readonly fetch: oidc.CustomFetch;
  /** Where the client says which authentication it chose. */
  readonly log?: Pick<FastifyBaseLogger, 'info' | 'warn'>;
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

/** Discovers the issuer and makes the openid-client configuration of the web app's client. */
export async function discoverOidcClient(options: OidcClientOptions): Promise<oidc.Configuration> {
  const { issuer, clientId, clientSecret, clientPrivateKey } = options;
  const insecure = new URL(issuer).protocol === 'http:';
  const discoveryOptions = {
    [oidc.customFetch]: options.fetch,
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
    discoveryOptions,
  );
  const server = discovered.serverMetadata();
  const method =
    options.tokenEndpointAuthMethod ??
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
  config[oidc.customFetch] = options.fetch;
  config.timeout = TOKEN_ENDPOINT_TIMEOUT_SECONDS;
  // eslint-disable-next-line @typescript-eslint/no-deprecated -- as above
  if (insecure) oidc.allowInsecureRequests(config);
  options.log?.info(
    { tokenEndpointAuthMethod: method },
    `The web app authenticates at ${issuer} with ${method}`,
  );
  return config;
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
