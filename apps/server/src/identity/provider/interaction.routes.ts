/*
 * The JSON side of the embedded provider's sign-in and sign-up pages. The provider sends the
 * browser to /interaction/<uid> (rendered by the web app); these endpoints live under the
 * same path so the provider's interaction cookie (Path=/interaction/<uid>) comes with them.
 */
import {
  ErrorCode,
  InteractionDetails,
  LoginBody,
  RedirectTo,
  SignupBody,
  type InteractionDetails as InteractionDetailsType,
} from '@assay/contracts';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { errors } from 'oidc-provider';
import type { Interaction } from 'oidc-provider';
import { Type } from 'typebox';

import { DomainError } from '../../platform/errors.ts';
import { problems } from '../../platform/openapi.ts';
import type { AccountsService } from '../accounts/accounts.service.ts';
import { EmbeddedProvider } from './embedded-provider.ts';
import { SCREEN_HINT_PARAM } from './provider.ts';
import { RateLimitedError } from '../accounts/rate-limiter.ts';

/** Options of the interaction routes. */
export interface InteractionRoutesOptions {
  readonly embedded: EmbeddedProvider;
  readonly accounts: AccountsService;
  readonly publicUrl: URL;
}

const Uid = Type.Object({ uid: Type.String({ minLength: 1, maxLength: 100 }) });

export const interactionRoutes: FastifyPluginAsyncTypebox<InteractionRoutesOptions> = (
  app,
  options,
) => {
  const { embedded, accounts, publicUrl } = options;

  // Cross-site HTML forms cannot send application/json without a CORS preflight, which we
  // never grant: requiring it makes these endpoints immune to login CSRF.
  app.addHook('onRequest', (request, _reply, done) => {
    const type = request.headers['content-type'] ?? '';
    if (
      request.method === 'POST' &&
      request.routeOptions.url !== '/interaction/:uid/abort' &&
      !/^application\/json\s*(;|$)/i.test(type)
    ) {
      done(new DomainError(ErrorCode.unsupported_media_type, 'Send the body as application/json.'));
      return;
    }
    done();
  });

  const load = async (
    request: FastifyRequest,
    reply: FastifyReply,
    uid: string,
  ): Promise<Interaction> => {
    EmbeddedProvider.presentAsPublic(request, publicUrl);
    let interaction: Interaction;
    try {
      interaction = await embedded.provider.interactionDetails(request.raw, reply.raw);
    } catch (error) {
      if (error instanceof errors.SessionNotFound) throw notFound();
      throw error;
    }
    if (interaction.uid !== uid) throw notFound();
    return interaction;
  };

  const finish = async (
    request: FastifyRequest,
    reply: FastifyReply,
    result: Record<string, unknown>,
  ): Promise<{ redirectTo: string }> => {
    const redirectTo = await embedded.provider.interactionResult(request.raw, reply.raw, result, {
      mergeWithLastSubmission: false,
    });
    reply.header('cache-control', 'no-store');
    return { redirectTo };
  };

  const withRetryAfter = async <T>(reply: FastifyReply, work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      if (error instanceof RateLimitedError) reply.header('retry-after', String(error.retryAfter));
      throw error;
    }
  };

  app.get(
    '/interaction/:uid/details',
    {
      schema: {
        tags: ['sign-in'],
        summary: 'What the sign-in page of an authorization request must show',
        params: Uid,
        response: {
          200: InteractionDetails,
          ...problems(['interaction_not_found']),
        },
      },
    },
    async (request, reply) => {
      const interaction = await load(request, reply, request.params.uid);
      const rawClientId = interaction.params['client_id'];
      const clientId = typeof rawClientId === 'string' ? rawClientId : '';
      const client = await embedded.provider.Client.find(clientId);
      const details: InteractionDetailsType = {
        uid: interaction.uid,
        prompt: interaction.prompt.name === 'consent' ? 'consent' : 'login',
        mode: interaction.params[SCREEN_HINT_PARAM] === 'signup' ? 'signup' : 'signin',
        clientName: client?.clientName ?? clientId,
      };
      reply.header('cache-control', 'no-store');
      return details;
    },
  );

  app.post(
    '/interaction/:uid/login',
    {
      schema: {
        tags: ['sign-in'],
        summary: 'Sign in with a username or email address and a password',
        params: Uid,
        body: LoginBody,
        response: {
          200: RedirectTo,
          ...problems(
            ['invalid_credentials', 'account_disabled', 'interaction_not_found', 'rate_limited'],
            {
              account_disabled: 'The account is disabled (only said after a correct password)',
            },
          ),
        },
      },
    },
    async (request, reply) => {
      await load(request, reply, request.params.uid);
      const account = await withRetryAfter(reply, () =>
        accounts.signIn(request.body.login, request.body.password, request.ip),
      );
      return finish(request, reply, { login: { accountId: account.id } });
    },
  );

  app.post(
    '/interaction/:uid/signup',
    {
      schema: {
        tags: ['sign-in'],
        summary: 'Create an account (a learner) and sign in with it',
        params: Uid,
        body: SignupBody,
        response: {
          200: RedirectTo,
          ...problems([
            'validation_failed',
            ErrorCode.interaction_not_found,
            'username_taken',
            'email_taken',
            'rate_limited',
          ]),
        },
      },
    },
    async (request, reply) => {
      await load(request, reply, request.params.uid);
      const account = await withRetryAfter(reply, () => accounts.signUp(request.body, request.ip));
      return finish(request, reply, { login: { accountId: account.id } });
    },
  );

  app.post(
    '/interaction/:uid/abort',
    {
      schema: {
        tags: ['sign-in'],
        summary: 'Cancel signing in (the web app receives access_denied)',
        params: Uid,
        response: {
          200: RedirectTo,
          ...problems(['interaction_not_found']),
        },
      },
    },
    async (request, reply) => {
      await load(request, reply, request.params.uid);
      return finish(request, reply, {
        error: 'access_denied',
        error_description: 'The user cancelled signing in.',
      });
    },
  );
  return Promise.resolve();
};

function notFound(): DomainError {
  return new DomainError(
    ErrorCode.interaction_not_found,
    'This sign-in request does not exist or has expired. Start again from /bff/login.',
  );
}
