// Admin journey: an admin (made with the admin command line) finds a learner who signed up and
// makes them an instructor; after signing in again, the new instructor has "My exams". Axe runs
// on every page.
import type { Page } from '@playwright/test';
import {
  account,
  accountMenuItems,
  fillSignIn,
  fillSignUp,
  unexpectedProblems,
} from './support/accounts.ts';
import { screenshot, expectAccessible } from './support/browser.ts';
import { expect, test } from './support/fixtures.ts';

const admin = account(
  'margaret',
  'Margaret Hamilton',
  'software engineering is a discipline of its own',
);
const learner = account(
  'katherine',
  'Katherine Johnson',
  'trajectories computed by hand with great care',
);

test.use({ journey: 'admin', staff: { account: admin, role: 'admin' } });

/** In an open Material select, moves the active option with the arrow keys and picks it. */
async function chooseWithArrowKeys(page: Page, option: string): Promise<void> {
  const active = page.locator('mat-option.mat-mdc-option-active');
  await expect(active).toBeVisible();
  let current = (await active.textContent())?.trim() ?? '';
  for (let i = 0; i < 5 && current !== option; i++) {
    const before = current;
    await page.keyboard.press('ArrowDown');
    await expect(active).not.toHaveText(before);
    current = (await active.textContent())?.trim() ?? '';
  }
  expect(current).toBe(option);
  await page.keyboard.press('Enter');
}

