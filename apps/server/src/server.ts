// Starts Assay: configuration → migrations → app → listen, and closes gracefully on a signal.
import closeWithGrace from 'close-with-grace';

import { buildApp, type App } from './app.ts';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { ExamsRepository } from './exams/exams.repository.ts';
import { seedSampleExams } from './exams/sample-exams.ts';
import { createDatabase } from './platform/db.ts';
import { migrateToLatest } from './platform/migrations.ts';
import { openSecretsKeyring } from './platform/secrets-key.ts';
import { announceReady } from './ready-banner.ts';

function loadConfigOrExit(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}

/**
 * On a signal (or an uncaught error): stop accepting connections, let in-flight requests finish,
 * then exit 0 (1 after an error); exit 1 if that takes longer than `timeoutMs`, or on a second
 * signal.
 */
function closeGracefully(app: App, timeoutMs: number): void {
  closeWithGrace(
    {
      delay: timeoutMs,
      logger: {
        error: (error: unknown) => {
          app.log.error({ err: error }, 'Shutdown failed');
        },
      },
      onTimeout: () => {
        app.log.error({ timeoutMs }, 'In-flight requests did not finish in time; forcing exit');
      },
      onSecondSignal: (signal) => {
        app.log.warn({ signal }, 'Second signal received; exiting without waiting');
      },
      onSecondError: (error) => {
        app.log.fatal({ err: error }, 'Another uncaught error while shutting down; exiting');
      },
    },
    async ({ signal, err }) => {
      if (err === undefined) {
        app.log.info({ signal, timeoutMs }, 'Shutting down: finishing in-flight requests');
      } else {
        app.log.fatal({ err }, 'Uncaught error; shutting down');
      }
      await app.close();
      if (err === undefined) app.log.info('Shut down cleanly');
    },
  );
}

async function start(): Promise<void> {
  const config = loadConfigOrExit();
  // Before connecting: on PostgreSQL a missing SECRETS_KEY is a configuration error.
  const secrets = await openSecretsKeyring(config);
  const started: { app?: App } = {};
  const db = createDatabase(config.database, {
    onBackgroundError: (error) =>
      started.app?.log.warn({ err: error }, 'The database failed in the background'),
  });
  let applied: string[];
  let seeded = 0;
  try {
    applied = await migrateToLatest(db, undefined, { secrets });
    // A fresh install gets a working catalog; a database with any exam is left alone.
    if (config.exams.seedSampleExams) seeded = await seedSampleExams(new ExamsRepository(db));
  } catch (error) {
    await db.destroy();
    throw error;
  }
  const app = await buildApp(config, { db });
  started.app = app;
  app.log.info({ applied }, `Database is up to date (${applied.length} migrations applied now)`);
  if (seeded > 0) app.log.info({ seeded }, `Added ${seeded} sample exams to the empty database`);
  closeGracefully(app, config.shutdownTimeoutMs);
  const address = await app.listen({ port: config.port, host: config.host });
  await announceReady(app.log, config, db, address);
}

start().catch((error: unknown) => {
  process.stderr.write(
    `Assay could not start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
