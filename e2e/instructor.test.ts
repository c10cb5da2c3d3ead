// Instructor journey: an instructor (made with the admin command line) signs in, creates an exam,
// is told what is missing before publishing, adds and reorders questions by keyboard, publishes;
// a learner signs up in a second browser and takes the exam; the instructor sees the attempt.
// A learner cannot reach the authoring pages, in the app or in the API. Axe runs on every page.
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

const instructor: Account = {
  username: 'grace',
  email: 'grace@example.org',
  displayName: 'Grace Hopper',
  password: 'a ship in port is safe but that is not what ships are for',
};
const learner: Account = {
  username: 'alan',
  email: 'alan@example.org',
  displayName: 'Alan Turing',
  password: 'can machines think about universal computation',
};
const examTitle = 'TypeScript Advanced Exam';

/** Waits for a notification, then dismisses it (as a user would before moving on). */
async function expectNotice(page: Page, text: string | RegExp): Promise<void> {
  const notice = page.locator('mat-snack-bar-container').filter({ hasText: text });
  await notice.waitFor();
  await notice.getByRole('button', { name: 'Dismiss' }).click();
  await notice.waitFor({ state: 'detached' });
}

/** Writes one question in the open question editor and saves it. */
async function writeQuestion(
  page: Page,
  question: {
    type: 'Single choice' | 'Multiple choice' | 'True / false';
    text: string;
    choices?: readonly string[];
    correct: readonly number[];
    explanation?: string;
  },
): Promise<void> {
  await page.getByRole('heading', { name: /^New question \d+$/ }).waitFor();
  if (question.type !== 'Single choice') {
    await page.getByRole('combobox', { name: 'Question type' }).click();
    await page.getByRole('option', { name: question.type }).click();
  }
  await page.getByLabel('Question', { exact: true }).fill(question.text);
  const choices = question.choices ?? [];
  for (let i = 0; i < choices.length; i++) {
    if (i >= 2) await page.getByRole('button', { name: 'Add choice' }).click();
    await page.getByLabel(`Choice ${i + 1}`, { exact: true }).fill(choices[i] ?? '');
  }
  for (const index of question.correct) {
    const role = question.type === 'Multiple choice' ? 'checkbox' : 'radio';
    await page.getByRole(role, { name: `Choice ${index + 1} is correct` }).check();
  }
  if (question.explanation) {
    await page.getByLabel('Explanation (optional)').fill(question.explanation);
  }
  await page.getByRole('button', { name: 'Add question' }).click();
  await expectNotice(page, 'Question added');
}

