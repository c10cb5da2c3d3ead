// The journeys' fixtures: one Assay per journey file, started as `npm start` starts it on a fresh
// SQLite database that the admin command line can reach too, and a watched page per test; for the
// journeys of two people, a member of staff's page and a learner's, kept from test to test.
import { test as base, expect, type Browser } from '@playwright/test';
import { createUser, sharedDatabase, type Account } from './accounts.ts';
import { openPage, watchProblems, type WatchedPage } from './browser.ts';
import { startAssay } from './server.ts';

export interface Assay {
  readonly url: string;
  /** The server's database, for `createUser` (the admin command line). */
  readonly databaseUrl: string;
}

/** A member of staff, made with the admin command line (there is no other way to be one). */
export interface Staff {
  readonly account: Account;
  readonly role: 'instructor' | 'admin';
}

interface WorkerFixtures {
  /**
   * The journey's name. Each file sets its own with `test.use({ journey: '…' })` at the top,
   * which gives it a worker of its own, hence an Assay and a database of its own: journeys share
   * no accounts and no exams.
   */
  journey: string;
  assay: Assay;
  /** Whose `staffPage` it is: `test.use({ staff: { account, role } })`. */
  staff: Staff | undefined;
  /**
   * The staff member's page, in a context of its own that stays open for the journey's serial
   * tests; the account is made before the page opens.
   */
  staffPage: WatchedPage;
  /** A learner's page beside the staff member's, kept the same way. */
  learnerPage: WatchedPage;
}

interface TestFixtures {
  /** Console errors, uncaught exceptions and failed requests of `page` so far. */
  problems: string[];
}

/** Opens a page for the worker's tests to share and closes its context after the last. */
async function keepPage(
  browser: Browser,
  use: (page: WatchedPage) => Promise<void>,
): Promise<void> {
  const watched = await openPage(browser);
  await use(watched);
  await watched.page.context().close();
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
  staff: [undefined, { scope: 'worker', option: true }],
  staffPage: [
    async ({ browser, assay, staff }, use) => {
      if (!staff) throw new Error('Say whose page it is: test.use({ staff: { account, role } })');
      await createUser(assay.databaseUrl, assay.url, staff.account, staff.role);
      await keepPage(browser, use);
    },
    { scope: 'worker' },
  ],
  learnerPage: [({ browser }, use) => keepPage(browser, use), { scope: 'worker' }],
  problems: async ({ page }, use) => {
    await use(watchProblems(page));
  },
});

export { expect };
