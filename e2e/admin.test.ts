// Admin journey: an admin (made with the admin command line) finds a learner who signed up and
// makes them an instructor; after signing in again, the new instructor has "My exams". Axe runs
// on every page.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import {
  accountMenuItems,
  createUser,
  fillSignIn,
  fillSignUp,
  unexpectedProblems,
  type Account,
} from './support/accounts.ts';
import { openPage, screenshot, expectAccessible, type WatchedPage } from './support/browser.ts';
import { startJourney, type Journey } from './support/journey.ts';
import type { RunningServer } from './support/server.ts';

const admin: Account = {
  username: 'margaret',
  email: 'margaret@example.org',
  displayName: 'Margaret Hamilton',
  password: 'software engineering is a discipline of its own',
};
const learner: Account = {
  username: 'katherine',
  email: 'katherine@example.org',
  displayName: 'Katherine Johnson',
  password: 'trajectories computed by hand with great care',
};

/** In an open Material select, moves the active option with the arrow keys and picks it. */
async function chooseWithArrowKeys(page: Page, option: string): Promise<void> {
  const activeText = () =>
    page.evaluate(() => document.querySelector('mat-option.mat-mdc-option-active')?.textContent);
  await page.locator('mat-option.mat-mdc-option-active').waitFor();
  let current = (await activeText())?.trim();
  for (let i = 0; i < 5 && current !== option; i++) {
    const before = current;
    await page.keyboard.press('ArrowDown');
    await page.waitForFunction(
      (previous) =>
        document.querySelector('mat-option.mat-mdc-option-active')?.textContent.trim() !== previous,
      before,
    );
    current = (await activeText())?.trim();
  }
  assert.equal(current, option);
  await page.keyboard.press('Enter');
}

