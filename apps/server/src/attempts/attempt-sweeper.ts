import fp from 'fastify-plugin';
import type { AttemptsService } from './attempts.service.ts';

/** Options of the attempt sweeper. */
export interface AttemptSweeperOptions {
  readonly attempts: AttemptsService;
  /** Seconds between sweeps. */
  readonly intervalSeconds: number;
}

/**
 * Grades overdue in-progress attempts as expired every `intervalSeconds`, so results appear
 * even when the learner never comes back. Every instance may run it: closing an attempt is a
 * conditional update, so two sweeps (or a sweep and a submit) never grade one attempt twice.
 * Starts when the app is ready; the timer does not keep the process alive and stops on close.
 */
export const attemptSweeper = fp<AttemptSweeperOptions>(
  (app, options, done) => {
    let timer: NodeJS.Timeout | undefined;
    let running: Promise<void> | undefined;

    const sweep = async (): Promise<void> => {
      try {
        const closed = await options.attempts.sweepExpiredAttempts();
        if (closed > 0) app.log.info({ closed }, 'Graded attempts past their deadline');
      } catch (error) {
        app.log.warn({ err: error }, 'The sweep of overdue attempts failed; retrying later');
      }
    };

    app.addHook('onReady', () => {
      timer = setInterval(() => {
        // One sweep at a time per instance.
        running ??= sweep().finally(() => {
          running = undefined;
        });
      }, options.intervalSeconds * 1000);
      timer.unref();
      return Promise.resolve();
    });
    app.addHook('onClose', async () => {
      clearInterval(timer);
      await running;
    });
    done();
  },
  { name: 'attempt-sweeper', fastify: '5.x', dependencies: ['db'] },
);
