// Instructor journey: an instructor (made with the admin command line) signs in, creates an exam,
// is told what is missing before publishing, adds and reorders questions by keyboard, publishes;
// a learner signs up in a second browser and takes the exam; the instructor sees the attempt.
// A learner cannot reach the authoring pages, in the app or in the API. Axe runs on every page.
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

const instructor = account(
  'grace',
  'Grace Hopper',
  'a ship in port is safe but that is not what ships are for',
);
const learner = account('alan', 'Alan Turing', 'can machines think about universal computation');
const examTitle = 'TypeScript Advanced Exam';

test.use({ journey: 'instructor', staff: { account: instructor, role: 'instructor' } });

/** Waits for a notification, then dismisses it (as a user would before moving on). */
async function expectNotice(page: Page, text: string | RegExp): Promise<void> {
  const notice = page.locator('mat-snack-bar-container').filter({ hasText: text });
  await expect(notice).toBeVisible();
  await notice.getByRole('button', { name: 'Dismiss' }).click();
  await expect(notice).not.toBeAttached();
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
  await expect(page.getByRole('heading', { name: /^New question \d+$/ })).toBeVisible();
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

/**
 * Answers the exam's three questions, each with the entry of `answers` whose key its text
 * contains, then submits (confirming if asked).
 */
async function answerAndSubmit(
  page: Page,
  answers: Record<string, () => Promise<void>>,
): Promise<void> {
  for (let i = 0; i < 3; i++) {
    const text = (await page.locator('#question-text').textContent()) ?? '';
    const answer = Object.entries(answers).find(([key]) => text.includes(key));
    expect(answer, `an answer for "${text}"`).toBeTruthy();
    await answer![1]();
    await page.getByRole('button', { name: i < 2 ? 'Next' : 'Review answers' }).click();
  }
  await page.getByRole('button', { name: 'Submit exam' }).click();
  const confirm = page.getByRole('alertdialog').or(page.getByRole('dialog'));
  if (await confirm.isVisible().catch(() => false)) {
    await confirm.getByRole('button', { name: /^Submit/ }).click();
  }
}

test.describe('an instructor writes, publishes and follows an exam', () => {
  // One story: each step starts where the one before it ended.
  test.describe.configure({ mode: 'serial' });

  let examId = '';

  test('signs the instructor in on the way to "My exams"', async ({ assay, staffPage }) => {
    const { page } = staffPage;
    await page.goto(`${assay.url}/authoring`);
    await fillSignIn(page, instructor);
    await expect(page).toHaveURL(`${assay.url}/authoring`);
    await expect(page.getByRole('heading', { level: 1, name: 'My exams' })).toBeVisible();
    await expect(page.getByText('No exams yet')).toBeVisible();
    await expect(page).toHaveTitle(/^My exams · Assay$/);
    expect(await accountMenuItems(page, instructor)).toContain('My exams');
    await expectAccessible(page, 'My exams (empty)');
    await screenshot(page, 'instructor-my-exams-empty');
  });

  test('creates a draft and saves its settings', async ({ staffPage }) => {
    const { page } = staffPage;
    await page.getByRole('button', { name: 'New exam' }).click();
    await page.getByLabel('Title').fill(examTitle);
    await page
      .getByLabel('Short description (optional)')
      .fill('Tricky questions about TypeScript.');
    await expectAccessible(page, 'the new exam form');
    await page.getByRole('button', { name: 'Create draft' }).click();

    await expect(page).toHaveURL(/\/authoring\/[0-9a-f-]{36}$/);
    examId = new URL(page.url()).pathname.split('/').at(-1) ?? '';
    await expect(page.getByRole('heading', { level: 1, name: examTitle })).toBeVisible();
    await expect(page.getByText('Draft', { exact: true })).toBeVisible();

    await page
      .getByLabel('Long description')
      .fill('## Before you start\n\nYou have **20 minutes**.');
    await expect(page.getByRole('heading', { name: 'Before you start' })).toBeVisible(); // the live preview
    await page.getByLabel('Time limit (minutes)').fill('20');
    await page.getByLabel('Pass mark (%)').fill('60');
    await page.getByRole('radio', { name: 'Correct answers and explanations' }).check();
    await page.getByRole('button', { name: 'Save settings' }).click();
    await expectNotice(page, 'Settings saved');
    await expectAccessible(page, 'the exam editor (no questions)');
  });

  test('says what is missing instead of publishing an exam without questions', async ({
    staffPage,
  }) => {
    const { page } = staffPage;
    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    const issues = page.getByRole('alert').filter({ hasText: 'Fix these before publishing' });
    await expect(issues.getByText('Add at least one question.')).toBeVisible();
    await expect(page.getByRole('alertdialog'), 'no confirmation is asked').toHaveCount(0);
    await expectAccessible(page, 'the exam editor with publish problems');
    await screenshot(page, 'instructor-editor-publish-problems');
  });

  test('adds three question types and reorders them with the keyboard', async ({ staffPage }) => {
    const { page } = staffPage;
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
    await expect(page.getByRole('heading', { name: 'New question 3' })).toBeVisible();
    await expectAccessible(page, 'the question editor');
    await screenshot(page, 'instructor-question-editor');
    await writeQuestion(page, {
      type: 'True / false',
      text: 'Every JavaScript program is a valid TypeScript program.',
      correct: [1],
    });
    await expect(page.getByRole('alert').filter({ hasText: 'Fix these' })).not.toBeAttached();

    // Move the true/false question up by keyboard; focus stays on the button that moved it.
    await page.getByRole('button', { name: 'Move up: question 3' }).focus();
    await page.keyboard.press('Enter');
    await expect(
      page.locator('mat-snack-bar-container', { hasText: 'moved to position 2' }),
    ).toBeVisible();
    await expect(
      page.getByRole('button', { name: 'Move up: question 2', exact: true }),
    ).toBeFocused();
    await expectNotice(page, 'Question moved to position 2');
    const texts = await page.locator('.questions .question-text').allTextContents();
    expect(texts.map((text) => text.trim())).toEqual([
      'What does typeof null evaluate to?',
      'Every JavaScript program is a valid TypeScript program.',
      'Which of these are primitive types?',
    ]);
    await expectAccessible(page, 'the exam editor with questions');
    await screenshot(page, 'instructor-editor-questions');

    // The editor on a phone, in the dark theme: nothing scrolls sideways, everything still passes.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.getByRole('button', { name: 'Edit question 1' }).click();
    await expect(page.getByRole('heading', { name: 'Edit question 1' })).toBeVisible();
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow, 'the editor fits a phone without sideways scrolling').toBe(0);
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
    expect(hintsSpillingOver, 'form hints stay inside their fields').toEqual([]);
    await expectAccessible(page, 'the question editor on a phone in the dark theme');
    await screenshot(page, 'instructor-editor-phone-dark');
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize({ width: 1280, height: 720 });
  });

  test('asks before leaving settings typed but not saved', async ({ staffPage }) => {
    const { page } = staffPage;
    await page.getByLabel('Time limit (minutes)').fill('25');
    await page.getByLabel('Pass mark (%)').fill('70');
    await page
      .getByRole('navigation', { name: 'Breadcrumb' })
      .getByRole('link', { name: 'My exams' })
      .click();
    const leave = page.getByRole('alertdialog', { name: 'Leave without saving?' });
    await expect(leave).toBeVisible();
    await expect(page.locator('.mdc-dialog--open:not(.mdc-dialog--opening)')).toBeVisible();
    await expectAccessible(page, 'the question before leaving unsaved settings');
    await leave.getByRole('button', { name: 'Stay' }).click();
    await expect(leave).not.toBeAttached();
    await expect(page).toHaveURL((url) => url.pathname === `/authoring/${examId}`);
    await expect(page.getByLabel('Pass mark (%)')).toHaveValue('70');
  });

  test('publishes after confirmation with the settings on screen, and locks the questions', async ({
    assay,
    staffPage,
  }) => {
    const { page } = staffPage;
    // The time limit and pass mark typed above are still unsaved: publishing saves them first.
    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    const dialog = page.getByRole('alertdialog', { name: 'Publish this exam?' });
    await expect(dialog).toBeVisible();
    await expect(dialog.getByText('Your changes to the settings are saved first')).toBeVisible();
    // Axe measures colours, so let the dialog finish fading in.
    await expect(page.locator('.mdc-dialog--open:not(.mdc-dialog--opening)')).toBeVisible();
    await expectAccessible(page, 'the publish confirmation');
    await dialog.getByRole('button', { name: 'Save and publish', exact: true }).click();
    await expectNotice(page, /exam published/i);
    await expect(page.getByText('Published', { exact: true })).toBeVisible();
    const live = await page.context().request.get(`${assay.url}/api/exams/${examId}/edit`);
    expect(live.status()).toBe(200);
    const settings = (await live.json()) as { timeLimitMinutes: number; passMark: number };
    expect(
      { timeLimitMinutes: settings.timeLimitMinutes, passMark: settings.passMark },
      'the exam went live with the settings on screen',
    ).toEqual({ timeLimitMinutes: 25, passMark: 70 });
    await expect(page.getByText('Unpublish to edit questions')).toBeVisible();
    await expect(page.getByRole('button', { name: /^Edit question/ })).toHaveCount(0);
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
    await page.goto(`${assay.url}/authoring`);
    expect(await asked).toBe('beforeunload');
    const row = page.getByRole('row', { name: new RegExp(examTitle) });
    await expect(row.getByText('Published')).toBeVisible();
    await expect(row.getByRole('cell', { name: '3', exact: true })).toBeVisible();
    await expectAccessible(page, 'My exams');
    await screenshot(page, 'instructor-my-exams');
  });

  test('lets a learner who signs up take the published exam', async ({ assay, learnerPage }) => {
    const { page } = learnerPage;
    await page.goto(`${assay.url}/exams/${examId}`);
    await expect(page.getByRole('heading', { level: 1, name: examTitle })).toBeVisible();
    await page.getByRole('button', { name: 'Create an account' }).click();
    await fillSignUp(page, learner);
    await expect(page).toHaveURL(`${assay.url}/exams/${examId}`);
    await page.getByRole('button', { name: 'Start exam' }).click();
    await expect(page).toHaveURL(/\/attempts\/[0-9a-f-]{36}$/);

    const answers: Record<string, () => Promise<void>> = {
      'typeof null': () => page.getByRole('radio', { name: '"object"' }).check(),
      'valid TypeScript': () => page.getByRole('radio', { name: 'False' }).check(),
      primitive: async () => {
        await page.getByRole('checkbox', { name: 'string' }).check();
        await page.getByRole('checkbox', { name: 'boolean' }).check();
      },
    };
    await answerAndSubmit(page, answers);
    await expect(page).toHaveURL(/\/attempts\/[0-9a-f-]{36}\/result$/);
    await expect(page.getByText(/passed/i).first()).toBeVisible();
  });

  test('lets the learner try again and miss the pass mark', async ({ assay, learnerPage }) => {
    const { page } = learnerPage;
    await page.goto(`${assay.url}/exams/${examId}`);
    await page.getByRole('button', { name: /^Start/ }).click();
    await expect(page).toHaveURL(/\/attempts\/[0-9a-f-]{36}$/);
    // Every answer wrong: 0 of 3, under the pass mark of 70 %.
    const wrong: Record<string, () => Promise<void>> = {
      'typeof null': () => page.getByRole('radio', { name: '"null"' }).check(),
      'valid TypeScript': () => page.getByRole('radio', { name: 'True' }).check(),
      primitive: () => page.getByRole('checkbox', { name: 'object' }).check(),
    };
    await answerAndSubmit(page, wrong);
    await expect(page).toHaveURL(/\/attempts\/[0-9a-f-]{36}\/result$/);
    await expect(page.getByText('Not passed', { exact: true }).first()).toBeVisible();
  });

  test("shows the instructor the learner's attempts, in the learner's words", async ({
    assay,
    staffPage,
  }) => {
    const { page } = staffPage;
    await page.goto(`${assay.url}/authoring/${examId}/attempts`);
    await expect(page.getByRole('heading', { level: 1, name: /Attempts/ })).toBeVisible();
    const rows = page.getByRole('row', { name: new RegExp(learner.displayName) });
    const passed = rows.filter({ hasText: '3 / 3' });
    await expect(passed.getByText('Passed', { exact: true })).toBeVisible();
    // The learner read "Not passed"; the instructor reads the same words.
    const missed = rows.filter({ hasText: '0 / 3' });
    await expect(missed.getByText('Not passed', { exact: true })).toBeVisible();
    await expect(page.getByText(/\bfailed\b/i)).toHaveCount(0);
    await expectAccessible(page, 'the attempts at the exam');
    await screenshot(page, 'instructor-attempts');

    // "My exams" counts it.
    await page.goto(`${assay.url}/authoring`);
    await expect(
      page
        .getByRole('row', { name: new RegExp(examTitle) })
        .getByRole('link', { name: `2 attempts at ${examTitle}` }),
    ).toBeVisible();
    expect(unexpectedProblems(staffPage.problems)).toEqual([]);
  });

  test('keeps a learner out of the authoring pages and the authoring API', async ({
    assay,
    learnerPage,
  }) => {
    const { page } = learnerPage;
    expect(await accountMenuItems(page, learner)).not.toContain('My exams');

    await page.goto(`${assay.url}/authoring/${examId}`);
    await expect(
      page.getByRole('heading', { level: 1, name: "You don't have access to this page" }),
    ).toBeVisible();
    await expect(page).toHaveURL((url) => url.pathname === `/authoring/${examId}`);
    await expect(page.getByText(examTitle)).toHaveCount(0);
    await expectAccessible(page, 'the no-access page');
    await screenshot(page, 'learner-no-access');

    const api = page.context().request;
    const mine = await api.get(`${assay.url}/api/my/exams`);
    expect(mine.status()).toBe(403);
    expect(((await mine.json()) as { code: string }).code).toBe('insufficient_permission');
    const edit = await api.get(`${assay.url}/api/exams/${examId}/edit`);
    expect(edit.status()).toBe(403);
    expect(unexpectedProblems(learnerPage.problems)).toEqual([]);
  });
});
