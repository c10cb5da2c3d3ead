/*
 * Identity, wired: the embedded OpenID provider at /oidc (or an external issuer), the
 * `authenticate` plugin every feature relies on, the sign-in interaction endpoints, the BFF
 * for the web app, `GET /api/me` and the admin's users API (the embedded provider's accounts;
 * with an external one it answers `accounts_external`). Housekeeping purges expired rows on a
 * timer.
 */
import { randomBytes } from 'node:crypto';

import cookie from '@fastify/cookie';
import fp from 'fastify-plugin';
import type { JWTVerifyGetKey } from 'jose';

import type { Config, ExternalClientConfig } from '../config.ts';
import { openSecretsKeyring } from '../platform/secrets-key.ts';
import { AccountsRepository } from './accounts/accounts.repository.ts';
import { AccountsService } from './accounts/accounts.service.ts';
import { authenticatePlugin } from './auth/authenticate.ts';
import { inProcessFetch } from './session/oidc-client.ts';
import { SessionCookies } from './session/session-cookies.ts';
import { sessionResolver, sessionRoutes } from './session/session.routes.ts';
import { SessionService } from './session/session.service.ts';
import { BffSessionsRepository } from './session/bff-sessions.repository.ts';
import { ClientsRepository } from './clients/clients.repository.ts';
import { ClientsService, hashClientSecret } from './clients/clients.service.ts';
import {
  EmbeddedProvider,
  mountEmbeddedProvider,
  OIDC_MOUNT_PATH,
} from './provider/embedded-provider.ts';
import { interactionRoutes } from './provider/interaction.routes.ts';
import { meRoutes } from './auth/me.routes.ts';
import { purgeExpiredOidcPayloads } from './provider/oidc-adapter.ts';
import { createIdentityProvider } from './provider/provider.ts';
import { RateLimiter } from './accounts/rate-limiter.ts';
import { RateLimitsRepository } from './accounts/rate-limits.repository.ts';
import { SealedBox } from './session/sealed-box.ts';
import { SecretsRepository } from './provider/secrets.repository.ts';
import { DEFAULT_KEY_RELOAD_INTERVAL_MS, SigningKeyRing } from './provider/signing-keys.ts';
import { SigningKeysRepository } from './provider/signing-keys.repository.ts';
import { AccessTokenVerifier, remoteKeySet, type SigningAlgorithm } from './auth/token-verifier.ts';
import { usersRoutes } from './accounts/users.routes.ts';

/** The client id of the web app's BFF at the embedded provider. */
export const FIRST_PARTY_CLIENT_ID = 'assay-web';
/** Access-token lifetime of the embedded provider, seconds. */
export const ACCESS_TOKEN_TTL_SECONDS = 600;
const HOUSEKEEPING_INTERVAL_MS = 10 * 60 * 1000;

/** Knobs tests turn; production uses the defaults. */
export interface IdentityTuning {
  /** How often each instance re-reads the signing keys (default 10 s). */
  readonly keyReloadIntervalMs?: number;
  /** The web sessions' clock, ms since the epoch (tests move it into the refresh window). */
  readonly now?: () => number;
}

/** Options of the identity plugin. */
export interface IdentityPluginOptions {
  readonly config: Config;
  readonly tuning?: IdentityTuning;
}

/** What the identity feature exposes to the rest of the server (the CLI, tests). */
export interface Identity {
  readonly mode: 'embedded' | 'external';
  readonly issuer: string;
  readonly audience: string;
  readonly verifier: AccessTokenVerifier;
  readonly accounts: AccountsService;
  readonly clients: ClientsService;
  /** The web app's server-side sessions. */
  readonly sessions: SessionService;
  /** The embedded provider's keys (embedded mode only). */
  readonly keys: SigningKeyRing | undefined;
  readonly embedded: EmbeddedProvider | undefined;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The identity feature's services. */
    identity: Identity;
  }
}

