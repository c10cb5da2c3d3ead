// Identity journey in the browser: a visitor signs up from the toolbar, comes back signed in
// with their name in the toolbar, signs out, and signs in again with their email address; a
// wrong password is refused with a clear message. Runs against the real server and its embedded
// OpenID provider, under the production CSP, with axe on both forms.
import { screenshot, expectAccessible } from './support/browser.ts';
import { account } from './support/accounts.ts';
import { expect, test } from './support/fixtures.ts';

test.use({ journey: 'auth' });

const visitor = account('ada', 'Ada Lovelace', 'the analytical engine weaves algebraic patterns');

/**
 * The problems a page may show on purpose: Chromium logs every 4xx answer to `fetch` as a console
 * error, and a refused password is one; and signing in and out hand the whole page to the server,
 * so Chromium reports whatever the page still had in flight (a lazy chunk, the tail of a JSON
 * answer) as `net::ERR_ABORTED`. The journeys assert what the user sees after each step, so a
 * request that really failed still fails the test. Anything else counts as a problem.
 */
function unexpected(problems: readonly string[], allowedStatuses: readonly number[] = []) {
  return problems.filter(
    (problem) =>
      !/^request failed: \S+ net::ERR_ABORTED$/.test(problem.trim()) &&
      !allowedStatuses.some((status) =>
        problem.startsWith(
          `console: Failed to load resource: the server responded with a status of ${status} `,
        ),
      ),
  );
}

test.describe('signing up, out and in', () => {
  // The wrong password is tried on the account the first journey made.
  test.describe.configure({ mode: 'serial' });

  test('signs up from the toolbar, signs out, and signs in again with the email address', async ({
    page,
    problems,
    assay,
  }) => {
    await page.goto(assay.url);
    const toolbar = page.getByRole('banner');

    // Sign up from the toolbar: the provider shows the web app's "Create account" form.
    await toolbar.getByRole('button', { name: 'Sign up' }).click();
    await expect(page).toHaveURL(/\/interaction\/[^/]+$/);
    await expect(
      page.getByRole('heading', { level: 1, name: 'Create your Assay account' }),
    ).toBeVisible();
    await expect(page.getByRole('tab', { name: 'Create account' })).toHaveAttribute(
      'aria-selected',
      'true',
    );
    await expect(page).toHaveTitle(/^Create account · Assay$/);
    await expectAccessible(page, 'the sign-up form');
    await screenshot(page, 'auth-sign-up');

    await page.getByLabel('Username', { exact: true }).fill(visitor.username);
    await page.getByLabel('Email', { exact: true }).fill(visitor.email);
    await page.getByLabel('Display name', { exact: true }).fill(visitor.displayName);
    await page.getByLabel('Password', { exact: true }).fill(visitor.password);
    await page.getByRole('button', { name: 'Create account' }).click();

    // Signed in, on the exams rather than back on the home page's pitch.
    await expect(page).toHaveURL(`${assay.url}/exams`);
    await expect(page.getByRole('heading', { level: 1, name: 'Exams' })).toBeVisible();
    const account = toolbar.getByRole('button', { name: visitor.displayName });
    await expect(account).toBeVisible();
    await expect(toolbar.getByRole('button', { name: 'Sign in' })).toHaveCount(0);
    await expectAccessible(page, 'the exams, signed in');
    await screenshot(page, 'auth-signed-in');
    await page.goto(assay.url);
    await expect(account).toBeVisible();

    // Sign out from the account menu, by keyboard.
    await account.focus();
    await page.keyboard.press('Enter');
    const signOut = page.getByRole('menuitem', { name: 'Sign out' });
    await expect(signOut).toBeVisible();
    await expect(
      page.getByRole('menuitem'),
      "a learner's menu: their results and Sign out, nothing they may not use",
    ).toHaveText(['My results', 'Sign out']);
    // Axe measures colours, so let the menu finish its opening animation.
    await expect(page.locator('.mat-mdc-menu-panel:not(.mat-menu-panel-animating)')).toBeVisible();
    await expectAccessible(page, 'the open account menu');
    await screenshot(page, 'auth-account-menu');
    for (
      let i = 0;
      i < 5 && !(await signOut.evaluate((el) => el === document.activeElement));
      i++
    ) {
      await page.keyboard.press('ArrowDown');
    }
    await page.keyboard.press('Enter');
    await expect(toolbar.getByRole('button', { name: 'Sign in' })).toBeVisible();
    await expect(page).toHaveURL((url) => url.pathname === '/');
    await expect(toolbar.getByRole('button', { name: visitor.displayName })).toHaveCount(0);

    // Sign in again, with the email address this time.
    await toolbar.getByRole('button', { name: 'Sign in' }).click();
    await expect(page).toHaveURL(/\/interaction\/[^/]+$/);
    await expect(page.getByRole('heading', { level: 1, name: 'Sign in to Assay' })).toBeVisible();
    await expect(page).toHaveTitle(/^Sign in · Assay$/);
    await expectAccessible(page, 'the sign-in form');
    await screenshot(page, 'auth-sign-in');

    await page.getByLabel('Username or email').fill(visitor.email);
    await page.getByLabel('Password', { exact: true }).fill(visitor.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();

    await expect(page).toHaveURL(`${assay.url}/`);
    await expect(toolbar.getByRole('button', { name: visitor.displayName })).toBeVisible();

    expect(unexpected(problems)).toEqual([]);
  });

  test('refuses a wrong password with a message, and keeps the visitor on the form', async ({
    page,
    problems,
    assay,
  }) => {
    await page.goto(assay.url);
    await page.getByRole('banner').getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Sign in to Assay' })).toBeVisible();
    const signInPage = page.url();

    await page.getByLabel('Username or email').fill(visitor.username);
    await page.getByLabel('Password', { exact: true }).fill('not the right passphrase');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();

    // Looked for in the form: the live announcer holds a copy of the message for screen readers.
    const form = page.getByRole('form', { name: 'Sign in' });
    const refused = 'Wrong username/email or password.';
    await expect(form.getByText(refused)).toBeVisible();
    await expect(page.locator('.cdk-live-announcer-element').getByText(refused)).toBeVisible();
    await expect(page).toHaveURL(signInPage);
    await expect(page.getByRole('button', { name: 'Sign in', exact: true })).toBeEnabled();
    await expectAccessible(page, 'the sign-in form showing an error');
    await screenshot(page, 'auth-wrong-password');

    // The same message for an account that does not exist.
    await page.getByLabel('Username or email').fill('nobody@example.org');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expect(form.getByText(refused)).toBeVisible();

    expect(unexpected(problems, [401])).toEqual([]);
  });

  test('says when a sign-in page has expired and offers to start again', async ({
    page,
    problems,
    assay,
  }) => {
    await page.goto(`${assay.url}/interaction/no-such-interaction`);
    await expect(
      page.getByRole('heading', { level: 1, name: 'This sign-in link has expired' }),
    ).toBeVisible();
    await expect(page).toHaveTitle(/^Sign-in link expired · Assay$/);
    await expectAccessible(page, 'the expired sign-in page');
    await screenshot(page, 'auth-expired');

    await page.getByRole('link', { name: 'Start again' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Sign in to Assay' })).toBeVisible();

    expect(unexpected(problems, [404])).toEqual([]);
  });
});
