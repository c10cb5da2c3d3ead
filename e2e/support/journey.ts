// What every browser journey runs against: Assay started as `npm start` starts it, on a fresh
// SQLite database the admin command line can reach too, and one Chromium.
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { sharedDatabase } from './accounts.ts';
import { launchBrowser } from './browser.ts';
import { startAssay, type RunningServer } from './server.ts';

export interface Journey {
  readonly server: RunningServer;
  readonly browser: Browser;
  /** The server's database, for `createUser` (the admin command line). */
  readonly databaseUrl: string;
  /** Closes the browser, stops Assay with SIGTERM and asserts that it shut down cleanly. */
  end(): Promise<void>;
}

export async function startJourney(): Promise<Journey> {
  const database = sharedDatabase();
  let server: RunningServer;
  try {
    server = await startAssay({ DATABASE_URL: database.url });
  } catch (error) {
    database.remove();
    throw error;
  }
  const browser = await launchBrowser();
  return {
    server,
    browser,
    databaseUrl: database.url,
    async end() {
      await browser.close();
      const exitCode = await server.stop();
      database.remove();
      assert.equal(exitCode, 0, `Assay should shut down cleanly on SIGTERM:\n${server.logs()}`);
    },
  };
}