describe('an admin promotes a learner to instructor', () => {
  let journey: Journey;
  let server: RunningServer;
  let browser: Browser;
  let adminPage: WatchedPage;
  let learnerPage: WatchedPage;

  before(async () => {
    journey = await startJourney();
    ({ server, browser } = journey);
    await createUser(journey.databaseUrl, server.url, admin, 'admin');
    adminPage = await openPage(browser);
    learnerPage = await openPage(browser);
  });

  after(() => journey.end());

  it('a learner signs up and has no "My exams"', async () => {
    const { page } = learnerPage;
    await page.goto(server.url);
    await page.getByRole('banner').getByRole('button', { name: 'Sign up' }).click();
    await fillSignUp(page, learner);
    // A new account made from the home page lands on the exams (issue 11, item 18).
    await page.waitForURL(`${server.url}/exams`);
    const items = await accountMenuItems(page, learner);
    assert.ok(!items.includes('My exams'), `menu: ${items.join(', ')}`);
    assert.ok(!items.includes('Users'));
  });

  it('the admin finds the learner and makes them an instructor', async () => {
    const { page } = adminPage;
    await page.goto(`${server.url}/admin/users`);
    await fillSignIn(page, admin);
    await page.waitForURL(`${server.url}/admin/users`);
    await page.getByRole('heading', { level: 1, name: 'Users' }).waitFor();
    assert.match(await page.title(), /^Users · Assay$/);
    assert.ok((await accountMenuItems(page, admin)).includes('Users'));
    await page.getByRole('row', { name: new RegExp(admin.displayName) }).waitFor();
    // Roles explained in plain words.
    const hint = (await page.locator('.hint').textContent()) ?? '';
    assert.match(hint, /Learners take exams/);
    assert.doesNotMatch(hint, /token/i);
    await expectAccessible(page, 'the users page');
    await screenshot(page, 'admin-users');

    await page.getByLabel('Search users').fill('kath');
    await page.getByRole('row', { name: new RegExp(admin.displayName) }).waitFor({
      state: 'detached',
    });
    const row = page.getByRole('row', { name: new RegExp(learner.displayName) });
    await row.waitFor();

    // Keyboard only: focus the role select, open it, pick "Instructor".
    const role = page.getByRole('combobox', { name: `Role of ${learner.displayName}` });
    await role.focus();
    await page.keyboard.press('Enter');
    await page.getByRole('option', { name: 'Instructor' }).waitFor();
    await expectAccessible(page, 'the open role menu');
    await chooseWithArrowKeys(page, 'Instructor');
    await page
      .locator('mat-snack-bar-container')
      .getByText(`${learner.displayName} is now an instructor`)
      .waitFor();
    await screenshot(page, 'admin-user-promoted');

    // Reload: the server has the new role.
    await page.reload();
    await page.getByLabel('Search users').fill('kath');
    await page
      .getByRole('combobox', { name: `Role of ${learner.displayName}` })
      .getByText('Instructor')
      .waitFor();
  });

  it('refuses to leave Assay without an enabled admin', async () => {
    const { page } = adminPage;
    await page.getByLabel('Search users').fill('margaret');
    await page.getByRole('button', { name: `Disable ${admin.displayName}` }).click();
    const dialog = page.getByRole('alertdialog', { name: `Disable ${admin.displayName}?` });
    await dialog.waitFor();
    // Axe measures colours, so let the dialog finish fading in.
    await page.locator('.mdc-dialog--open:not(.mdc-dialog--opening)').waitFor();
    await expectAccessible(page, 'the disable confirmation');
    await dialog.getByRole('button', { name: 'Disable account' }).click();
    await page.locator('mat-snack-bar-container').getByText('without an enabled admin').waitFor();
    await page
      .getByRole('row', { name: new RegExp(admin.displayName) })
      .getByText('Active')
      .waitFor();
    assert.deepEqual(unexpectedProblems(adminPage.problems, [409]), []);
  });

  it('shows every column of the users on a phone, the action included', async () => {
    const { page } = adminPage;
    await page.setViewportSize({ width: 375, height: 740 });
    await page.getByLabel('Search users').fill('kath');
    const row = page.getByRole('row', { name: new RegExp(learner.displayName) });
    await row.waitFor();
    const width = 375;
    for (const part of [
      row.getByRole('combobox', { name: `Role of ${learner.displayName}` }),
      row.getByText('Active', { exact: true }),
      row.getByRole('button', { name: `Disable ${learner.displayName}` }),
    ]) {
      const box = await part.boundingBox();
      assert.ok(box && box.x >= 0 && box.x + box.width <= width, `in view: ${JSON.stringify(box)}`);
    }
    // Without column headers, the date says what it is.
    await row.getByText('Joined', { exact: true }).waitFor();
    const sideways = await page.evaluate(() => {
      const table = document.querySelector('.table-scroll');
      return {
        page: document.documentElement.scrollWidth - document.documentElement.clientWidth,
        table: table ? table.scrollWidth - table.clientWidth : -1,
      };
    });
    assert.deepEqual(sideways, { page: 0, table: 0 }, 'nothing hides off to the side');
    await expectAccessible(page, 'the users page on a phone');
    await screenshot(page, 'admin-users-phone');
    await page.setViewportSize({ width: 1280, height: 720 });
  });

  it('the promoted user, after signing in again, has "My exams"', async () => {
    const { page } = learnerPage;
    const account = page.getByRole('banner').getByRole('button', { name: learner.displayName });
    await account.click();
    await page.getByRole('menuitem', { name: 'Sign out' }).click();
    await page.getByRole('banner').getByRole('button', { name: 'Sign in' }).click();
    await fillSignIn(page, learner);
    await page.waitForURL(`${server.url}/`);

    assert.ok((await accountMenuItems(page, learner)).includes('My exams'));
    await account.click();
    await page.getByRole('menuitem', { name: 'My exams' }).click();
    await page.waitForURL(`${server.url}/authoring`);
    await page.getByRole('heading', { level: 1, name: 'My exams' }).waitFor();
    await expectAccessible(page, 'My exams for the new instructor');
    await screenshot(page, 'admin-promoted-user-my-exams');
    assert.deepEqual(unexpectedProblems(learnerPage.problems), []);
  });
});