describe('an instructor writes, publishes and follows an exam', () => {
  let journey: Journey;
  let server: RunningServer;
  let browser: Browser;
  let teacher: WatchedPage;
  let student: WatchedPage;
  let examId = '';

  before(async () => {
    journey = await startJourney();
    ({ server, browser } = journey);
    await createUser(journey.databaseUrl, server.url, instructor, 'instructor');
    teacher = await openPage(browser);
    student = await openPage(browser);
  });

  after(() => journey.end());

  it('signs the instructor in on the way to "My exams"', async () => {
    const { page } = teacher;
    await page.goto(`${server.url}/authoring`);
    await fillSignIn(page, instructor);
    await page.waitForURL(`${server.url}/authoring`);
    await page.getByRole('heading', { level: 1, name: 'My exams' }).waitFor();
    await page.getByText('No exams yet').waitFor();
    assert.match(await page.title(), /^My exams · Assay$/);
    assert.ok((await accountMenuItems(page, instructor)).includes('My exams'));
    await expectAccessible(page, 'My exams (empty)');
    await screenshot(page, 'instructor-my-exams-empty');
  });

  it('creates a draft and saves its settings', async () => {
    const { page } = teacher;
    await page.getByRole('button', { name: 'New exam' }).click();
    await page.getByLabel('Title').fill(examTitle);
    await page
      .getByLabel('Short description (optional)')
      .fill('Tricky questions about TypeScript.');
    await expectAccessible(page, 'the new exam form');
    await page.getByRole('button', { name: 'Create draft' }).click();

    await page.waitForURL(/\/authoring\/[0-9a-f-]{36}$/);
    examId = new URL(page.url()).pathname.split('/').at(-1) ?? '';
    await page.getByRole('heading', { level: 1, name: examTitle }).waitFor();
    await page.getByText('Draft', { exact: true }).waitFor();

    await page
      .getByLabel('Long description')
      .fill('## Before you start\n\nYou have **20 minutes**.');
    await page.getByRole('heading', { name: 'Before you start' }).waitFor(); // the live preview
    await page.getByLabel('Time limit (minutes)').fill('20');
    await page.getByLabel('Pass mark (%)').fill('60');
    await page.getByRole('radio', { name: 'Correct answers and explanations' }).check();
    await page.getByRole('button', { name: 'Save settings' }).click();
    await expectNotice(page, 'Settings saved');
    await expectAccessible(page, 'the exam editor (no questions)');
  });

  it('says what is missing instead of publishing an exam without questions', async () => {
    const { page } = teacher;
    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    const issues = page.getByRole('alert').filter({ hasText: 'Fix these before publishing' });
    await issues.getByText('Add at least one question.').waitFor();
    assert.equal(await page.getByRole('alertdialog').count(), 0, 'no confirmation is asked');
    await expectAccessible(page, 'the exam editor with publish problems');
    await screenshot(page, 'instructor-editor-publish-problems');
  });

  it('adds three question types and reorders them with the keyboard', async () => {
    const { page } = teacher;
    await page.getByRole('button', { name: 'Add question' }).click();
    await writeQuestion(page, {
      type: 'Single choice',
      text: 'What does `typeof null` evaluate to?',
      choices: ['"null"', '"object"', '"undefined"'],
      correct: [1],
      explanation: 'A historical quirk of JavaScript.',
    });
    await page.getByRole('button', { name: 'Add question' }).click();
    await writeQuestion(page, {
      type: 'Multiple choice',
      text: 'Which of these are primitive types?',
      choices: ['string', 'object', 'boolean'],
      correct: [0, 2],
    });
    await page.getByRole('button', { name: 'Add question' }).click();
    await page.getByRole('heading', { name: 'New question 3' }).waitFor();
    await expectAccessible(page, 'the question editor');
    await screenshot(page, 'instructor-question-editor');
    await writeQuestion(page, {
      type: 'True / false',
      text: 'Every JavaScript program is a valid TypeScript program.',
      correct: [1],
    });
    await page.getByRole('alert').filter({ hasText: 'Fix these' }).waitFor({ state: 'detached' });

    // Move the true/false question up by keyboard; focus stays on the button that moved it.
    await page.getByRole('button', { name: 'Move up: question 3' }).focus();
    await page.keyboard.press('Enter');
    await page.locator('mat-snack-bar-container', { hasText: 'moved to position 2' }).waitFor();
    const focused = await page.evaluate(() => document.activeElement?.getAttribute('aria-label'));
    assert.equal(focused, 'Move up: question 2');
    await expectNotice(page, 'Question moved to position 2');
    const texts = await page.locator('.questions .question-text').allTextContents();
    assert.deepEqual(
      texts.map((text) => text.trim()),
      [
        'What does typeof null evaluate to?',
        'Every JavaScript program is a valid TypeScript program.',
        'Which of these are primitive types?',
      ],
    );
    await expectAccessible(page, 'the exam editor with questions');
    await screenshot(page, 'instructor-editor-questions');

    // The editor on a phone, in the dark theme: nothing scrolls sideways, everything still passes.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.getByRole('button', { name: 'Edit question 1' }).click();
    await page.getByRole('heading', { name: 'Edit question 1' }).waitFor();
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    assert.equal(overflow, 0, 'the editor fits a phone without sideways scrolling');
    // A hint that wraps must push what follows down, not run under it.
    const hintsSpillingOver = await page.evaluate(() =>
      [...document.querySelectorAll('mat-hint')]
        .filter((hint) => {
          const field = hint.closest('mat-form-field');
          return (
            field && hint.getBoundingClientRect().bottom > field.getBoundingClientRect().bottom + 1
          );
        })
        .map((hint) => hint.textContent.trim()),
    );
    assert.deepEqual(hintsSpillingOver, [], 'form hints stay inside their fields');
    await expectAccessible(page, 'the question editor on a phone in the dark theme');
    await screenshot(page, 'instructor-editor-phone-dark');
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize({ width: 1280, height: 720 });
  });

  it('asks before leaving settings typed but not saved', async () => {
    const { page } = teacher;
    await page.getByLabel('Time limit (minutes)').fill('25');
    await page.getByLabel('Pass mark (%)').fill('70');
    await page
      .getByRole('navigation', { name: 'Breadcrumb' })
      .getByRole('link', { name: 'My exams' })
      .click();
    const leave = page.getByRole('alertdialog', { name: 'Leave without saving?' });
    await leave.waitFor();
    await page.locator('.mdc-dialog--open:not(.mdc-dialog--opening)').waitFor();
    await expectAccessible(page, 'the question before leaving unsaved settings');
    await leave.getByRole('button', { name: 'Stay' }).click();
    await leave.waitFor({ state: 'detached' });
    assert.equal(new URL(page.url()).pathname, `/authoring/${examId}`);
    assert.equal(await page.getByLabel('Pass mark (%)').inputValue(), '70');
  });

  it('publishes after confirmation with the settings on screen, and locks the questions', async () => {
    const { page } = teacher;
    // The time limit and pass mark typed above are still unsaved: publishing saves them first.
    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    const dialog = page.getByRole('alertdialog', { name: 'Publish this exam?' });
    await dialog.waitFor();
    await dialog.getByText('Your changes to the settings are saved first').waitFor();
    // Axe measures colours, so let the dialog finish fading in.
    await page.locator('.mdc-dialog--open:not(.mdc-dialog--opening)').waitFor();
    await expectAccessible(page, 'the publish confirmation');
    await dialog.getByRole('button', { name: 'Save and publish', exact: true }).click();
    await expectNotice(page, /exam published/i);
    await page.getByText('Published', { exact: true }).waitFor();
    const live = await page.context().request.get(`${server.url}/api/exams/${examId}/edit`);
    assert.equal(live.status(), 200);
    const settings = (await live.json()) as { timeLimitMinutes: number; passMark: number };
    assert.deepEqual(
      { timeLimitMinutes: settings.timeLimitMinutes, passMark: settings.passMark },
      { timeLimitMinutes: 25, passMark: 70 },
      'the exam went live with the settings on screen',
    );
    await page.getByText('Unpublish to edit questions').waitFor();
    assert.equal(await page.getByRole('button', { name: /^Edit question/ }).count(), 0);
    await expectAccessible(page, 'the published exam');
    await screenshot(page, 'instructor-published');

    // Leaving the page itself (reload, another address) with a change unsaved: the browser asks.
    await page.getByLabel('Title', { exact: true }).fill(`${examTitle} (draft title)`);
    const asked = new Promise<string>((resolve) => {
      page.once('dialog', (dialog) => {
        resolve(dialog.type());
        void dialog.accept();
      });
    });
    await page.goto(`${server.url}/authoring`);
    assert.equal(await asked, 'beforeunload');
    const row = page.getByRole('row', { name: new RegExp(examTitle) });
    await row.getByText('Published').waitFor();
    await row.getByRole('cell', { name: '3', exact: true }).waitFor();
    await expectAccessible(page, 'My exams');
    await screenshot(page, 'instructor-my-exams');
  });

  it('lets a learner who signs up take the published exam', async () => {
    const { page } = student;
    await page.goto(`${server.url}/exams/${examId}`);
    await page.getByRole('heading', { level: 1, name: examTitle }).waitFor();
    await page.getByRole('button', { name: 'Create an account' }).click();
    await fillSignUp(page, learner);
    await page.waitForURL(`${server.url}/exams/${examId}`);
    await page.getByRole('button', { name: 'Start exam' }).click();
    await page.waitForURL(/\/attempts\/[0-9a-f-]{36}$/);

    const answers: Record<string, () => Promise<void>> = {
      'typeof null': () => page.getByRole('radio', { name: '"object"' }).check(),
      'valid TypeScript': () => page.getByRole('radio', { name: 'False' }).check(),
      primitive: async () => {
        await page.getByRole('checkbox', { name: 'string' }).check();
        await page.getByRole('checkbox', { name: 'boolean' }).check();
      },
    };
    for (let i = 0; i < 3; i++) {
      const text = (await page.locator('#question-text').textContent()) ?? '';
      const answer = Object.entries(answers).find(([key]) => text.includes(key));
      assert.ok(answer, `an answer for "${text}"`);
      await answer[1]();
      await page.getByRole('button', { name: i < 2 ? 'Next' : 'Review answers' }).click();
    }
    await page.getByRole('button', { name: 'Submit exam' }).click();
    const confirm = page.getByRole('alertdialog').or(page.getByRole('dialog'));
    if (await confirm.isVisible().catch(() => false)) {
      await confirm.getByRole('button', { name: /^Submit/ }).click();
    }
    await page.waitForURL(/\/attempts\/[0-9a-f-]{36}\/result$/);
    await page
      .getByText(/passed/i)
      .first()
      .waitFor();
  });

  it('lets the learner try again and miss the pass mark', async () => {
    const { page } = student;
    await page.goto(`${server.url}/exams/${examId}`);
    await page.getByRole('button', { name: /^Start/ }).click();
    await page.waitForURL(/\/attempts\/[0-9a-f-]{36}$/);
    // Every answer wrong: 0 of 3, under the pass mark of 70 %.
    const wrong: Record<string, () => Promise<void>> = {
      'typeof null': () => page.getByRole('radio', { name: '"null"' }).check(),
      'valid TypeScript': () => page.getByRole('radio', { name: 'True' }).check(),
      primitive: () => page.getByRole('checkbox', { name: 'object' }).check(),
    };
    for (let i = 0; i < 3; i++) {
      const text = (await page.locator('#question-text').textContent()) ?? '';
      const answer = Object.entries(wrong).find(([key]) => text.includes(key));
      assert.ok(answer, `an answer for "${text}"`);
      await answer[1]();
      await page.getByRole('button', { name: i < 2 ? 'Next' : 'Review answers' }).click();
    }
    await page.getByRole('button', { name: 'Submit exam' }).click();
    const confirm = page.getByRole('alertdialog').or(page.getByRole('dialog'));
    if (await confirm.isVisible().catch(() => false)) {
      await confirm.getByRole('button', { name: /^Submit/ }).click();
    }
    await page.waitForURL(/\/attempts\/[0-9a-f-]{36}\/result$/);
    await page.getByText('Not passed', { exact: true }).first().waitFor();
  });

  it("shows the instructor the learner's attempts, in the learner's words", async () => {
    const { page } = teacher;
    await page.goto(`${server.url}/authoring/${examId}/attempts`);
    await page.getByRole('heading', { level: 1, name: /Attempts/ }).waitFor();
    const rows = page.getByRole('row', { name: new RegExp(learner.displayName) });
    const passed = rows.filter({ hasText: '3 / 3' });
    await passed.getByText('Passed', { exact: true }).waitFor();
    // The learner read "Not passed"; the instructor reads the same words.
    const missed = rows.filter({ hasText: '0 / 3' });
    await missed.getByText('Not passed', { exact: true }).waitFor();
    assert.equal(await page.getByText(/\bfailed\b/i).count(), 0);
    await expectAccessible(page, 'the attempts at the exam');
    await screenshot(page, 'instructor-attempts');

    // "My exams" counts it.
    await page.goto(`${server.url}/authoring`);
    await page
      .getByRole('row', { name: new RegExp(examTitle) })
      .getByRole('link', { name: `2 attempts at ${examTitle}` })
      .waitFor();
    assert.deepEqual(unexpectedProblems(teacher.problems), []);
  });

  it('keeps a learner out of the authoring pages and the authoring API', async () => {
    const { page } = student;
    assert.ok(!(await accountMenuItems(page, learner)).includes('My exams'));

    await page.goto(`${server.url}/authoring/${examId}`);
    await page
      .getByRole('heading', { level: 1, name: "You don't have access to this page" })
      .waitFor();
    assert.equal(new URL(page.url()).pathname, `/authoring/${examId}`);
    assert.equal(await page.getByText(examTitle).count(), 0);
    await expectAccessible(page, 'the no-access page');
    await screenshot(page, 'learner-no-access');

    const api = page.context().request;
    const mine = await api.get(`${server.url}/api/my/exams`);
    assert.equal(mine.status(), 403);
    assert.equal(((await mine.json()) as { code: string }).code, 'insufficient_permission');
    const edit = await api.get(`${server.url}/api/exams/${examId}/edit`);
    assert.equal(edit.status(), 403);
    assert.deepEqual(unexpectedProblems(student.problems), []);
  });
});
