import { ErrorCode, HealthStatus, ReadinessStatus } from '@assay/contracts';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { databaseOutageKind, DatabaseTimeoutError } from './database-availability.ts';
import { pingDatabase, probeDatabaseWrite } from './db.ts';
import { DomainError } from './errors.ts';
import { problems } from './openapi.ts';

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
        description:
          'Answers 503 `database_unavailable` with `Retry-After` while the database does not ' +
          'answer, and after a write failed for want of space until a write succeeds again.',
        response: {
          200: ReadinessStatus,
          ...problems([ErrorCode.database_unavailable], {
            database_unavailable: 'The database does not answer',
          }),
        },
      },
    },
    async (request) => {
      const availability = app.databaseAvailability;
      try {
        // A read passes on a full disk: after a failed write, only a write proves readiness.
        if (availability.outage === 'unwritable') {
          await probeDatabaseWrite(app.db, readinessTimeoutMs);
        } else {
          await pingDatabase(app.db, readinessTimeoutMs);
        }
      } catch (error) {
        // The driver reports its own errors; an outage is logged once, when it starts.
        if (error instanceof DatabaseTimeoutError) availability.failed(error);
        else if (databaseOutageKind(error) === undefined) {
          request.log.warn({ err: error }, 'Readiness check failed: the database does not answer');
        }
        throw new DomainError(ErrorCode.database_unavailable, 'The database does not answer.');
      }
      return { status: 'ready' as const };
    },
  );
  return Promise.resolve();
};
