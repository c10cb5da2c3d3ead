import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ExamLookup } from '../exams/index.ts';
import type { Clock } from '../platform/clock.ts';
import { attemptSweeper } from './attempt-sweeper.ts';
import { AttemptsRepository } from './attempts.repository.ts';
import { attemptsRoutes } from './attempts.routes.ts';
import { AttemptsService } from './attempts.service.ts';

/** Options of the attempts feature. */
export interface AttemptsPluginOptions {
  /** The exams attempts are taken at, and reviewed by their authors. */
  readonly exams: ExamLookup;
  /** The time deadlines are set and enforced by (tests move it by hand). */
  readonly clock: Clock;
  /** Seconds between sweeps of overdue attempts. */
  readonly sweepIntervalSeconds: number;
}

/**
 * Attempts: taking exams, results and histories, and the periodic sweep that grades attempts
 * left past their deadline. Needs the `db` plugin and, for its protected routes, the
 * `authenticate` plugin registered before it.
 */
export const attemptsPlugin: FastifyPluginAsyncTypebox<AttemptsPluginOptions> = async (
  app,
  options,
) => {
  const attempts = new AttemptsService(new AttemptsRepository(app.db), options.exams, {
    clock: options.clock,
  });
  await app.register(attemptsRoutes, { attempts });
  await app.register(attemptSweeper, {
    attempts,
    intervalSeconds: options.sweepIntervalSeconds,
  });
};