test.describe('an admin promotes a learner to instructor', () => {
  // One story: each step starts where the one before it ended.
  test.describe.configure({ mode: 'serial' });

  test('a learner signs up and has no "My exams"', async ({ assay, learnerPage }) => {
    const { page } = learnerPage;
    await page.goto(assay.url);
    await page.getByRole('banner').getByRole('button', { name: 'Sign up' }).click();
    await fillSignUp(page, learner);
    // A new account made from the home page lands on the exams (issue 11, item 18).
    await expect(page).toHaveURL(`${assay.url}/exams`);
    const items = await accountMenuItems(page, learner);
    expect(items, `menu: ${items.join(', ')}`).not.toContain('My exams');
    expect(items).not.toContain('Users');
  });

  test('the admin finds the learner and makes them an instructor', async ({ assay, staffPage }) => {
    const { page } = staffPage;
    await page.goto(`${assay.url}/admin/users`);
    await fillSignIn(page, admin);
    await expect(page).toHaveURL(`${assay.url}/admin/users`);
    await expect(page.getByRole('heading', { level: 1, name: 'Users' })).toBeVisible();
    await expect(page).toHaveTitle(/^Users · Assay$/);
    expect(await accountMenuItems(page, admin)).toContain('Users');
    await expect(page.getByRole('row', { name: new RegExp(admin.displayName) })).toBeVisible();
    // Roles explained in plain words.
    const hint = page.locator('.hint');
    await expect(hint).toHaveText(/Learners take exams/);
    expect((await hint.textContent()) ?? '').not.toMatch(/token/i);
    await expectAccessible(page, 'the users page');
    await screenshot(page, 'admin-users');

    await page.getByLabel('Search users').fill('kath');
    await expect(page.getByRole('row', { name: new RegExp(admin.displayName) })).not.toBeAttached();
    const row = page.getByRole('row', { name: new RegExp(learner.displayName) });
    await expect(row).toBeVisible();

    // Keyboard only: focus the role select, open it, pick "Instructor".
    const role = page.getByRole('combobox', { name: `Role of ${learner.displayName}` });
    await role.focus();
    await page.keyboard.press('Enter');
    await expect(page.getByRole('option', { name: 'Instructor' })).toBeVisible();
    await expectAccessible(page, 'the open role menu');
    await chooseWithArrowKeys(page, 'Instructor');
    await expect(
      page
        .locator('mat-snack-bar-container')
        .getByText(`${learner.displayName} is now an instructor`),
    ).toBeVisible();
    await screenshot(page, 'admin-user-promoted');

    // Reload: the server has the new role.
    await page.reload();
    await page.getByLabel('Search users').fill('kath');
    await expect(
      page
        .getByRole('combobox', { name: `Role of ${learner.displayName}` })
        .getByText('Instructor'),
    ).toBeVisible();
  });

  test('refuses to leave Assay without an enabled admin', async ({ staffPage }) => {
    const { page } = staffPage;
    await page.getByLabel('Search users').fill('margaret');
    await page.getByRole('button', { name: `Disable ${admin.displayName}` }).click();
    const dialog = page.getByRole('alertdialog', { name: `Disable ${admin.displayName}?` });
    await expect(dialog).toBeVisible();
    // Axe measures colours, so let the dialog finish fading in.
    await expect(page.locator('.mdc-dialog--open:not(.mdc-dialog--opening)')).toBeVisible();
    await expectAccessible(page, 'the disable confirmation');
    await dialog.getByRole('button', { name: 'Disable account' }).click();
    await expect(
      page.locator('mat-snack-bar-container').getByText('without an enabled admin'),
    ).toBeVisible();
    await expect(
      page.getByRole('row', { name: new RegExp(admin.displayName) }).getByText('Active'),
    ).toBeVisible();
    expect(unexpectedProblems(staffPage.problems, [409])).toEqual([]);
  });

  test('shows every column of the users on a phone, the action included', async ({ staffPage }) => {
    const { page } = staffPage;
    await page.setViewportSize({ width: 375, height: 740 });
    await page.getByLabel('Search users').fill('kath');
    const row = page.getByRole('row', { name: new RegExp(learner.displayName) });
    await expect(row).toBeVisible();
    const width = 375;
    for (const part of [
      row.getByRole('combobox', { name: `Role of ${learner.displayName}` }),
      row.getByText('Active', { exact: true }),
      row.getByRole('button', { name: `Disable ${learner.displayName}` }),
    ]) {
      const box = await part.boundingBox();
      expect(
        box && box.x >= 0 && box.x + box.width <= width,
        `in view: ${JSON.stringify(box)}`,
      ).toBe(true);
    }
    // Without column headers, the date says what it is.
    await expect(row.getByText('Joined', { exact: true })).toBeVisible();
    const sideways = await page.evaluate(() => {
      const table = document.querySelector('.table-scroll');
      return {
        page: document.documentElement.scrollWidth - document.documentElement.clientWidth,
        table: table ? table.scrollWidth - table.clientWidth : -1,
      };
    });
    expect(sideways, 'nothing hides off to the side').toEqual({ page: 0, table: 0 });
    await expectAccessible(page, 'the users page on a phone');
    await screenshot(page, 'admin-users-phone');
    await page.setViewportSize({ width: 1280, height: 720 });
  });

  test('the promoted user, after signing in again, has "My exams"', async ({
    assay,
    learnerPage,
  }) => {
    const { page } = learnerPage;
    const account = page.getByRole('banner').getByRole('button', { name: learner.displayName });
    await account.click();
    await page.getByRole('menuitem', { name: 'Sign out' }).click();
    await page.getByRole('banner').getByRole('button', { name: 'Sign in' }).click();
    await fillSignIn(page, learner);
    await expect(page).toHaveURL(`${assay.url}/`);

    expect(await accountMenuItems(page, learner)).toContain('My exams');
    await account.click();
    await page.getByRole('menuitem', { name: 'My exams' }).click();
    await expect(page).toHaveURL(`${assay.url}/authoring`);
    await expect(page.getByRole('heading', { level: 1, name: 'My exams' })).toBeVisible();
    await expectAccessible(page, 'My exams for the new instructor');
    await screenshot(page, 'admin-promoted-user-my-exams');
    expect(unexpectedProblems(learnerPage.problems)).toEqual([]);
  });
});
