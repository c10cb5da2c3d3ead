// The journeys' fixtures: one Assay per journey file, started as `npm start` starts it on a fresh
// SQLite database that the admin command line can reach too, and a watched page per test.
import { test as base, expect } from '@playwright/test';
import { sharedDatabase } from './accounts.ts';
import { watchProblems } from './browser.ts';
import { startAssay } from './server.ts';

export interface Assay {
  readonly url: string;
  /** The server's database, for `createUser` (the admin command line). */
  readonly databaseUrl: string;
}

interface WorkerFixtures {
  /**
   * The journey's name. Each file sets its own with `test.use({ journey: '…' })` at the top,
   * which gives it a worker of its own, hence an Assay and a database of its own: journeys share
   * no accounts and no exams.
   */
  journey: string;
  assay: Assay;
}

interface TestFixtures {
  /** Console errors, uncaught exceptions and failed requests of `page` so far. */
  problems: string[];
}

export const test = base.extend<TestFixtures, WorkerFixtures>({
  journey: ['', { scope: 'worker', option: true }],
  assay: [
    async ({ journey }, use) => {
      if (!journey) throw new Error("Set the journey's name: test.use({ journey: '…' })");
      const database = sharedDatabase();
      let server;
      try {
        server = await startAssay({ DATABASE_URL: database.url });
      } catch (error) {
        database.remove();
        throw error;
      }
      await use({ url: server.url, databaseUrl: database.url });
      const exitCode = await server.stop();
      database.remove();
      expect(exitCode, `Assay should shut down cleanly on SIGTERM:\n${server.logs()}`).toBe(0);
    },
    // The first start may build the web app.
    { scope: 'worker', timeout: 240_000 },
  ],
  problems: async ({ page }, use) => {
    await use(watchProblems(page));
  },
});

export { expect };
