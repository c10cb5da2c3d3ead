import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import type { HttpTestingController } from '@angular/common/http/testing';
import type { ComponentFixture } from '@angular/core/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MatDialogHarness } from '@angular/material/dialog/testing';
import { MatInputHarness } from '@angular/material/input/testing';
import { MatRadioButtonHarness } from '@angular/material/radio/testing';
import { provideRouter } from '@angular/router';
import type { AuthorQuestion, Exam } from '@assay/contracts';
import { createWithApi } from '../../testing/create-with-api';
import { AUTHORED_EXAM_ID as examId, authoredExam } from '../../testing/exams';
import { inputLabelled } from '../../testing/harnesses';
import { flushProblem } from '../../testing/problems';
import { noAnimations, provideRouteParams } from '../../testing/providers';
import { settle } from '../../testing/settle';
import { ExamEditor } from './exam-editor';

function makeQuestion(n: number, overrides: Partial<AuthorQuestion> = {}): AuthorQuestion {
  return {
    id: `00000000-0000-4000-8000-00000000000${n}`,
    position: n,
    type: 'single_choice',
    text: `Question text ${n}`,
    points: 1,
    explanation: '',
    choices: [
      { id: `00000000-0000-4000-8000-0000000001${n}1`, text: 'Yes', correct: true },
      { id: `00000000-0000-4000-8000-0000000001${n}2`, text: 'No', correct: false },
    ],
    ...overrides,
  };
}

function makeExam(questions: AuthorQuestion[], status: Exam['status'] = 'draft'): Exam {
  return authoredExam(questions, { status });
}