const randomSecret = () => randomBytes(32).toString('base64url');

/**
 * The issuer's JWKS, found through its discovery document on first use ({@link remoteKeySet}:
 * cached, refetched on an unknown `kid` at most once per 30 s cooldown).
 */
function discoveredKeySet(issuer: string): JWTVerifyGetKey {
  let keySet: Promise<JWTVerifyGetKey> | undefined;
  const discover = async (): Promise<JWTVerifyGetKey> => {
    const url = `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
    const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
    if (!response.ok) throw new Error(`Discovery at ${url} answered ${response.status}`);
    const metadata = (await response.json()) as { issuer?: unknown; jwks_uri?: unknown };
    if (metadata.issuer !== issuer || typeof metadata.jwks_uri !== 'string') {
      throw new Error(`Discovery at ${url} does not describe issuer ${issuer}`);
    }
    return remoteKeySet(new URL(metadata.jwks_uri));
  };
  return async (header, token) => {
    keySet ??= discover().catch((error: unknown) => {
      keySet = undefined;
      throw error;
    });
    return (await keySet)(header, token);
  };
}

export const identityPlugin = fp<IdentityPluginOptions>(
  async (app, options) => {
    const { config } = options;
    const identityConfig = config.identity;
    const publicUrl = new URL(config.publicUrl);
    const db = app.db;
    await app.register(cookie);

    const keyring = await openSecretsKeyring(config);
    const secrets = new SecretsRepository(db, keyring);
    const sessions = new BffSessionsRepository(db);
    const rateLimits = new RateLimitsRepository(db);
    const signingKeys = new SigningKeysRepository(db, keyring);
    const accounts = new AccountsService({
      accounts: new AccountsRepository(db),
      sessions,
      limits: new RateLimiter(rateLimits),
    });
    const clientsRepository = new ClientsRepository(db);
    const clients = new ClientsService(clientsRepository);
    const tokenKey = await secrets.getOrCreate('bff_token_key', randomSecret);

    const algorithms: SigningAlgorithm[] = ['ES256', 'RS256', 'PS256', 'EdDSA'];
    let keys: SigningKeyRing | undefined;
    let embedded: EmbeddedProvider | undefined;
    let verifier: AccessTokenVerifier;
    let bffClient: ExternalClientConfig;

    if (identityConfig.mode === 'embedded') {
      keys = new SigningKeyRing(signingKeys);
      const cookieKeys = JSON.parse(
        await secrets.getOrCreate('cookie_keys', () => JSON.stringify([randomSecret()])),
      ) as string[];
      const bffSecret = await secrets.getOrCreate('bff_client_secret', randomSecret);
      // Registered so with the embedded provider (which decodes form-encoded ids correctly).
      bffClient = {
        id: FIRST_PARTY_CLIENT_ID,
        secret: bffSecret,
        privateKey: undefined,
        tokenEndpointAuthMethod: 'client_secret_basic',
      };
      const firstParty = {
        clientId: bffClient.id,
        clientSecretHash: hashClientSecret(bffSecret),
        redirectUri: new URL('/bff/callback', publicUrl).href,
        postLogoutRedirectUri: new URL('/', publicUrl).href,
      };
      embedded = new EmbeddedProvider({
        ring: keys,
        onError: (error) => {
          app.log.error({ err: error }, 'Reloading the signing keys failed');
        },
        build: (snapshot) => {
          const provider = createIdentityProvider({
            issuer: identityConfig.issuer,
            audience: identityConfig.audience,
            db,
            jwks: { keys: snapshot.privateJwks.map((jwk) => ({ ...jwk })) },
            cookieKeys,
            findAccount: (id) => accounts.findActive(id),
            findMachineClient: (id) => clientsRepository.find(id),
            firstParty,
            interactionUrl: (uid) => `/interaction/${uid}`,
            logoutScriptUrl: '/bff/assets/logout.js',
            accessTokenTtl: ACCESS_TOKEN_TTL_SECONDS,
            sessionTtl: identityConfig.sessionLifetimeSeconds,
          });
          provider.on('server_error', (_ctx, error) => {
            app.log.error({ err: error }, 'The OpenID provider failed');
          });
          return provider;
        },
      });
      await embedded.start(options.tuning?.keyReloadIntervalMs ?? DEFAULT_KEY_RELOAD_INTERVAL_MS);
      verifier = new AccessTokenVerifier({
        issuer: identityConfig.issuer,
        audience: identityConfig.audience,
        getKey: keys.getKey,
        algorithms,
        accessTokenTypes: identityConfig.accessTokenTypes,
      });
    } else {
      if (identityConfig.client === undefined) throw new Error('OIDC_CLIENT_ID is not set');
      bffClient = identityConfig.client;
      verifier = new AccessTokenVerifier({
        issuer: identityConfig.issuer,
        audience: identityConfig.audience,
        getKey: discoveredKeySet(identityConfig.issuer),
        algorithms,
        permissionsClaim: identityConfig.permissionsClaim,
        accessTokenTypes: identityConfig.accessTokenTypes,
        ...(identityConfig.rolePermissions === undefined
          ? {}
          : { rolePermissions: identityConfig.rolePermissions }),
      });
    }

    const webSessions = new SessionService({
      publicUrl,
      issuer: identityConfig.issuer,
      audience: identityConfig.audience,
      mode: identityConfig.mode,
      clientId: bffClient.id,
      clientSecret: bffClient.secret,
      clientPrivateKey: bffClient.privateKey,
      tokenEndpointAuthMethod: bffClient.tokenEndpointAuthMethod,
      log: app.log,
      sessionLifetimeSeconds: identityConfig.sessionLifetimeSeconds,
      sessions,
      tokenBox: new SealedBox(tokenKey, 'assay bff tokens'),
      transactionBox: new SealedBox(tokenKey, 'assay bff login transaction'),
      verifier,
      fetch: embedded === undefined ? fetch : inProcessFetch(app, publicUrl, OIDC_MOUNT_PATH),
      ...(options.tuning?.now === undefined ? {} : { now: options.tuning.now }),
    });

    app.decorate('identity', {
      mode: identityConfig.mode,
      issuer: identityConfig.issuer,
      audience: identityConfig.audience,
      verifier,
      accounts,
      clients,
      sessions: webSessions,
      keys,
      embedded,
    } satisfies Identity);

    const cookies = new SessionCookies(publicUrl);
    await app.register(authenticatePlugin, {
      verifier,
      resolveSession: sessionResolver(webSessions, cookies),
    });

    if (embedded !== undefined) {
      const provider = embedded;
      await app.register((child, _options, done) => {
        mountEmbeddedProvider(child, provider, publicUrl);
        done();
      });
      await app.register(interactionRoutes, { embedded: provider, accounts, publicUrl });
    }
    await app.register(usersRoutes, {
      accounts,
      externalIssuer: embedded === undefined ? identityConfig.issuer : undefined,
    });
    await app.register(sessionRoutes, { sessions: webSessions, cookies, publicUrl });
    await app.register(meRoutes);

    const housekeeping = setInterval(() => {
      const now = new Date();
      Promise.all([
        purgeExpiredOidcPayloads(db, now),
        rateLimits.deleteExpired(now),
        sessions.deleteExpired(now.toISOString()),
        signingKeys.deleteExpired(now.toISOString()),
      ]).catch((error: unknown) => {
        app.log.warn({ err: error }, 'Identity housekeeping failed');
      });
    }, HOUSEKEEPING_INTERVAL_MS);
    housekeeping.unref();
    app.addHook('onClose', (_instance, done) => {
      clearInterval(housekeeping);
      embedded?.stop();
      done();
    });
  },
  { name: 'identity', fastify: '5.x', dependencies: ['db', 'errors', 'openapi'] },
);
