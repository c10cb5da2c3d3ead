// Browser journeys with Playwright Test, in Debian's Chromium (never a downloaded browser). Each
// journey file gets its own Assay, started as `npm start` starts it (see support/fixtures.ts).
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: '.',
  testMatch: '*.test.ts',
  // Playwright empties its output folder on every run; the screenshots live beside it, in
  // test-results/screenshots/, and stay.
  outputDir: '../test-results/playwright',
  // One journey at a time: each starts a server and a browser, and the machines have few cores.
  workers: 1,
  fullyParallel: false,
  forbidOnly: Boolean(process.env['CI']),
  retries: 0,
  // A journey that hangs fails instead of holding the whole run until CI's limit.
  timeout: 300_000,
  expect: { timeout: 30_000 },
  reporter: 'list',
  use: {
    browserName: 'chromium',
    actionTimeout: 30_000,
    navigationTimeout: 30_000,
    launchOptions: {
      executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
});
