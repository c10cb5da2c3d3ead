import { BEARER_ERROR_CODES, Me } from '@assay/contracts';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';

import { problems } from '../../platform/openapi.ts';

/** `GET /api/me`: the caller, as the API sees them. */
export const meRoutes: FastifyPluginAsyncTypebox = (app) => {
  app.get(
    '/api/me',
    {
      config: { auth: 'required' },
      schema: {
        tags: ['identity'],
        summary: 'The caller: subject, display name, roles and permissions',
        response: { 200: Me, ...problems([...BEARER_ERROR_CODES, 'session_missing']) },
      },
    },
    (request, reply) => {
      const principal = request.principal;
      if (principal === null) throw new Error('authenticate let an anonymous caller through');
      reply.header('cache-control', 'no-store');
      return {
        subject: principal.subject,
        issuer: principal.issuer,
        kind: principal.kind,
        displayName: principal.displayName,
        roles: [...principal.roles],
        permissions: [...principal.permissions],
      };
    },
  );
  return Promise.resolve();
};
