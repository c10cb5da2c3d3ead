// The learner's journey in the browser, on a fresh database with the sample exams: browse the
// catalog, sign up from an exam's page, take the exam (answers saved as they are chosen, a reload
// in the middle resumes with every answer intact), submit, read the result, and find it again in
// "My results". Every page is checked with axe and photographed; no console errors are allowed.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Locator, Page } from 'playwright-core';
import { openPage, screenshot, screenshotDir, expectAccessible } from './support/browser.ts';
import { createUser, fillSignIn, fillSignUp, unexpectedProblems } from './support/accounts.ts';
import { startJourney, type Journey } from './support/journey.ts';
import type { RunningServer } from './support/server.ts';

const learner = {
  username: 'grace',
  email: 'grace@example.org',
  displayName: 'Grace Hopper',
  password: 'a ship in port is safe but that is not what ships are for',
};

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

function saveStatus(page: Page) {
  return page.getByTestId('save-status');
}

async function waitUntilSaved(page: Page): Promise<void> {
  await page.waitForFunction(
    () => document.querySelector('[data-testid="save-status"]')?.textContent.trim() === 'Saved',
  );
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

async function questionHeading(page: Page): Promise<string> {
  return (await page.locator('#question-heading').textContent())?.trim() ?? '';
}

const PHONE = { width: 375, height: 740 };

/** Fails unless `locator` is wholly on the first screen of a page scrolled to its top. */
async function assertAboveTheFold(page: Page, locator: Locator, what: string): Promise<void> {
  assert.equal(await page.evaluate(() => window.scrollY), 0, `${what}: the page is at its top`);
  const box = await locator.boundingBox();
  assert.ok(box, `${what} is shown`);
  assert.ok(
    box.y >= 0 && box.y + box.height <= PHONE.height,
    `${what} is on the first screen (${String(box.y)}–${String(box.y + box.height)} of ${String(PHONE.height)} px)`,
  );
}

/** Fails unless `locator` is on screen, below the sticky toolbar, and not covered by anything. */
async function assertInView(page: Page, locator: Locator, what: string): Promise<void> {
  const box = await locator.boundingBox();
  assert.ok(box, `${what} is shown`);
  const toolbarBottom = (await page.getByRole('banner').boundingBox())?.height ?? 0;
  assert.ok(
    box.y >= toolbarBottom && box.y + box.height <= PHONE.height,
    `${what} is in view (${String(box.y)}–${String(box.y + box.height)}, toolbar to ${String(toolbarBottom)})`,
  );
  const onTop = await locator.evaluate((element) => {
    const rect = element.getBoundingClientRect();
    const hit = document.elementFromPoint(rect.x + rect.width / 2, rect.y + rect.height / 2);
    return hit !== null && element.contains(hit);
  });
  assert.ok(onTop, `nothing covers ${what}`);
}

describe('a learner takes an exam', () => {
  let journey: Journey;
  let server: RunningServer;
  let browser: Browser;

  before(async () => {
    journey = await startJourney();
    ({ server, browser } = journey);
  });

  after(() => journey.end());

  it('browses the catalog, signs up, takes an exam with a reload in the middle, and sees the result', async () => {
    const { page, problems } = await openPage(browser, { viewport: { width: 1280, height: 900 } });
    await page.goto(server.url);

    // The home page leads to the catalog.
    await page.getByRole('main').getByRole('link', { name: 'Browse exams' }).click();
    await page.waitForURL(`${server.url}/exams`);
    await page.getByRole('heading', { level: 1, name: 'Exams' }).waitFor();
    const catalog = page.getByRole('list', { name: 'Exams' });
    await catalog.getByRole('link', { name: EXAM_TITLE }).waitFor();
    assert.ok((await catalog.getByRole('listitem').count()) >= 3, 'the sample exams are listed');
    assert.match(await page.title(), /^Exams · Assay$/);
    await expectAccessible(page, 'the catalog');
    await screenshot(page, 'learner-catalog');

    // Search narrows the list; the address keeps the search.
    await page.getByLabel('Search exams').fill('statistics');
    await page.waitForURL(`${server.url}/exams?q=statistics`);
    await page.getByRole('status').getByText('1 exam matching “statistics”').waitFor();
    assert.equal(await catalog.getByRole('listitem').count(), 1);
    await page.getByLabel('Search exams').fill('no such exam anywhere');
    await page.getByRole('heading', { name: 'No exams match “no such exam anywhere”' }).waitFor();
    await expectAccessible(page, 'the catalog with no match');
    await screenshot(page, 'learner-catalog-empty');
    await page.getByRole('button', { name: 'Clear the search' }).click();
    await catalog.getByRole('link', { name: EXAM_TITLE }).click();

    // The exam's page, as a visitor: the description from Markdown, the facts, a way in.
    await page.getByRole('heading', { level: 1, name: EXAM_TITLE }).waitFor();
    const examUrl = page.url();
    assert.match(examUrl, /\/exams\/[0-9a-f-]{36}$/);
    await page.getByRole('main').locator('.markdown strong', { hasText: '20 minutes' }).waitFor();
    await page.getByRole('term').filter({ hasText: 'Time limit' }).waitFor();
    await page.getByRole('button', { name: 'Sign in to take this exam' }).waitFor();
    await expectAccessible(page, 'the exam page (visitor)');
    await screenshot(page, 'learner-exam-visitor');

    // Sign up from there and come back to the same exam, signed in.
    const beforeSignUp = problems.length;
    await page.getByRole('button', { name: 'Create an account' }).click();
    await fillSignUp(page, learner);
    await page.waitForURL(examUrl);
    await page.getByRole('banner').getByRole('button', { name: learner.displayName }).waitFor();
    problems.splice(
      beforeSignUp,
      problems.length - beforeSignUp,
      ...problems.slice(beforeSignUp).filter((problem) => !abortedByNavigation(problem)),
    );
    const start = page.getByRole('button', { name: 'Start exam' });
    await start.waitFor();
    await expectAccessible(page, 'the exam page (learner)');
    await screenshot(page, 'learner-exam-signed-in');

    // Take it: one question at a time, with the countdown and the navigator.
    await start.click();
    await page.waitForURL(/\/attempts\/[0-9a-f-]{36}(\?.*)?$/);
    const attemptPath = new URL(page.url()).pathname;
    await page.getByRole('heading', { level: 1, name: EXAM_TITLE }).waitFor();
    assert.equal(await questionHeading(page), `Question 1 of ${QUESTION_COUNT}`);
    assert.match(
      (await page.getByTestId('countdown').textContent()) ?? '',
      /^\s*(20:00|19:5\d)\s*$/,
    );
    await page.getByText(`0 of ${QUESTION_COUNT} answered`).waitFor();
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
    await page.getByText(`1 of ${QUESTION_COUNT} answered`).waitFor();

    // Then three more with the pointer, moving on with "Next".
    const chosen = new Map<string, string>();
    for (let n = 2; n <= 4; n++) {
      await page.getByRole('button', { name: 'Next', exact: true }).click();
      assert.equal(await questionHeading(page), `Question ${n} of ${QUESTION_COUNT}`);
      const questionText = (await page.locator('#question-text').textContent()) ?? '';
      chosen.set(questionText.trim(), await answerShownQuestion(page));
    }
    assert.equal((await saveStatus(page).textContent())?.trim(), 'Saved');
    await screenshot(page, 'learner-player-answered');

    // Reload in the middle: the same question, the same answers, the same attempt.
    await page.reload();
    await page.getByRole('heading', { level: 1, name: EXAM_TITLE }).waitFor();
    assert.equal(new URL(page.url()).pathname, attemptPath);
    assert.equal(await questionHeading(page), `Question 4 of ${QUESTION_COUNT}`);
    await page.getByText(`4 of ${QUESTION_COUNT} answered`).waitFor();
    const navigator = page.getByRole('navigation', { name: 'Questions' });
    for (let n = 1; n <= 4; n++) {
      await navigator.getByRole('button', { name: `Question ${n}, answered` }).waitFor();
    }
    await navigator.getByRole('button', { name: 'Question 5, unanswered' }).waitFor();

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
      assert.ok((await checked.count()) > 0, `question ${n} still has its answer after the reload`);
      const label = await checked
        .first()
        .evaluate((input) => input.closest('label, .mdc-form-field')?.textContent ?? '');
      assert.equal(label.trim(), chosen.get(questionText));
    }

    // Answer the rest, jumping from the navigator.
    for (let n = 5; n <= QUESTION_COUNT; n++) {
      await navigator.getByRole('button', { name: `Question ${n}, unanswered` }).click();
      assert.equal(await questionHeading(page), `Question ${n} of ${QUESTION_COUNT}`);
      await answerShownQuestion(page);
    }
    await page.getByText(`${QUESTION_COUNT} of ${QUESTION_COUNT} answered`).waitFor();

    // Review, then submit with confirmation.
    await navigator.getByRole('button', { name: 'Review and submit' }).click();
    await page.getByRole('heading', { name: 'Review your answers' }).waitFor();
    await page.getByText('Every question has an answer.').waitFor();
    await expectAccessible(page, 'the review screen');
    await screenshot(page, 'learner-player-review');
    await page.getByRole('button', { name: 'Submit exam' }).click();
    const dialog = page.getByRole('alertdialog', { name: 'Submit your answers?' });
    await dialog.waitFor();
    // Check the dialog once its opening animation is over (half-faded colours are not real ones).
    await page.waitForFunction(() => {
      const container = document.querySelector('.mat-mdc-dialog-container');
      return (
        container?.classList.contains('mdc-dialog--open') &&
        !container.classList.contains('mdc-dialog--opening')
      );
    });
    await expectAccessible(page, 'the submit confirmation');
    await screenshot(page, 'learner-player-confirm');
    await dialog.getByRole('button', { name: 'Submit exam' }).click();

    // The result: score, percentage, pass/fail, and the answers with explanations.
    await page.waitForURL(`${server.url}${attemptPath}/result`);
    await page.getByRole('heading', { level: 1, name: EXAM_TITLE }).waitFor();
    const verdict = (await page.getByTestId('verdict').textContent()) ?? '';
    assert.match(verdict, /Passed|Not passed/);
    assert.match(
      (await page.getByTestId('score').textContent()) ?? '',
      /\d+(\.\d)? %\s*\d+ of 10 points/,
    );
    assert.equal(await page.locator('.questions > li').count(), QUESTION_COUNT);
    assert.ok((await page.getByRole('heading', { name: 'Explanation' }).count()) > 0);
    await expectAccessible(page, 'the result page');
    await screenshot(page, 'learner-result');

    // "My results" from the account menu lists the attempt and links back to it.
    await page.getByRole('banner').getByRole('button', { name: learner.displayName }).click();
    await page.getByRole('menuitem', { name: 'My results' }).click();
    await page.waitForURL(`${server.url}/me/results`);
    await page.getByRole('heading', { level: 1, name: 'My results' }).waitFor();
    const row = page.getByRole('row').filter({ hasText: EXAM_TITLE });
    await row.waitFor();
    assert.match((await row.textContent()) ?? '', /Passed|Not passed/);
    await expectAccessible(page, 'my results');
    await screenshot(page, 'learner-my-results');
    await row.getByRole('link', { name: /View result/ }).click();
    await page.waitForURL(`${server.url}${attemptPath}/result`);

    // Only the anonymous visitor's "who am I?" (401) may show in the console.
    assert.deepEqual(unexpectedProblems(problems, [401]), []);
    await page.context().close();
  });

  it('loses no answer to a lost connection, a closed tab or an expired session', async () => {
    const ada = {
      username: 'ada',
      email: 'ada@example.org',
      displayName: 'Ada Lovelace',
      password: 'the analytical engine weaves algebraic patterns',
    };
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
    await page.goto(`${server.url}/exams`);
    await page.getByRole('list', { name: 'Exams' }).getByRole('link', { name: EXAM_TITLE }).click();
    await page.getByRole('button', { name: 'Create an account' }).click();
    await fillSignUp(page, ada);
    await page.getByRole('button', { name: 'Start exam' }).click();
    await page.waitForURL(/\/attempts\/[0-9a-f-]{36}(\?.*)?$/);
    const attemptPath = new URL(page.url()).pathname;
    const examPageUrl = `${server.url}/exams/${await page.evaluate(async (path) => {
      const response = await fetch(`/api${path}`);
      return ((await response.json()) as { examId: string }).examId;
    }, attemptPath)}`;
    await page.locator('#question-heading').waitFor();
    await answerShownQuestion(page);

    // The connection drops: the answer waits, and says so; it is saved once the browser is back.
    await page.getByRole('button', { name: 'Next', exact: true }).click();
    await context.setOffline(true);
    const second = await chooseShownQuestion(page);
    await saveStatus(page).getByText('Not saved — retrying').waitFor();
    await expectAccessible(page, 'the exam player, offline');
    await screenshot(page, 'learner-player-offline');
    await context.setOffline(false);
    await waitUntilSaved(page);

    // Offline again, answer, and close the tab before the answer reaches the server.
    await page.getByRole('button', { name: 'Next', exact: true }).click();
    await context.setOffline(true);
    const third = await chooseShownQuestion(page);
    await saveStatus(page).getByText('Not saved — retrying').waitFor();
    await page.close();
    await context.setOffline(false);

    // A new tab, from the exam's page: "Resume exam" opens the same question, with the answer.
    page = await context.newPage();
    problems.push(...watch(page));
    await page.goto(examPageUrl);
    await page.getByRole('link', { name: 'Resume exam' }).click();
    await page.waitForURL(`${server.url}${attemptPath}`);
    await page.getByText(`3 of ${QUESTION_COUNT} answered`).waitFor();
    assert.equal(await questionHeading(page), `Question 3 of ${QUESTION_COUNT}`);
    assert.equal(await checkedLabel(page), third);
    await waitUntilSaved(page);
    await page
      .getByRole('navigation', { name: 'Questions' })
      .getByRole('button', {
        name: 'Question 2, answered',
      })
      .click();
    assert.equal(await checkedLabel(page), second);

    // The session ends (cookies gone) while answering: the app says so plainly, signs in again and
    // comes back to the same question, where the answer that was refused is saved after all.
    await page.getByRole('button', { name: 'Next', exact: true }).click();
    await page.getByRole('button', { name: 'Next', exact: true }).click();
    assert.equal(await questionHeading(page), `Question 4 of ${QUESTION_COUNT}`);
    await context.clearCookies();
    const fourth = await chooseShownQuestion(page);
    const notice = page.locator('mat-snack-bar-container').filter({
      hasText: 'Your session has expired — sign in again.',
    });
    await notice.waitFor();
    await saveStatus(page).getByText('Not saved — sign in again').waitFor();
    // Material keeps the message hidden for a moment before its live region announces it; axe
    // looks once it has.
    await notice.locator('[aria-live]').getByText('Your session has expired').waitFor();
    await expectAccessible(page, 'the exam player after the session ended');
    await screenshot(page, 'learner-player-session-expired');
    // Leaving with an unsaved answer asks first; the learner goes anyway.
    page.on('dialog', (dialog) => void dialog.accept());
    await notice.getByRole('button', { name: 'Sign in' }).click();
    await fillSignIn(page, ada);
    await page.waitForURL(`${server.url}${attemptPath}?question=4`);
    await page.getByText(`4 of ${QUESTION_COUNT} answered`).waitFor();
    assert.equal(await questionHeading(page), `Question 4 of ${QUESTION_COUNT}`);
    assert.equal(await checkedLabel(page), fourth);
    await waitUntilSaved(page);

    // The server has all four: a fresh tab (nothing kept in the browser) shows them.
    await page.evaluate(() => {
      localStorage.clear();
    });
    await page.reload();
    await page.getByText(`4 of ${QUESTION_COUNT} answered`).waitFor();

    // Only the refused requests of the offline moments and of the ended session may show.
    assert.deepEqual(
      problems.filter(
        (problem) => !/status of 401 |net::ERR_INTERNET_DISCONNECTED|Failed to fetch/.test(problem),
      ),
      [],
    );
    await context.close();
  });

  it('on a phone: the way in on the first screen, the countdown always in view, and a time-out that says so', async () => {
    const linus = {
      username: 'linus',
      email: 'linus@example.org',
      displayName: 'Linus Pauling',
      password: 'two nobel prizes and a great deal of vitamin c',
    };
    const title = 'Web security basics';
    const { page, problems } = await openPage(browser, { viewport: PHONE });
    // The browser's clock, so the test can move it to the end of the exam instead of waiting.
    await page.clock.install();

    // The exam's page: the way in is on the first screen, before the description.
    await page.goto(`${server.url}/exams`);
    await page.getByRole('list', { name: 'Exams' }).getByRole('link', { name: title }).click();
    await page.getByRole('heading', { level: 1, name: title }).waitFor();
    const examUrl = page.url();
    const examId = new URL(examUrl).pathname.split('/').at(-1) ?? '';
    await assertAboveTheFold(
      page,
      page.getByRole('button', { name: 'Sign in to take this exam' }),
      'Sign in to take this exam',
    );
    await expectAccessible(page, 'the exam page on a phone (visitor)');
    await screenshot(page, 'learner-exam-phone-visitor');
    const beforeSignUp = problems.length;
    await page.getByRole('button', { name: 'Create an account' }).click();
    await fillSignUp(page, linus);
    await page.waitForURL(examUrl);
    const start = page.getByRole('button', { name: 'Start exam' });
    await start.waitFor();
    problems.splice(
      beforeSignUp,
      problems.length - beforeSignUp,
      ...problems.slice(beforeSignUp).filter((problem) => !abortedByNavigation(problem)),
    );
    await assertAboveTheFold(page, start, 'Start exam');
    await screenshot(page, 'learner-exam-phone-signed-in');

    // The last question, scrolled to the bottom of the page: the countdown is still in view.
    await start.click();
    await page.waitForURL(/\/attempts\/[0-9a-f-]{36}(\?.*)?$/);
    await page.locator('#question-heading').waitFor();
    const total = Number(/of (\d+)$/.exec(await questionHeading(page))?.[1]);
    assert.ok(total > 1, 'the exam has several questions');
    const navigator = page.getByRole('navigation', { name: 'Questions' });
    await navigator.getByRole('button', { name: `Question ${String(total)}, unanswered` }).click();
    assert.equal(await questionHeading(page), `Question ${String(total)} of ${String(total)}`);
    await answerShownQuestion(page);
    await page.evaluate(() => {
      window.scrollTo(0, document.documentElement.scrollHeight);
    });
    await page.waitForFunction(() => window.scrollY > 0);
    await assertInView(page, page.getByTestId('countdown'), 'the countdown');
    await assertInView(page, saveStatus(page), 'the save status');

    // The navigator's legend says in words which questions are answered: no sample squares
    // that look like checkboxes to tick.
    const legend = navigator.locator('.legend');
    assert.equal((await legend.textContent())?.trim(), 'Answered questions are ticked ✓');
    const boxes = await legend.evaluate(
      (element) =>
        [...element.querySelectorAll('*')].filter((child) => {
          const style = getComputedStyle(child);
          return style.borderTopStyle !== 'none' || style.backgroundColor !== 'rgba(0, 0, 0, 0)';
        }).length,
    );
    assert.equal(boxes, 0, 'the legend draws no boxes');
    await expectAccessible(page, 'the exam player on a phone, scrolled to the end');
    // What the learner sees there (a full-page picture would scroll back to the top).
    await page.screenshot({ path: join(screenshotDir, 'learner-player-phone-scrolled.png') });

    // The time runs out with the page open: the page submits, and the attempt ended because
    // time ran out, not because the learner submitted.
    await page.clock.fastForward('16:00');
    await page.waitForURL(/\/attempts\/[0-9a-f-]{36}\/result$/);
    const attemptId = new URL(page.url()).pathname.split('/')[2] ?? '';
    await page
      .getByText('Time ran out: the answers saved before the deadline were graded.')
      .waitFor();
    assert.equal((await page.locator('.details dt').first().textContent())?.trim(), 'Time ran out');
    // The questions left blank say so; they were not answered wrongly.
    const verdicts = (await page.locator('.question-verdict').allTextContents()).map((verdict) =>
      verdict.replace(/\s+/g, ' ').trim(),
    );
    assert.equal(verdicts.length, total);
    assert.equal(
      verdicts.filter((verdict) => verdict.startsWith('Not answered')).length,
      total - 1,
    );
    assert.match(verdicts.at(-1) ?? '', /^(Correct|Incorrect) · /);
    await expectAccessible(page, 'the result of a timed-out attempt on a phone');
    await screenshot(page, 'learner-result-time-ran-out');

    // "My results" says it too.
    await page.goto(`${server.url}/me/results`);
    const row = page.getByRole('row').filter({ hasText: title });
    await row.waitFor();
    await row.getByText('Time ran out').waitFor();
    await expectAccessible(page, 'my results with a timed-out attempt');
    assert.deepEqual(
      unexpectedProblems(problems, [401]).filter((problem) => !abortedByNavigation(problem)),
      [],
    );
    await page.context().close();

    // And so does the exam's list of attempts, for its author or an admin.
    const admin = {
      username: 'marie',
      email: 'marie@example.org',
      displayName: 'Marie Curie',
      password: 'nothing in life is to be feared, only understood',
    };
    await createUser(journey.databaseUrl, server.url, admin, 'admin');
    const staff = await openPage(browser);
    await staff.page.goto(`${server.url}/authoring/${examId}/attempts`);
    await fillSignIn(staff.page, admin);
    await staff.page.waitForURL(`${server.url}/authoring/${examId}/attempts`);
    const attempt = staff.page.getByRole('row').filter({ hasText: linus.displayName });
    await attempt.waitFor();
    assert.match((await attempt.textContent()) ?? '', /time ran out/i);
    const view = await staff.page.evaluate(async (id) => {
      const response = await fetch(`/api/exams/${id}/attempts`);
      return ((await response.json()) as { items: { attemptId: string; state: string }[] }).items;
    }, examId);
    assert.deepEqual(
      view.filter((item) => item.attemptId === attemptId).map((item) => item.state),
      ['expired'],
    );
    await staff.page.context().close();
  });

  it('keeps the place when a visitor opens an attempt address without signing in', async () => {
    const { page, problems } = await openPage(browser);
    await page.goto(`${server.url}/me/results`);
    await page.getByRole('heading', { level: 1, name: 'Sign in to Assay' }).waitFor();
    assert.match(page.url(), /\/interaction\//);
    assert.deepEqual(
      unexpectedProblems(problems, [401]).filter((problem) => !abortedByNavigation(problem)),
      [],
    );
    await page.context().close();
  });
});
