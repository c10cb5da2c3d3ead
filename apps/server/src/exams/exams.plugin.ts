import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Clock } from '../platform/clock.ts';
import { ExamsRepository } from './exams.repository.ts';
import { examsRoutes } from './exams.routes.ts';
import { ExamsService } from './exams.service.ts';

/** Options of the exams feature. */
export interface ExamsPluginOptions {
  /** The time exams are stamped with (tests move it by hand). */
  readonly clock: Clock;
}

/**
 * Exams: the catalog, authoring and publishing. Needs the `db` plugin and, for its protected
 * routes, the `authenticate` plugin registered before it.
 */
export const examsPlugin: FastifyPluginAsyncTypebox<ExamsPluginOptions> = async (app, options) => {
  const exams = new ExamsService(new ExamsRepository(app.db), options.clock);
  await app.register(examsRoutes, { exams });
};
