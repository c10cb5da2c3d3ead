// Accounts for the browser journeys: instructors and admins are made with the admin command line
// (as an operator would; there is no default admin), learners sign up in the browser.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, type Page } from '@playwright/test';

const root = fileURLToPath(new URL('../..', import.meta.url));

export interface Account {
  readonly username: string;
  readonly email: string;
  readonly displayName: string;
  readonly password: string;
}

/** A journey's account; its email is `<username>@example.org`. */
export function account(username: string, displayName: string, password: string): Account {
  return { username, email: `${username}@example.org`, displayName, password };
}

export interface SharedDatabase {
  readonly url: string;
  remove(): void;
}

/**
 * A fresh SQLite database shared by the server and the command line: pass its url to
 * `startAssay({ DATABASE_URL })` and to `createUser`.
 */
export function sharedDatabase(): SharedDatabase {
  const dir = mkdtempSync(join(tmpdir(), 'assay-e2e-db-'));
  return {
    url: `sqlite:${join(dir, 'assay.db')}`,
    remove: () => {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** `npm run assay -- users create …` with the password on stdin, never in argv. */
export async function createUser(
  databaseUrl: string,
  publicUrl: string,
  account: Account,
  role: 'learner' | 'instructor' | 'admin',
): Promise<void> {
  const child = spawn(
    process.execPath,
    [
      'apps/server/src/cli.ts',
      'users',
      'create',
      '--username',
      account.username,
      '--email',
      account.email,
      '--name',
      account.displayName,
      '--role',
      role,
    ],
    {
      cwd: root,
      env: { ...process.env, DATABASE_URL: databaseUrl, PUBLIC_URL: publicUrl, LOG_LEVEL: 'warn' },
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stdin.end(`${account.password}\n`);
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  if (code !== 0) throw new Error(`users create exited with ${String(code)}:\n${output}`);
}

/** Fills the embedded provider's sign-in form (the page must be showing it). */
export async function fillSignIn(page: Page, account: Account): Promise<void> {
  await expect(page.getByRole('heading', { level: 1, name: 'Sign in to Assay' })).toBeVisible();
  await page.getByLabel('Username or email').fill(account.username);
  await page.getByLabel('Password', { exact: true }).fill(account.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

/** Fills the "Create account" form (the page must be showing it). */
export async function fillSignUp(page: Page, account: Account): Promise<void> {
  await expect(
    page.getByRole('heading', { level: 1, name: 'Create your Assay account' }),
  ).toBeVisible();
  await page.getByLabel('Username', { exact: true }).fill(account.username);
  await page.getByLabel('Email', { exact: true }).fill(account.email);
  await page.getByLabel('Display name', { exact: true }).fill(account.displayName);
  await page.getByLabel('Password', { exact: true }).fill(account.password);
  await page.getByRole('button', { name: 'Create account' }).click();
}

/** Opens the toolbar's account menu (by keyboard) and answers the names of its items. */
export async function accountMenuItems(page: Page, account: Account): Promise<string[]> {
  const button = page.getByRole('banner').getByRole('button', { name: account.displayName });
  await button.focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('menuitem').first()).toBeVisible();
  const items = await page.getByRole('menuitem').allTextContents();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('menu')).not.toBeAttached();
  return items.map((item) => item.trim());
}

/**
 * The problems a page may show on purpose: Chromium logs every 4xx answer to `fetch`, and
 * reports requests cancelled by a navigation. Anything else counts as a problem.
 */
export function unexpectedProblems(
  problems: readonly string[],
  allowedStatuses: readonly number[] = [],
): string[] {
  return problems.filter(
    (problem) =>
      // A request the browser cancels because the page navigated away (the test's own `goto`,
      // or the sign-in redirects) is not a failure of the app.
      !/ net::ERR_ABORTED$/.test(problem) &&
      !allowedStatuses.some((status) =>
        problem.startsWith(
          `console: Failed to load resource: the server responded with a status of ${status} `,
        ),
      ),
  );
}
