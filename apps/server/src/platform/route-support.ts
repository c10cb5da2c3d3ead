import { BEARER_ERROR_CODES, ErrorCode } from '@assay/contracts';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { problems } from './openapi.ts';
import type { Principal } from './principal.ts';

/*
 * What the features' routes share: who the caller is, and the documented problem responses.
 */

/** The caller of a route that declared a permission; the `authenticate` plugin vouched for it. */
export function principalOf(request: FastifyRequest): Principal {
  const { principal } = request;
  // Unreachable behind `config.permission`: authenticate answers 401 before the handler runs.
  if (principal === null) throw new Error('A protected route ran without a principal');
  return principal;
}

/** 401 and 403, answered by the authenticate plugin for routes that declare a permission. */
export function authProblems(permission: string) {
  return problems([...BEARER_ERROR_CODES, ErrorCode.insufficient_permission], {
    insufficient_permission: `The token lacks \`${permission}\``,
  });
}

/**
 * Lets `Content-Type: application/json` come with an empty body, as many HTTP clients send it
 * on a body-less POST (`…/submit`, `…/publish`). Elsewhere a route's body schema still
 * refuses the missing body with `validation_failed`. Applies to the calling plugin only.
 */
export function acceptEmptyJsonBodies(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text === '') {
      done(null, undefined);
      return;
    }
    void parseJson(request, text, done);
  });
}
