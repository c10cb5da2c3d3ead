import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { attemptSweeper } from '../attempts/attempt-sweeper.ts';
import { AttemptsRepository } from '../attempts/attempts.repository.ts';
import { attemptsRoutes } from '../attempts/attempts.routes.ts';
import { AttemptsService } from '../attempts/attempts.service.ts';
import type { Clock } from '../platform/clock.ts';
import { ExamsRepository } from './exams.repository.ts';
import { examsRoutes } from './exams.routes.ts';
import { ExamsService } from './exams.service.ts';

/** Options of the exams feature. */
export interface ExamsFeatureOptions {
  /** The time deadlines are set and enforced by (tests move it by hand). */
  readonly clock: Clock;
  /** Seconds between sweeps of overdue attempts. */
  readonly sweepIntervalSeconds: number;
}

/**
 * Exams and attempts: the catalog, authoring, taking and results, and the periodic sweep that
 * grades attempts left past their deadline. Needs the `db` plugin and, for its protected
 * routes, the `authenticate` plugin registered before it.
 */
export const examsFeature: FastifyPluginAsyncTypebox<ExamsFeatureOptions> = async (
  app,
  options,
) => {
  const examsRepository = new ExamsRepository(app.db);
  const exams = new ExamsService(examsRepository, options.clock);
  const attempts = new AttemptsService(new AttemptsRepository(app.db), examsRepository, {
    clock: options.clock,
  });
  await app.register(examsRoutes, { exams });
  await app.register(attemptsRoutes, { attempts });
  await app.register(attemptSweeper, {
    attempts,
    intervalSeconds: options.sweepIntervalSeconds,
  });
};
