/*
 * The one authentication plugin. Routes declare what they need in their config:
 *   { config: { permission: 'take:exams' } }  → a caller with that permission (401 / 403)
 *   { config: { auth: 'required' } }           → any authenticated caller (401)
 *   { config: { auth: 'optional' } }           → `request.principal` when credentials came
 * and anything else is public (`request.principal` is null). Credentials: a bearer token in
 * the Authorization header, or — without that header — the web app's BFF session cookie,
 * whose server-side access token goes through the very same verification. The answers of
 * these routes carry `Vary: Authorization, Cookie` and — when a caller is required or was
 * identified — `Cache-Control: no-store`, which a route may replace.
 */
import { timingSafeEqual } from 'node:crypto';

import { ErrorCode, type Permission } from '@assay/contracts';
import type { FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import fp from 'fastify-plugin';

import { DomainError } from '../../platform/errors.ts';
import { problemFor, sendProblem } from '../../platform/errors.ts';
import type { Principal } from '../../platform/principal.ts';
import {
  BearerTokenError,
  TokenVerifierUnavailableError,
  type AccessTokenVerifier,
} from './token-verifier.ts';

/** Authentication a route asks for (route `config`). */
export type AuthMode = 'optional' | 'required';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Requires an authenticated caller holding this permission. */
    permission?: Permission;
    /** `required`: any authenticated caller; `optional`: identify the caller if possible. */
    auth?: AuthMode;
  }
}

/** A session found from the request's cookie. */
export interface SessionCredentials {
  /** A current access token for the session (refreshed server-side when needed). */
  readonly accessToken: string;
  /** The session's CSRF token, expected in `X-XSRF-TOKEN` on unsafe requests. */
  readonly csrfToken: string;
}

/** Resolves the BFF session of a request: undefined when there is no session cookie. */
export type SessionResolver = (
  request: FastifyRequest,
  reply: FastifyReply,
) => Promise<SessionCredentials | 'expired' | undefined>;

/** Options of the authenticate plugin. */
export interface AuthenticateOptions {
  readonly verifier: AccessTokenVerifier;
  readonly resolveSession?: SessionResolver;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const REALM = 'assay';
/** The request headers that carry credentials, on which these routes' answers depend. */
const VARY_CREDENTIALS = 'Authorization, Cookie';

/** OpenAPI security schemes this plugin documents. */
export const securitySchemes = {
  bearer: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description:
      'An RFC 9068 access token from the configured issuer, in the Authorization header only.',
  },
  session: {
    type: 'apiKey',
    in: 'cookie',
    name: 'assay_session',
    description:
      'The web app\u2019s session cookie (`__Host-assay_session` over https). Unsafe methods ' +
      'also need the `X-XSRF-TOKEN` header equal to the `XSRF-TOKEN` cookie.',
  },
} as const;

function toPrincipal(verified: Awaited<ReturnType<AccessTokenVerifier['verify']>>): Principal {
  return {
    kind: verified.kind,
    subject: verified.subject,
    issuer: verified.issuer,
    clientId: verified.clientId,
    displayName: verified.displayName ?? null,
    roles: verified.roles ?? [],
    permissions: verified.permissions,
    scope: verified.scope,
  };
}

function sendBearerError(request: FastifyRequest, reply: FastifyReply, error: BearerTokenError) {
  reply.header('www-authenticate', error.wwwAuthenticate(REALM));
  return sendProblem(reply, problemFor(request, error.code, error.message));
}

function tokensEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** Throws 403 `csrf_token_invalid` unless `X-XSRF-TOKEN` matches the session's token. */
export function assertCsrf(request: FastifyRequest, csrfToken: string): void {
  const header = request.headers['x-xsrf-token'];
  if (typeof header !== 'string' || !tokensEqual(header, csrfToken)) {
    throw new DomainError(
      ErrorCode.csrf_token_invalid,
      'This request needs the X-XSRF-TOKEN header with the value of the XSRF-TOKEN cookie.',
    );
  }
}