describe('The exam editor', () => {
  let fixture: ComponentFixture<ExamEditor>;
  let http: HttpTestingController;

  async function open(exam: Exam): Promise<void> {
    ({ fixture, http } = createWithApi(ExamEditor, {
      providers: [provideRouter([]), noAnimations, provideRouteParams({ examId })],
    }));
    fixture.detectChanges();
    http.expectOne(`/api/exams/${examId}/edit`).flush(exam);
    await settle(fixture);
  }

  afterEach(() => {
    http.verify();
  });

  const loader = () => TestbedHarnessEnvironment.loader(fixture);
  const root = () => fixture.nativeElement as HTMLElement;
  const button = (text: string | RegExp) => loader().getHarness(MatButtonHarness.with({ text }));
  const buttonLabelled = (label: string) =>
    loader().getHarness(MatButtonHarness.with({ selector: `[aria-label="${label}"]` }));
  const input = (label: string) => inputLabelled(loader(), label);
  const dialogs = () => TestbedHarnessEnvironment.documentRootLoader(fixture);
  /** Presses `text` in the open dialog, and lets the page act on the answer. */
  async function answerDialog(text: string): Promise<void> {
    const dialog = await dialogs().getHarness(MatDialogHarness);
    await (await dialog.getHarness(MatButtonHarness.with({ text }))).click();
    await settle(fixture);
  }
  const questionHeadings = () =>
    [...root().querySelectorAll('.questions article')].map((article) =>
      article.querySelector('.question-text')?.textContent.trim(),
    );

  it('refuses to publish an exam without questions, saying why, without asking the server', async () => {
    await open(makeExam([]));

    await (await button('Publish')).click();
    await settle(fixture);

    const summary = root().querySelector('#publish-issues');
    expect(summary?.textContent).toContain('Fix these before publishing');
    expect(summary?.textContent).toContain('Add at least one question.');
    expect(document.activeElement).toBe(summary);
    http.expectNone(`/api/exams/${examId}/publish`);
    expect(await dialogs().getAllHarnesses(MatDialogHarness)).toEqual([]);
  });

  it('lists every broken rule per question before publishing', async () => {
    await open(
      makeExam([
        makeQuestion(1),
        makeQuestion(2, {
          choices: [{ id: '00000000-0000-4000-8000-000000000299', text: 'Only', correct: false }],
        }),
        makeQuestion(3, {
          type: 'multiple_choice',
          choices: [
            { id: '00000000-0000-4000-8000-000000000391', text: 'A', correct: false },
            { id: '00000000-0000-4000-8000-000000000392', text: 'B', correct: false },
          ],
        }),
      ]),
    );

    await (await button('Publish')).click();
    await settle(fixture);

    const items = [...root().querySelectorAll('#publish-issues li')].map((li) =>
      li.textContent.replace(/\s+/g, ' ').trim(),
    );
    expect(items).toEqual([
      'Question 2: Add at least two choices.',
      'Question 2: Mark exactly one choice as correct.',
      'Question 3: Mark at least one choice as correct.',
    ]);
    const cards = [...root().querySelectorAll('.questions > li')];
    expect(cards[0]?.querySelector('.question-issues')).toBeNull();
    expect(cards[1]?.querySelector('.question-issues')?.textContent).toContain(
      'Add at least two choices.',
    );
    http.expectNone(`/api/exams/${examId}/publish`);
  });

  it('publishes a valid exam after confirmation', async () => {
    await open(makeExam([makeQuestion(1)]));

    await (await button('Publish')).click();
    expect(await (await dialogs().getHarness(MatDialogHarness)).getTitleText()).toBe(
      'Publish this exam?',
    );
    await answerDialog('Publish');

    const request = http.expectOne(`/api/exams/${examId}/publish`);
    expect(request.request.method).toBe('POST');
    request.flush(makeExam([makeQuestion(1)], 'published'));
    await settle(fixture);

    expect(root().textContent).toContain('Unpublish to edit questions');
    expect(await loader().getAllHarnesses(MatButtonHarness.with({ text: 'Edit' }))).toEqual([]);
  });

  it('saves settings typed but not saved before publishing, so the exam goes live with them', async () => {
    const exam = makeExam([makeQuestion(1)]);
    await open(exam);
    await (await input('Time limit (minutes)')).setValue('25');
    await (await input('Pass mark (%)')).setValue('70');
    expect(fixture.componentInstance.hasUnsavedChanges()).toBe(true);

    await (await button('Publish')).click();
    expect(await (await dialogs().getHarness(MatDialogHarness)).getContentText()).toContain(
      'Your changes to the settings are saved first',
    );
    await answerDialog('Save and publish');

    const save = http.expectOne({ method: 'PATCH', url: `/api/exams/${examId}` });
    expect(save.request.body).toMatchObject({ timeLimitMinutes: 25, passMark: 70 });
    // Not published before the settings are.
    http.expectNone(`/api/exams/${examId}/publish`);
    const saved = { ...exam, timeLimitMinutes: 25, passMark: 70 };
    save.flush(saved);
    await settle(fixture);
    http.expectOne(`/api/exams/${examId}/publish`).flush({ ...saved, status: 'published' });
    await settle(fixture);

    expect(root().textContent).toContain('Unpublish to edit questions');
    expect(fixture.componentInstance.hasUnsavedChanges()).toBe(false);
  });

  it('refuses to publish settings that cannot be saved, and shows what to fix', async () => {
    await open(makeExam([makeQuestion(1)]));
    await (await input('Pass mark (%)')).setValue('150');

    await (await button('Publish')).click();
    await settle(fixture);

    expect(await dialogs().getAllHarnesses(MatDialogHarness)).toEqual([]);
    http.expectNone({ method: 'PATCH' });
    http.expectNone(`/api/exams/${examId}/publish`);
    expect(document.activeElement?.getAttribute('formcontrolname')).toBe('passMark');
    expect(document.body.textContent).toContain('Fix the settings marked in red, then publish.');
  });

  it('knows when settings or a question are typed but not saved', async () => {
    await open(makeExam([makeQuestion(1)]));
    const page = fixture.componentInstance;
    expect(page.hasUnsavedChanges()).toBe(false);

    const title = await input('Title');
    await title.setValue('Another title');
    expect(page.hasUnsavedChanges()).toBe(true);
    await title.setValue('TypeScript Advanced Exam');
    expect(page.hasUnsavedChanges()).toBe(false);

    await (await button('Add question')).click();
    await settle(fixture);
    expect(page.hasUnsavedChanges()).toBe(false);
    await (await input('Question')).setValue('Is `unknown` a top type?');
    expect(page.hasUnsavedChanges()).toBe(true);
  });

  it('moves a question up with a button, saving the new order on the server', async () => {
    const [first, second, third] = [makeQuestion(1), makeQuestion(2), makeQuestion(3)];
    await open(makeExam([first, second, third]));
    expect(questionHeadings()).toEqual(['Question text 1', 'Question text 2', 'Question text 3']);
    expect(await (await buttonLabelled('Move up: question 1')).isDisabled()).toBe(true);

    await (await buttonLabelled('Move up: question 3')).click();

    const request = http.expectOne(`/api/exams/${examId}/questions/order`);
    expect(request.request.method).toBe('PUT');
    expect(request.request.body).toEqual({ questionIds: [first.id, third.id, second.id] });
    request.flush(makeExam([first, { ...third, position: 2 }, { ...second, position: 3 }]));
    await settle(fixture);

    expect(questionHeadings()).toEqual(['Question text 1', 'Question text 3', 'Question text 2']);
    // Focus stays on the button that was pressed, so it can be pressed again.
    expect(document.activeElement?.getAttribute('aria-label')).toBe('Move up: question 2');
  });

  it('deletes a question only after confirmation', async () => {
    await open(makeExam([makeQuestion(1), makeQuestion(2)]));

    await (await buttonLabelled('Delete question 1')).click();
    await answerDialog('Cancel');
    http.expectNone({ method: 'DELETE' });

    await (await buttonLabelled('Delete question 1')).click();
    await answerDialog('Delete question');
    http
      .expectOne({ method: 'DELETE', url: `/api/exams/${examId}/questions/${makeQuestion(1).id}` })
      .flush(null, { status: 204, statusText: 'No Content' });
    await settle(fixture);
    http
      .expectOne(`/api/exams/${examId}/edit`)
      .flush(makeExam([{ ...makeQuestion(2), position: 1 }]));
    await settle(fixture);

    expect(questionHeadings()).toEqual(['Question text 2']);
  });

  it("shows the server's reasons when it refuses to publish, on the questions they concern", async () => {
    const questions = [makeQuestion(1), makeQuestion(2)];
    await open(makeExam(questions));

    await (await button('Publish')).click();
    await answerDialog('Publish');
    // The client's rules pass, but the server (which has the last word) knows better.
    flushProblem(http.expectOne(`/api/exams/${examId}/publish`), 'exam_not_publishable', {
      detail: 'The exam breaks 1 publishing rule.',
      problems: [
        {
          rule: 'too_few_choices',
          questionPosition: 2,
          questionId: questions[1]!.id,
          field: '/questions/2/choices',
          message: 'Question 2 needs at least two choices that are not empty.',
        },
      ],
    });
    await settle(fixture);
    http.expectOne(`/api/exams/${examId}/edit`).flush(makeExam(questions));
    await settle(fixture);

    const items = [...root().querySelectorAll('#publish-issues li')].map((li) =>
      li.textContent.replace(/\s+/g, ' ').trim(),
    );
    expect(items).toEqual([
      'Question 2: Question 2 needs at least two choices that are not empty.',
    ]);
    expect(document.activeElement).toBe(root().querySelector('#publish-issues'));
    const cards = [...root().querySelectorAll('.questions > li')];
    expect(cards[1]?.querySelector('.question-issues')?.textContent).toContain(
      'needs at least two choices that are not empty',
    );
    expect(root().textContent).not.toContain('The server refused to publish this exam.');
  });

  it('locks the settings once the exam is archived', async () => {
    await open(makeExam([makeQuestion(1)], 'published'));
    expect(await (await input('Title')).isDisabled()).toBe(false);

    await (await button('Archive')).click();
    await answerDialog('Archive');
    http.expectOne(`/api/exams/${examId}/archive`).flush(makeExam([makeQuestion(1)], 'archived'));
    await settle(fixture);

    const inputs = await loader().getAllHarnesses(MatInputHarness);
    expect(inputs.length).toBeGreaterThan(4);
    expect(await Promise.all(inputs.map((input) => input.isDisabled()))).not.toContain(false);
    expect(
      await loader().getAllHarnesses(MatButtonHarness.with({ text: 'Save settings' })),
    ).toEqual([]);
    expect(root().textContent).toContain('This exam is archived');
  });

  it('adds a question written in the question editor, with its points and explanation', async () => {
    await open(makeExam([]));

    await (await button('Add question')).click();
    await settle(fixture);
    await (await input('Question')).setValue('Is `never` the empty type?');
    await (await input('Points')).setValue('3');
    await (await input('Choice 1')).setValue('Yes');
    await (await input('Choice 2')).setValue('No');
    const [correct] = await loader().getAllHarnesses(
      MatRadioButtonHarness.with({ ancestor: 'app-question-editor' }),
    );
    await correct!.check();
    await (await input('Explanation (optional)')).setValue('No value has type `never`.');
    await (
      await loader().getHarness(
        MatButtonHarness.with({ text: 'Add question', ancestor: 'app-question-editor' }),
      )
    ).click();
    await settle(fixture);

    const request = http.expectOne({ method: 'POST', url: `/api/exams/${examId}/questions` });
    expect(request.request.body).toEqual({
      type: 'single_choice',
      text: 'Is `never` the empty type?',
      points: 3,
      explanation: 'No value has type `never`.',
      choices: [
        { text: 'Yes', correct: true },
        { text: 'No', correct: false },
      ],
    });
    const added = makeQuestion(1, {
      text: 'Is `never` the empty type?',
      points: 3,
      explanation: 'No value has type `never`.',
    });
    request.flush(makeExam([added]));
    await settle(fixture);

    expect(questionHeadings()).toEqual(['Is never the empty type?']);
    expect(root().querySelector('.questions .meta')?.textContent).toContain('3 points');
    expect(root().querySelector('.questions .explanation')?.textContent).toContain(
      'No value has type never.',
    );
  });
});
