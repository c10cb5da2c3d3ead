// Starts Assay: configuration → migrations → app → listen, and closes gracefully on a signal.
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

function closeOnSignals(app: App, timeoutMs: number): void {
  let closing = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (closing) {
      app.log.warn({ signal }, 'Second signal received; exiting without waiting');
      process.exit(1);
    }
    closing = true;
    app.log.info({ signal, timeoutMs }, 'Shutting down: finishing in-flight requests');
    setTimeout(() => {
      app.log.error({ timeoutMs }, 'In-flight requests did not finish in time; forcing exit');
      process.exit(1);
    }, timeoutMs).unref();
    app.close().then(
      () => {
        app.log.info('Shut down cleanly');
        process.exit(0);
      },
      (error: unknown) => {
        app.log.error({ err: error }, 'Shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
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
  closeOnSignals(app, config.shutdownTimeoutMs);
  const address = await app.listen({ port: config.port, host: config.host });
  await announceReady(app.log, config, db, address);
}

start().catch((error: unknown) => {
  process.stderr.write(
    `Assay could not start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
