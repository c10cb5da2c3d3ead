import { readFileSync } from 'node:fs';

import { BffUser, ErrorCode, RedirectTo, type SignInErrorReason } from '@assay/contracts';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import { Type } from 'typebox';

import { DomainError } from '../../platform/errors.ts';
import { problems } from '../../platform/openapi.ts';
import { assertCsrf, type SessionResolver } from '../auth/authenticate.ts';
import type { SessionCookies } from './session-cookies.ts';
import { LOGIN_TRANSACTION_SECONDS, safeReturnTo, type SessionService } from './session.service.ts';

/** Submits the provider's logout confirmation form (our CSP allows no inline script). */
const logoutScript = readFileSync(new URL('./assets/logout.js', import.meta.url), 'utf8');

/** The query of `GET /bff/login`. */
const LoginQuery = Type.Object({
  returnTo: Type.Optional(Type.String()),
  signup: Type.Optional(Type.String()),
});

/** Options of the session routes. */
export interface SessionRoutesOptions {
  readonly sessions: SessionService;
  readonly cookies: SessionCookies;
  readonly publicUrl: URL;
}

/** For `authenticate`: the credentials of the request's session cookie, refreshed if needed. */
export function sessionResolver(
  sessions: SessionService,
  cookies: SessionCookies,
): SessionResolver {
  return async (request, reply) => {
    const sessionId = cookies.sessionIdOf(request);
    if (sessionId === undefined) return undefined;
    const credentials = await sessions.credentialsOf(sessionId);
    if (credentials === 'expired') cookies.clearSession(reply);
    return credentials;
  };
}

/**
 * Sends the browser to the web app's page that explains a failed sign-in in plain words and
 * offers to try again; the details are in the log under `requestId`.
 */
function signInFailed(
  reply: FastifyReply,
  publicUrl: URL,
  requestId: string,
  reason: SignInErrorReason,
  returnTo: string,
): FastifyReply {
  const page = new URL('/sign-in-error', publicUrl);
  page.search = new URLSearchParams({ reason, requestId, returnTo }).toString();
  return reply.header('cache-control', 'no-store').redirect(`${page.pathname}${page.search}`, 302);
}

/** `/bff/*`: signing the web app in and out, and who is signed in. */
export const sessionRoutes: FastifyPluginAsyncTypebox<SessionRoutesOptions> = (
  app,
  { sessions, cookies, publicUrl },
) => {
  const resolveSession = sessionResolver(sessions, cookies);

  app.get(
    '/bff/login',
    {
      schema: {
        tags: ['session'],
        summary: 'Start signing in to the web app (redirects to the identity provider)',
        querystring: LoginQuery,
        response: {
          302: Type.Null({
            description: "To the identity provider's authorization endpoint",
            headers: { location: Type.String({ format: 'uri' }) },
          }),
        },
      },
    },
    async (request, reply) => {
      const { returnTo, signup } = request.query;
      const { authorizationUrl, sealedTransaction } = await sessions.beginSignIn({
        returnTo,
        signup: signup === '1' || signup === 'true',
      });
      reply.setCookie(
        cookies.names.login,
        sealedTransaction,
        cookies.options(true, LOGIN_TRANSACTION_SECONDS),
      );
      return reply.header('cache-control', 'no-store').redirect(authorizationUrl.href, 302);
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
      const sealed = request.cookies[cookies.names.login];
      reply.clearCookie(cookies.names.login, cookies.options(true));
      const transaction = await sessions.openSignIn(sealed);
      if (transaction === undefined) {
        request.log.warn(
          { loginCookie: sealed === undefined ? 'missing' : 'expired or unreadable' },
          'Sign-in callback without a live sign-in (took too long, or started elsewhere)',
        );
        return signInFailed(reply, publicUrl, request.id, 'sign_in_expired', '/');
      }
      const returnTo = safeReturnTo(transaction.returnTo);
      try {
        const signedIn = await sessions.finishSignIn(
          new URL(request.url, publicUrl),
          transaction,
          request.log,
        );
        switch (signedIn.outcome) {
          case 'cancelled':
            // The user cancelled at the provider: back where they were, still signed out.
            return await reply.redirect(returnTo, 302);
          case 'failed':
            return await signInFailed(reply, publicUrl, request.id, signedIn.reason, returnTo);
          case 'signed_in':
            cookies.setSession(
              reply,
              signedIn.sessionId,
              signedIn.csrfToken,
              signedIn.lifetimeSeconds,
            );
            return await reply.header('cache-control', 'no-store').redirect(returnTo, 302);
        }
      } catch (error) {
        request.log.error({ err: error }, 'The sign-in callback failed');
        return signInFailed(reply, publicUrl, request.id, 'server_error', returnTo);
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
        response: { 200: BffUser, ...problems(['session_missing']) },
      },
    },
    async (request, reply) => {
      const session = await resolveSession(request, reply);
      if (session === undefined || session === 'expired') {
        throw new DomainError(ErrorCode.session_missing, 'Nobody is signed in.');
      }
      const user = await sessions.userOf(session);
      reply.header('cache-control', 'no-store');
      return user;
    },
  );

  app.post(
    '/bff/logout',
    {
      schema: {
        tags: ['session'],
        summary: 'Sign out of the web app (needs X-XSRF-TOKEN)',
        response: { 200: RedirectTo, ...problems(['csrf_token_invalid']) },
      },
    },
    async (request, reply) => {
      const ended = await sessions.signOut(cookies.sessionIdOf(request), (csrfToken) => {
        assertCsrf(request, csrfToken);
      });
      cookies.clearSession(reply);
      if (ended === undefined) return { redirectTo: '/' };
      return { redirectTo: await sessions.leaveProvider(ended, request.log) };
    },
  );

  app.get('/bff/assets/logout.js', { schema: { hide: true } }, (_request, reply) =>
    reply
      .type('text/javascript; charset=utf-8')
      .header('cache-control', 'no-cache')
      .send(logoutScript),
  );
  return Promise.resolve();
};