/**
 * Decorates `request.principal` and enforces each route's `permission` / `auth` config. Also
 * documents both security schemes in the OpenAPI document, and each protected route's
 * requirement (`security` and `x-permission`).
 */
export const authenticatePlugin = fp<AuthenticateOptions>(
  (app, options, done) => {
    const { verifier, resolveSession } = options;
    app.decorateRequest('principal', null);

    const authenticateRequest = async (
      request: FastifyRequest,
      reply: FastifyReply,
    ): Promise<FastifyReply | undefined> => {
      const config = request.routeOptions.config;
      const permission = config.permission;
      const mode: AuthMode = permission !== undefined ? 'required' : (config.auth ?? 'required');
      const header = request.headers.authorization;
      // What a route that asks who calls answers depends on the caller (results, answer keys,
      // refusals): no cache may keep it unless the route says otherwise.
      reply.header('vary', VARY_CREDENTIALS);
      if (mode === 'required') reply.header('cache-control', 'no-store');

      let accessToken: string | undefined;
      if (header === undefined) {
        const session = resolveSession ? await resolveSession(request, reply) : undefined;
        if (session === 'expired') {
          if (mode === 'optional') return undefined;
          reply.header('www-authenticate', `Bearer realm="${REALM}"`);
          return sendProblem(
            reply,
            problemFor(
              request,
              ErrorCode.session_missing,
              'Your session has ended. Sign in again.',
            ),
          );
        }
        if (session !== undefined) {
          if (!SAFE_METHODS.has(request.method)) assertCsrf(request, session.csrfToken);
          accessToken = session.accessToken;
        } else if (mode === 'optional') {
          return undefined;
        }
      }

      try {
        const verified =
          accessToken !== undefined
            ? await verifier.verify(accessToken)
            : await verifier.verifyAuthorizationHeader(header);
        request.principal = toPrincipal(verified);
        if (mode === 'optional') reply.header('cache-control', 'no-store');
      } catch (error) {
        if (error instanceof BearerTokenError) return sendBearerError(request, reply, error);
        if (error instanceof TokenVerifierUnavailableError) {
          request.log.error({ err: error }, 'The token issuer’s keys are unavailable');
          return sendProblem(
            reply,
            problemFor(
              request,
              ErrorCode.service_unavailable,
              'Signing in is unavailable. Try again shortly.',
            ),
          );
        }
        throw error;
      }

      if (permission !== undefined && !request.principal.permissions.includes(permission)) {
        return sendProblem(
          reply,
          problemFor(
            request,
            ErrorCode.insufficient_permission,
            `This requires the '${permission}' permission.`,
            {
              extensions: { permission },
            },
          ),
        );
      }
      return undefined;
    };

    app.addHook('onRoute', (route: RouteOptions) => {
      const config = (route.config ?? {}) as { permission?: Permission; auth?: AuthMode };
      if (config.permission === undefined && config.auth === undefined) return;
      const existing = route.onRequest;
      const hooks = existing === undefined ? [] : Array.isArray(existing) ? existing : [existing];
      route.onRequest = [authenticateRequest, ...hooks] as RouteOptions['onRequest'];

      const schema = (route.schema ?? {}) as Record<string, unknown>;
      const optional = config.permission === undefined && config.auth === 'optional';
      schema['security'] = [{ bearer: [] }, { session: [] }, ...(optional ? [{}] : [])];
      if (config.permission !== undefined) {
        schema['x-permission'] = config.permission;
        const note = `Requires the \`${config.permission}\` permission.`;
        schema['description'] =
          typeof schema['description'] === 'string' ? `${schema['description']}\n\n${note}` : note;
      }
      route.schema = schema;
    });
    done();
  },
  { name: 'authenticate', fastify: '5.x', dependencies: ['errors'] },
);
