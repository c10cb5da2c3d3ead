// The learner's journey in the browser, on a fresh database with the sample exams: browse the
// catalog, sign up from an exam's page, take the exam (answers saved as they are chosen, a reload
// in the middle resumes with every answer intact), submit, read the result, and find it again in
// "My results". Every page is checked with axe and photographed; no console errors are allowed.
import { join } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { openPage, screenshot, screenshotDir, expectAccessible } from './support/browser.ts';
import {
  account,
  createUser,
  fillSignIn,
  fillSignUp,
  unexpectedProblems,
  type Account,
} from './support/accounts.ts';
import { expect, test } from './support/fixtures.ts';

test.use({ journey: 'learner' });

const learner = account(
  'grace',
  'Grace Hopper',
  'a ship in port is safe but that is not what ships are for',
);

const EXAM_TITLE = 'TypeScript fundamentals';
const QUESTION_COUNT = 10;

/**
 * Signing up hands the whole page to the server and back, so Chromium reports what the page still
 * had in flight then (the form's own request, the app's "who am I?") as `net::ERR_ABORTED`. Those
 * are tolerated only while that hand-over happens; everywhere else any problem fails the journey.
 */
function abortedByNavigation(problem: string): boolean {
  return /^request failed: \S+ net::ERR_ABORTED$/.test(problem.trim());
}

/**
 * From an exam's page, signs `account` up and comes back to the same page, where `signedIn`
 * shows; the requests the hand-over aborted meanwhile are dropped from `problems`.
 */
async function signUpFromExamPage(
  page: Page,
  problems: string[],
  account: Account,
  signedIn: Locator,
): Promise<void> {
  const examUrl = page.url();
  const beforeSignUp = problems.length;
  await page.getByRole('button', { name: 'Create an account' }).click();
  await fillSignUp(page, account);
  await expect(page).toHaveURL(examUrl);
  await expect(signedIn).toBeVisible();
  problems.splice(
    beforeSignUp,
    problems.length - beforeSignUp,
    ...problems.slice(beforeSignUp).filter((problem) => !abortedByNavigation(problem)),
  );
}

function saveStatus(page: Page) {
  return page.getByTestId('save-status');
}

async function waitUntilSaved(page: Page): Promise<void> {
  await expect(saveStatus(page)).toHaveText('Saved');
}

/** Chooses the first choice of the question on screen, without waiting for the save. */
async function chooseShownQuestion(page: Page): Promise<string> {
  const main = page.getByRole('main');
  const radios = main.getByRole('radio');
  const choice = (await radios.count()) > 0 ? radios.first() : main.getByRole('checkbox').first();
  const label = (
    await choice.evaluate((input) => input.closest('label, .mdc-form-field')?.textContent ?? '')
  ).trim();
  await choice.check();
  return label;
}

/** Answers the question on screen with its first choice and waits until it is saved. */
async function answerShownQuestion(page: Page): Promise<string> {
  const label = await chooseShownQuestion(page);
  await waitUntilSaved(page);
  return label;
}

/** The label of the (first) chosen answer on screen. */
async function checkedLabel(page: Page): Promise<string> {
  const checked = page.getByRole('main').locator('input:checked').first();
  return (
    await checked.evaluate((input) => input.closest('label, .mdc-form-field')?.textContent ?? '')
  ).trim();
}

function questionHeading(page: Page): Locator {
  return page.locator('#question-heading');
}

const PHONE = { width: 375, height: 740 };

/** Fails unless `locator` is wholly on the first screen of a page scrolled to its top. */
async function assertAboveTheFold(page: Page, locator: Locator, what: string): Promise<void> {
  expect(await page.evaluate(() => window.scrollY), `${what}: the page is at its top`).toBe(0);
  const box = await locator.boundingBox();
  expect(box, `${what} is shown`).not.toBeNull();
  const { y, height } = box!;
  expect(
    y >= 0 && y + height <= PHONE.height,
    `${what} is on the first screen (${String(y)}–${String(y + height)} of ${String(PHONE.height)} px)`,
  ).toBe(true);
}

