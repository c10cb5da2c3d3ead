import { HealthStatus, ReadinessStatus } from '@assay/contracts';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { pingDatabase } from './db.ts';
import { UnavailableError } from './errors.ts';
import { problemResponse } from './openapi.ts';

const readinessTimeoutMs = 2000;

/** `GET /healthz` (the process answers) and `GET /readyz` (the database answers too). */
export const healthRoutes: FastifyPluginAsyncTypebox = (app) => {
  app.get(
    '/healthz',
    {
      schema: {
        tags: ['health'],
        summary: 'Liveness: the server process answers',
        response: { 200: HealthStatus },
      },
    },
    () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    {
      schema: {
        tags: ['health'],
        summary: 'Readiness: the server can serve requests (the database answers)',
        response: {
          200: ReadinessStatus,
          503: problemResponse('The database does not answer'),
        },
      },
    },
    async (request) => {
      try {
        await pingDatabase(app.db, readinessTimeoutMs);
      } catch (error) {
        request.log.warn({ err: error }, 'Readiness check failed: the database does not answer');
        throw new UnavailableError('database_unavailable', 'The database does not answer.');
      }
      return { status: 'ready' as const };
    },
  );
  return Promise.resolve();
};