/** Fails unless `locator` is on screen, below the sticky toolbar, and not covered by anything. */
async function assertInView(page: Page, locator: Locator, what: string): Promise<void> {
  const box = await locator.boundingBox();
  expect(box, `${what} is shown`).not.toBeNull();
  const { y, height } = box!;
  const toolbarBottom = (await page.getByRole('banner').boundingBox())?.height ?? 0;
  expect(
    y >= toolbarBottom && y + height <= PHONE.height,
    `${what} is in view (${String(y)}–${String(y + height)}, toolbar to ${String(toolbarBottom)})`,
  ).toBe(true);
  const onTop = await locator.evaluate((element) => {
    const rect = element.getBoundingClientRect();
    const hit = document.elementFromPoint(rect.x + rect.width / 2, rect.y + rect.height / 2);
    return hit !== null && element.contains(hit);
  });
  expect(onTop, `nothing covers ${what}`).toBe(true);
}

test.describe('a learner takes an exam', () => {
  test.describe(() => {
    test.use({ viewport: { width: 1280, height: 900 } });

    test('browses the catalog, signs up, takes an exam with a reload in the middle, and sees the result', async ({
      page,
      problems,
      assay,
    }) => {
      await page.goto(assay.url);

      // The home page leads to the catalog.
      await page.getByRole('main').getByRole('link', { name: 'Browse exams' }).click();
      await expect(page).toHaveURL(`${assay.url}/exams`);
      await expect(page.getByRole('heading', { level: 1, name: 'Exams' })).toBeVisible();
      const catalog = page.getByRole('list', { name: 'Exams' });
      await expect(catalog.getByRole('link', { name: EXAM_TITLE })).toBeVisible();
      expect(
        await catalog.getByRole('listitem').count(),
        'the sample exams are listed',
      ).toBeGreaterThanOrEqual(3);
      await expect(page).toHaveTitle(/^Exams · Assay$/);
      await expectAccessible(page, 'the catalog');
      await screenshot(page, 'learner-catalog');

      // Search narrows the list; the address keeps the search.
      await page.getByLabel('Search exams').fill('statistics');
      await expect(page).toHaveURL(`${assay.url}/exams?q=statistics`);
      await expect(
        page.getByRole('status').getByText('1 exam matching “statistics”'),
      ).toBeVisible();
      await expect(catalog.getByRole('listitem')).toHaveCount(1);
      await page.getByLabel('Search exams').fill('no such exam anywhere');
      await expect(
        page.getByRole('heading', { name: 'No exams match “no such exam anywhere”' }),
      ).toBeVisible();
      await expectAccessible(page, 'the catalog with no match');
      await screenshot(page, 'learner-catalog-empty');
      await page.getByRole('button', { name: 'Clear the search' }).click();
      await catalog.getByRole('link', { name: EXAM_TITLE }).click();

      // The exam's page, as a visitor: the description from Markdown, the facts, a way in.
      await expect(page.getByRole('heading', { level: 1, name: EXAM_TITLE })).toBeVisible();
      const examUrl = page.url();
      expect(examUrl).toMatch(/\/exams\/[0-9a-f-]{36}$/);
      await expect(
        page.getByRole('main').locator('.markdown strong', { hasText: '20 minutes' }),
      ).toBeVisible();
      await expect(page.getByRole('term').filter({ hasText: 'Time limit' })).toBeVisible();
      await expect(page.getByRole('button', { name: 'Sign in to take this exam' })).toBeVisible();
      await expectAccessible(page, 'the exam page (visitor)');
      await screenshot(page, 'learner-exam-visitor');

      // Sign up from there and come back to the same exam, signed in.
      await signUpFromExamPage(
        page,
        problems,
        learner,
        page.getByRole('banner').getByRole('button', { name: learner.displayName }),
      );
      const start = page.getByRole('button', { name: 'Start exam' });
      await expect(start).toBeVisible();
      await expectAccessible(page, 'the exam page (learner)');
      await screenshot(page, 'learner-exam-signed-in');

      // Take it: one question at a time, with the countdown and the navigator.
      await start.click();
      await expect(page).toHaveURL(/\/attempts\/[0-9a-f-]{36}(\?.*)?$/);
      const attemptPath = new URL(page.url()).pathname;
      await expect(page.getByRole('heading', { level: 1, name: EXAM_TITLE })).toBeVisible();
      await expect(questionHeading(page)).toHaveText(`Question 1 of ${QUESTION_COUNT}`);
      await expect(page.getByTestId('countdown')).toHaveText(/^\s*(20:00|19:5\d)\s*$/);
      await expect(page.getByText(`0 of ${QUESTION_COUNT} answered`)).toBeVisible();
      await expectAccessible(page, 'the exam player');
      await screenshot(page, 'learner-player-start');

      // Answer the first question by keyboard alone: Tab into the choices, Space to choose.
      await page.locator('#question-heading').focus();
      for (let i = 0; i < 10; i++) {
        await page.keyboard.press('Tab');
        const role = await page.evaluate(() => document.activeElement?.getAttribute('type'));
        if (role === 'radio' || role === 'checkbox') break;
      }
      await page.keyboard.press('Space');
      await waitUntilSaved(page);
      await expect(page.getByText(`1 of ${QUESTION_COUNT} answered`)).toBeVisible();

      // Then three more with the pointer, moving on with "Next".
      const chosen = new Map<string, string>();
      for (let n = 2; n <= 4; n++) {
        await page.getByRole('button', { name: 'Next', exact: true }).click();
        await expect(questionHeading(page)).toHaveText(`Question ${n} of ${QUESTION_COUNT}`);
        const questionText = (await page.locator('#question-text').textContent()) ?? '';
        chosen.set(questionText.trim(), await answerShownQuestion(page));
      }
      await expect(saveStatus(page)).toHaveText('Saved');
      await screenshot(page, 'learner-player-answered');

      // Reload in the middle: the same question, the same answers, the same attempt.
      await page.reload();
      await expect(page.getByRole('heading', { level: 1, name: EXAM_TITLE })).toBeVisible();
      await expect(page).toHaveURL((url) => url.pathname === attemptPath);
      await expect(questionHeading(page)).toHaveText(`Question 4 of ${QUESTION_COUNT}`);
      await expect(page.getByText(`4 of ${QUESTION_COUNT} answered`)).toBeVisible();
      const navigator = page.getByRole('navigation', { name: 'Questions' });
      for (let n = 1; n <= 4; n++) {
        await expect(
          navigator.getByRole('button', { name: `Question ${n}, answered` }),
        ).toBeVisible();
      }
      await expect(navigator.getByRole('button', { name: 'Question 5, unanswered' })).toBeVisible();

      // The same screen on a phone, in the dark theme.
      await page.setViewportSize({ width: 390, height: 844 });
      await page.emulateMedia({ colorScheme: 'dark' });
      await expectAccessible(page, 'the exam player on a phone in the dark theme');
      await screenshot(page, 'learner-player-phone-dark');
      await page.emulateMedia({ colorScheme: 'light' });
      await page.setViewportSize({ width: 1280, height: 900 });
      for (let n = 2; n <= 4; n++) {
        await navigator.getByRole('button', { name: `Question ${n}, answered` }).click();
        const questionText = ((await page.locator('#question-text').textContent()) ?? '').trim();
        const checked = page.getByRole('main').locator('input:checked');
        expect(
          await checked.count(),
          `question ${n} still has its answer after the reload`,
        ).toBeGreaterThan(0);
        const label = await checked
          .first()
          .evaluate((input) => input.closest('label, .mdc-form-field')?.textContent ?? '');
        expect(label.trim()).toBe(chosen.get(questionText));
      }

      // Answer the rest, jumping from the navigator.
      for (let n = 5; n <= QUESTION_COUNT; n++) {
        await navigator.getByRole('button', { name: `Question ${n}, unanswered` }).click();
        await expect(questionHeading(page)).toHaveText(`Question ${n} of ${QUESTION_COUNT}`);
        await answerShownQuestion(page);
      }
      await expect(page.getByText(`${QUESTION_COUNT} of ${QUESTION_COUNT} answered`)).toBeVisible();

      // Review, then submit with confirmation.
      await navigator.getByRole('button', { name: 'Review and submit' }).click();
      await expect(page.getByRole('heading', { name: 'Review your answers' })).toBeVisible();
      await expect(page.getByText('Every question has an answer.')).toBeVisible();
      await expectAccessible(page, 'the review screen');
      await screenshot(page, 'learner-player-review');
      await page.getByRole('button', { name: 'Submit exam' }).click();
      const dialog = page.getByRole('alertdialog', { name: 'Submit your answers?' });
      await expect(dialog).toBeVisible();
      // Check the dialog once its opening animation is over (half-faded colours are not real ones).
      await expect(
        page.locator('.mat-mdc-dialog-container.mdc-dialog--open:not(.mdc-dialog--opening)'),
      ).toBeVisible();
      await expectAccessible(page, 'the submit confirmation');
      await screenshot(page, 'learner-player-confirm');
      await dialog.getByRole('button', { name: 'Submit exam' }).click();

      // The result: score, percentage, pass/fail, and the answers with explanations.
      await expect(page).toHaveURL(`${assay.url}${attemptPath}/result`);
      await expect(page.getByRole('heading', { level: 1, name: EXAM_TITLE })).toBeVisible();
      await expect(page.getByTestId('verdict')).toHaveText(/Passed|Not passed/);
      await expect(page.getByTestId('score')).toHaveText(/\d+(\.\d)? %\s*\d+ of 10 points/);
      await expect(page.locator('.questions > li')).toHaveCount(QUESTION_COUNT);
      await expect(page.getByRole('heading', { name: 'Explanation' }).first()).toBeAttached();
      await expectAccessible(page, 'the result page');
      await screenshot(page, 'learner-result');

      // "My results" from the account menu lists the attempt and links back to it.
      await page.getByRole('banner').getByRole('button', { name: learner.displayName }).click();
      await page.getByRole('menuitem', { name: 'My results' }).click();
      await expect(page).toHaveURL(`${assay.url}/me/results`);
      await expect(page.getByRole('heading', { level: 1, name: 'My results' })).toBeVisible();
      const row = page.getByRole('row').filter({ hasText: EXAM_TITLE });
      await expect(row).toBeVisible();
      await expect(row).toHaveText(/Passed|Not passed/);
      await expectAccessible(page, 'my results');
      await screenshot(page, 'learner-my-results');
      await row.getByRole('link', { name: /View result/ }).click();
      await expect(page).toHaveURL(`${assay.url}${attemptPath}/result`);

      // Only the anonymous visitor's "who am I?" (401) may show in the console.
      expect(unexpectedProblems(problems, [401])).toEqual([]);
    });
  });

  test('loses no answer to a lost connection, a closed tab or an expired session', async ({
    browser,
    assay,
  }) => {
    const ada = account('ada', 'Ada Lovelace', 'the analytical engine weaves algebraic patterns');
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const watch = (tab: Page): string[] => {
      const seen: string[] = [];
      tab.on('console', (message) => {
        if (message.type() === 'error') seen.push(`console: ${message.text()}`);
      });
      tab.on('pageerror', (error) => seen.push(`exception: ${error.message}`));
      return seen;
    };
    let page = await context.newPage();
    const problems = watch(page);

    // Sign up from the exam's page and start it.
    await page.goto(`${assay.url}/exams`);
    await page.getByRole('list', { name: 'Exams' }).getByRole('link', { name: EXAM_TITLE }).click();
    await page.getByRole('button', { name: 'Create an account' }).click();
    await fillSignUp(page, ada);
    await page.getByRole('button', { name: 'Start exam' }).click();
    await expect(page).toHaveURL(/\/attempts\/[0-9a-f-]{36}(\?.*)?$/);
    const attemptPath = new URL(page.url()).pathname;
    const examPageUrl = `${assay.url}/exams/${await page.evaluate(async (path) => {
      const response = await fetch(`/api${path}`);
      return ((await response.json()) as { examId: string }).examId;
    }, attemptPath)}`;
    await expect(page.locator('#question-heading')).toBeVisible();
    await answerShownQuestion(page);

    // The connection drops: the answer waits, and says so; it is saved once the browser is back.
    await page.getByRole('button', { name: 'Next', exact: true }).click();
    await context.setOffline(true);
    const second = await chooseShownQuestion(page);
    await expect(saveStatus(page).getByText('Not saved — retrying')).toBeVisible();
    await expectAccessible(page, 'the exam player, offline');
    await screenshot(page, 'learner-player-offline');
    await context.setOffline(false);
    await waitUntilSaved(page);

    // Offline again, answer, and close the tab before the answer reaches the server.
    await page.getByRole('button', { name: 'Next', exact: true }).click();
    await context.setOffline(true);
    const third = await chooseShownQuestion(page);
    await expect(saveStatus(page).getByText('Not saved — retrying')).toBeVisible();
    await page.close();
    await context.setOffline(false);

    // A new tab, from the exam's page: "Resume exam" opens the same question, with the answer.
    page = await context.newPage();
    problems.push(...watch(page));
    await page.goto(examPageUrl);
    await page.getByRole('link', { name: 'Resume exam' }).click();
    await expect(page).toHaveURL(`${assay.url}${attemptPath}`);
    await expect(page.getByText(`3 of ${QUESTION_COUNT} answered`)).toBeVisible();
    await expect(questionHeading(page)).toHaveText(`Question 3 of ${QUESTION_COUNT}`);
    expect(await checkedLabel(page)).toBe(third);
    await waitUntilSaved(page);
    await page
      .getByRole('navigation', { name: 'Questions' })
      .getByRole('button', {
        name: 'Question 2, answered',
      })
      .click();
    expect(await checkedLabel(page)).toBe(second);

    // The session ends (cookies gone) while answering: the app says so plainly, signs in again and
    // comes back to the same question, where the answer that was refused is saved after all.
    await page.getByRole('button', { name: 'Next', exact: true }).click();
    await page.getByRole('button', { name: 'Next', exact: true }).click();
    await expect(questionHeading(page)).toHaveText(`Question 4 of ${QUESTION_COUNT}`);
    await context.clearCookies();
    const fourth = await chooseShownQuestion(page);
    const notice = page.locator('mat-snack-bar-container').filter({
      hasText: 'Your session has expired — sign in again.',
    });
    await expect(notice).toBeVisible();
    await expect(saveStatus(page).getByText('Not saved — sign in again')).toBeVisible();
    // Material keeps the message hidden for a moment before its live region announces it; axe
    // looks once it has.
    await expect(notice.locator('[aria-live]').getByText('Your session has expired')).toBeVisible();
    await expectAccessible(page, 'the exam player after the session ended');
    await screenshot(page, 'learner-player-session-expired');
    // Leaving with an unsaved answer asks first; the learner goes anyway.
    page.on('dialog', (dialog) => void dialog.accept());
    await notice.getByRole('button', { name: 'Sign in' }).click();
    await fillSignIn(page, ada);
    await expect(page).toHaveURL(`${assay.url}${attemptPath}?question=4`);
    await expect(page.getByText(`4 of ${QUESTION_COUNT} answered`)).toBeVisible();
    await expect(questionHeading(page)).toHaveText(`Question 4 of ${QUESTION_COUNT}`);
    expect(await checkedLabel(page)).toBe(fourth);
    await waitUntilSaved(page);

    // The server has all four: a fresh tab (nothing kept in the browser) shows them.
    await page.evaluate(() => {
      localStorage.clear();
    });
    await page.reload();
    await expect(page.getByText(`4 of ${QUESTION_COUNT} answered`)).toBeVisible();

    // Only the refused requests of the offline moments and of the ended session may show.
    expect(
      problems.filter(
        (problem) => !/status of 401 |net::ERR_INTERNET_DISCONNECTED|Failed to fetch/.test(problem),
      ),
    ).toEqual([]);
    await context.close();
  });

  test('on a phone: the way in on the first screen, the countdown always in view, and a time-out that says so', async ({
    browser,
    assay,
  }) => {
    const linus = account(
      'linus',
      'Linus Pauling',
      'two nobel prizes and a great deal of vitamin c',
    );
    const title = 'Web security basics';
    const { page, problems } = await openPage(browser, { viewport: PHONE });
    // The browser's clock, so the test can move it to the end of the exam instead of waiting.
    await page.clock.install();

    // The exam's page: the way in is on the first screen, before the description.
    await page.goto(`${assay.url}/exams`);
    await page.getByRole('list', { name: 'Exams' }).getByRole('link', { name: title }).click();
    await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();
    const examUrl = page.url();
    const examId = new URL(examUrl).pathname.split('/').at(-1) ?? '';
    await assertAboveTheFold(
      page,
      page.getByRole('button', { name: 'Sign in to take this exam' }),
      'Sign in to take this exam',
    );
    await expectAccessible(page, 'the exam page on a phone (visitor)');
    await screenshot(page, 'learner-exam-phone-visitor');
    const start = page.getByRole('button', { name: 'Start exam' });
    await signUpFromExamPage(page, problems, linus, start);
    await assertAboveTheFold(page, start, 'Start exam');
    await screenshot(page, 'learner-exam-phone-signed-in');

    // The last question, scrolled to the bottom of the page: the countdown is still in view.
    await start.click();
    await expect(page).toHaveURL(/\/attempts\/[0-9a-f-]{36}(\?.*)?$/);
    await expect(page.locator('#question-heading')).toBeVisible();
    const heading = (await questionHeading(page).textContent())?.trim() ?? '';
    const total = Number(/of (\d+)$/.exec(heading)?.[1]);
    expect(total, 'the exam has several questions').toBeGreaterThan(1);
    const navigator = page.getByRole('navigation', { name: 'Questions' });
    await navigator.getByRole('button', { name: `Question ${String(total)}, unanswered` }).click();
    await expect(questionHeading(page)).toHaveText(`Question ${String(total)} of ${String(total)}`);
    await answerShownQuestion(page);
    await page.evaluate(() => {
      window.scrollTo(0, document.documentElement.scrollHeight);
    });
    await expect.poll(() => page.evaluate(() => window.scrollY)).toBeGreaterThan(0);
    await assertInView(page, page.getByTestId('countdown'), 'the countdown');
    await assertInView(page, saveStatus(page), 'the save status');

    // The navigator's legend says in words which questions are answered: no sample squares
    // that look like checkboxes to tick.
    const legend = navigator.locator('.legend');
    await expect(legend).toHaveText('Answered questions are ticked ✓');
    const boxes = await legend.evaluate(
      (element) =>
        [...element.querySelectorAll('*')].filter((child) => {
          const style = getComputedStyle(child);
          return style.borderTopStyle !== 'none' || style.backgroundColor !== 'rgba(0, 0, 0, 0)';
        }).length,
    );
    expect(boxes, 'the legend draws no boxes').toBe(0);
    await expectAccessible(page, 'the exam player on a phone, scrolled to the end');
    // What the learner sees there (a full-page picture would scroll back to the top).
    await page.screenshot({ path: join(screenshotDir, 'learner-player-phone-scrolled.png') });

    // The time runs out with the page open: the page submits, and the attempt ended because
    // time ran out, not because the learner submitted.
    await page.clock.fastForward('16:00');
    await expect(page).toHaveURL(/\/attempts\/[0-9a-f-]{36}\/result$/);
    const attemptId = new URL(page.url()).pathname.split('/')[2] ?? '';
    await expect(
      page.getByText('Time ran out: the answers saved before the deadline were graded.'),
    ).toBeVisible();
    await expect(page.locator('.details dt').first()).toHaveText('Time ran out');
    // The questions left blank say so; they were not answered wrongly.
    const verdicts = (await page.locator('.question-verdict').allTextContents()).map((verdict) =>
      verdict.replace(/\s+/g, ' ').trim(),
    );
    expect(verdicts.length).toBe(total);
    expect(verdicts.filter((verdict) => verdict.startsWith('Not answered')).length).toBe(total - 1);
    expect(verdicts.at(-1) ?? '').toMatch(/^(Correct|Incorrect) · /);
    await expectAccessible(page, 'the result of a timed-out attempt on a phone');
    await screenshot(page, 'learner-result-time-ran-out');

    // "My results" says it too.
    await page.goto(`${assay.url}/me/results`);
    const row = page.getByRole('row').filter({ hasText: title });
    await expect(row).toBeVisible();
    await expect(row.getByText('Time ran out')).toBeVisible();
    await expectAccessible(page, 'my results with a timed-out attempt');
    expect(
      unexpectedProblems(problems, [401]).filter((problem) => !abortedByNavigation(problem)),
    ).toEqual([]);
    await page.context().close();

    // And so does the exam's list of attempts, for its author or an admin.
    const admin = account(
      'marie',
      'Marie Curie',
      'nothing in life is to be feared, only understood',
    );
    await createUser(assay.databaseUrl, assay.url, admin, 'admin');
    const staff = await openPage(browser);
    await staff.page.goto(`${assay.url}/authoring/${examId}/attempts`);
    await fillSignIn(staff.page, admin);
    await staff.page.waitForURL(`${assay.url}/authoring/${examId}/attempts`);
    const attempt = staff.page.getByRole('row').filter({ hasText: linus.displayName });
    await expect(attempt).toBeVisible();
    await expect(attempt).toHaveText(/time ran out/i);
    const view = await staff.page.evaluate(async (id) => {
      const response = await fetch(`/api/exams/${id}/attempts`);
      return ((await response.json()) as { items: { attemptId: string; state: string }[] }).items;
    }, examId);
    expect(view.filter((item) => item.attemptId === attemptId).map((item) => item.state)).toEqual([
      'expired',
    ]);
    await staff.page.context().close();
  });

  test('keeps the place when a visitor opens an attempt address without signing in', async ({
    page,
    problems,
    assay,
  }) => {
    await page.goto(`${assay.url}/me/results`);
    await expect(page.getByRole('heading', { level: 1, name: 'Sign in to Assay' })).toBeVisible();
    await expect(page).toHaveURL(/\/interaction\//);
    expect(
      unexpectedProblems(problems, [401]).filter((problem) => !abortedByNavigation(problem)),
    ).toEqual([]);
  });
});
