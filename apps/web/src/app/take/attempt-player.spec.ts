import type { HarnessLoader } from '@angular/cdk/testing';
import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import type { HttpTestingController, TestRequest } from '@angular/common/http/testing';
import { Component } from '@angular/core';
import type { ComponentFixture } from '@angular/core/testing';
import { TestBed } from '@angular/core/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MatCheckboxHarness } from '@angular/material/checkbox/testing';
import { MatDialogHarness } from '@angular/material/dialog/testing';
import { MatProgressBarHarness } from '@angular/material/progress-bar/testing';
import { MatRadioGroupHarness } from '@angular/material/radio/testing';
import { Router } from '@angular/router';
import { RouterTestingHarness } from '@angular/router/testing';
import type {
  AttemptQuestion,
  AttemptView,
  SaveAnswersBody,
  SaveAnswersResult,
  SavedAnswer,
} from '@assay/contracts';
import { configureRoutesWithApi } from '../../testing/routes';
import { ANSWER_SAVE_BACKOFF_MS } from './answer-saver';
import { AttemptPlayer } from './attempt-player';

@Component({ selector: 'app-result-stub', template: '<h1>Result</h1>' })
class ResultStub {}

const ATTEMPT_ID = '0f000000-0000-4000-8000-0000000000a1';
const SERVER_NOW = '2020-01-01T10:00:00.000Z';

/** Question `n` (id `q<n>`); a choice's id is `q<n>-` and its key in `choices`. */
function question(
  n: number,
  type: AttemptQuestion['type'],
  text: string,
  points: number,
  choices: Record<string, string>,
): AttemptQuestion {
  return {
    id: `q${n}`,
    position: n,
    type,
    text,
    points,
    choices: Object.entries(choices).map(([key, choice]) => ({ id: `q${n}-${key}`, text: choice })),
  };
}

function attemptView(overrides: Partial<AttemptView> = {}): AttemptView {
  return {
    id: ATTEMPT_ID,
    examId: '0f000000-0000-4000-8000-0000000000e1',
    examTitle: 'TypeScript fundamentals',
    state: 'in_progress',
    number: 2,
    maxAttempts: 3,
    startedAt: '2020-01-01T09:50:00.000Z',
    deadline: '2020-01-01T10:12:34.000Z',
    serverNow: SERVER_NOW,
    questionCount: 3,
    answeredCount: 1,
    questions: [
      question(1, 'single_choice', 'What type does TypeScript infer for `x` in `let x = 5;`?', 1, {
        a: '`number`',
        b: '`5`',
      }),
      question(2, 'multiple_choice', 'Which of these are primitive types?', 2, {
        a: 'string',
        b: 'Date',
        c: 'bigint',
      }),
      question(3, 'true_false', '`unknown` is assignable to every type.', 1, {
        t: 'True',
        f: 'False',
      }),
    ],
    answers: [{ questionId: 'q3', choiceIds: ['q3-f'], revision: 1_000 }],
    result: null,
    ...overrides,
  };
}

function saveResult(body: SaveAnswersBody, answeredCount: number): SaveAnswersResult {
  return { answers: body.answers, answeredCount, deadline: null, serverNow: SERVER_NOW };
}

describe('AttemptPlayer', () => {
  let harness: RouterTestingHarness;
  let fixture: ComponentFixture<unknown>;
  let http: HttpTestingController;
  let loader: HarnessLoader;

  beforeEach(() => {
    http = configureRoutesWithApi(
      [
        { path: 'attempts/:attemptId', component: AttemptPlayer },
        { path: 'attempts/:attemptId/result', component: ResultStub },
      ],
      [{ provide: ANSWER_SAVE_BACKOFF_MS, useValue: [30] }],
    );
    localStorage.clear();
    // The countdown, autosave retries and dialogs run on fake time, which tests move on instead of
    // waiting. It also follows real time, so that the animation frames Angular's change detection
    // waits for (jsdom times them by the faked clock) still come.
    vi.useFakeTimers({
      toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'],
      shouldAdvanceTime: true,
    });
  });

  afterEach(() => {
    vi.useRealTimers();
    http.verify();
    localStorage.clear();
  });

  /** What the browser keeps about the attempt (see AttemptMemory). */
  function remembered(): { unsaved: SavedAnswer[]; place: string | null } | null {
    const stored = localStorage.getItem(`assay:attempt:${ATTEMPT_ID}`);
    return stored === null
      ? null
      : (JSON.parse(stored) as { unsaved: SavedAnswer[]; place: string | null });
  }

  async function open(view: AttemptView = attemptView(), url = `/attempts/${ATTEMPT_ID}`) {
    harness = await RouterTestingHarness.create();
    const navigation = harness.navigateByUrl(url);
    await Promise.resolve();
    await harness.fixture.whenStable();
    http.expectOne(`/api/attempts/${ATTEMPT_ID}`).flush(view);
    await navigation;
    fixture = harness.fixture;
    await fixture.whenStable();
    loader = TestbedHarnessEnvironment.loader(fixture);
  }

  function text(selector: string): string {
    const element = (fixture.nativeElement as HTMLElement).querySelector(selector);
    return element?.textContent.replace(/\s+/g, ' ').trim() ?? '';
  }

  function saveStatus(): string {
    return text('[data-testid="save-status"]');
  }

  function expectSave(): TestRequest {
    const request = http.expectOne(
      (r) => r.method === 'PUT' && r.url === `/api/attempts/${ATTEMPT_ID}/answers`,
    );
    return request;
  }

  /** Waits (up to a second) for the app to send a request, e.g. after a dialog has closed. */
  async function nextRequest(url: string): Promise<TestRequest> {
    for (let i = 0; i < 50; i++) {
      const [request] = http.match(url);
      if (request) return request;
      await vi.advanceTimersByTimeAsync(20);
    }
    return http.expectOne(url);
  }

  async function settle(): Promise<void> {
    await fixture.whenStable();
    await vi.advanceTimersByTimeAsync(0);
    await fixture.whenStable();
  }

  it('opens at the first unanswered question and shows "Question N of M" and the progress', async () => {
    await open();

    expect(text('#question-heading')).toBe('Question 1 of 3');
    expect(text('.progress-text')).toBe('1 of 3 answered');
    expect(text('.eyebrow')).toBe('Exam in progress · Attempt 2 of 3');
    // Said once, by the heading that takes the focus and names the choices for screen readers.
    const page = (fixture.nativeElement as HTMLElement).textContent.replace(/\s+/g, ' ');
    expect(page.split('Question 1 of 3')).toHaveLength(2);
    expect(
      (fixture.nativeElement as HTMLElement)
        .querySelector('mat-radio-group')
        ?.getAttribute('aria-labelledby')
        ?.split(' '),
    ).toContain('question-heading');
    expect(text('#question-text')).toContain('What type does TypeScript infer');
    const bar = await loader.getHarness(MatProgressBarHarness);
    expect(await bar.getValue()).toBe(33);
    const group = await loader.getHarness(MatRadioGroupHarness);
    const labels = await Promise.all((await group.getRadioButtons()).map((b) => b.getLabelText()));
    expect(labels).toEqual(['number', '5']);
  });

  it('saves a chosen answer with a higher revision each time and shows "Saving…" then "Saved"', async () => {
    await open();
    const group = await loader.getHarness(MatRadioGroupHarness);

    await group.checkRadioButton({ label: 'number' });
    expect(saveStatus()).toBe('Saving…');
    const first = expectSave();
    const firstBody = first.request.body as SaveAnswersBody;
    expect(firstBody.answers).toEqual([
      { questionId: 'q1', choiceIds: ['q1-a'], revision: expect.any(Number) as number },
    ]);
    expect(firstBody.answers[0]!.revision).toBeGreaterThan(1_000);
    first.flush(saveResult(firstBody, 2));
    await settle();
    expect(saveStatus()).toBe('Saved');

    await group.checkRadioButton({ label: '5' });
    const second = expectSave();
    const secondBody = second.request.body as SaveAnswersBody;
    expect(secondBody.answers[0]?.choiceIds).toEqual(['q1-b']);
    expect(secondBody.answers[0]!.revision).toBeGreaterThan(firstBody.answers[0]!.revision);
    second.flush(saveResult(secondBody, 2));
    await settle();
    expect(saveStatus()).toBe('Saved');
    expect(text('.progress-text')).toContain('2 of 3 answered');
  });

  it('shows "Not saved — retrying" when a save fails, and retries until the server has it', async () => {
    await open();
    const group = await loader.getHarness(MatRadioGroupHarness);

    await group.checkRadioButton({ label: 'number' });
    const failed = expectSave();
    const body = failed.request.body as SaveAnswersBody;
    failed.flush(
      { code: 'service_unavailable', status: 503, detail: 'Try again' },
      { status: 503, statusText: 'Service Unavailable' },
    );
    await settle();
    expect(saveStatus()).toBe('Not saved — retrying');

    await vi.advanceTimersByTimeAsync(60);
    const retried = expectSave();
    expect(retried.request.body).toEqual(body);
    retried.flush(saveResult(body, 2));
    await settle();
    expect(saveStatus()).toBe('Saved');
  });

  it('says "Not saved — sign in again" when the session has ended, and saves once it is back', async () => {
    await open();
    const group = await loader.getHarness(MatRadioGroupHarness);
    const sessionEnded = (request: TestRequest) => {
      request.flush(
        { code: 'token_expired', status: 401, detail: 'The session has ended' },
        { status: 401, statusText: 'Unauthorized' },
      );
    };

    await group.checkRadioButton({ label: 'number' });
    sessionEnded(expectSave());
    await settle();
    expect(saveStatus()).toBe('Not saved — sign in again');
    expect(remembered()?.unsaved).toEqual([
      { questionId: 'q1', choiceIds: ['q1-a'], revision: expect.any(Number) as number },
    ]);

    // Another choice meanwhile does not pretend to be saving.
    await group.checkRadioButton({ label: '5' });
    expect(saveStatus()).toBe('Not saved — sign in again');
    sessionEnded(expectSave());
    await settle();
    expect(saveStatus()).toBe('Not saved — sign in again');

    // Signed in again (in another tab, say): the next retry gets through.
    await vi.advanceTimersByTimeAsync(60);
    const retried = expectSave();
    expect((retried.request.body as SaveAnswersBody).answers[0]?.choiceIds).toEqual(['q1-b']);
    retried.flush(saveResult(retried.request.body as SaveAnswersBody, 2));
    await settle();
    expect(saveStatus()).toBe('Saved');
  });

  it('keeps ticked checkboxes together in one answer for a multiple-choice question', async () => {
    await open(attemptView(), `/attempts/${ATTEMPT_ID}?question=2`);

    expect(text('#question-heading')).toBe('Question 2 of 3');
    await (await loader.getHarness(MatCheckboxHarness.with({ label: 'bigint' }))).check();
    const first = expectSave();
    first.flush(saveResult(first.request.body as SaveAnswersBody, 2));
    await settle();
    await (await loader.getHarness(MatCheckboxHarness.with({ label: 'string' }))).check();
    const second = expectSave();
    expect((second.request.body as SaveAnswersBody).answers[0]?.choiceIds).toEqual([
      'q2-a',
      'q2-c',
    ]);
    second.flush(saveResult(second.request.body as SaveAnswersBody, 2));
    await settle();
  });

  it('jumps to a question from the navigator, which shows answered and unanswered questions', async () => {
    await open();
    // The navigator's items are compact plain buttons, named by their accessible labels.
    const items = [
      ...(fixture.nativeElement as HTMLElement).querySelectorAll('app-question-navigator .item'),
    ];
    expect(items.map((item) => item.getAttribute('aria-label'))).toEqual([
      'Question 1, unanswered',
      'Question 2, unanswered',
      'Question 3, answered',
    ]);
    expect(items[0]?.getAttribute('aria-current')).toBe('step');
    // Answered ones carry a tick; the legend says so in words, with no sample squares that
    // would look like checkboxes.
    expect(items.map((item) => item.querySelector('.tick') !== null)).toEqual([false, false, true]);
    expect(text('app-question-navigator .legend')).toBe('Answered questions are ticked ✓');
    expect(
      (fixture.nativeElement as HTMLElement).querySelectorAll('app-question-navigator .legend *'),
    ).toHaveLength(0);

    (items[2] as HTMLButtonElement).click();
    await settle();

    expect(text('#question-heading')).toBe('Question 3 of 3');
    expect(items[2]?.getAttribute('aria-current')).toBe('step');
    const group = await loader.getHarness(MatRadioGroupHarness);
    expect(await (await group.getCheckedRadioButton())?.getLabelText()).toBe('False');
    expect(TestBed.inject(Router).url).toBe(`/attempts/${ATTEMPT_ID}?question=3`);
  });

  it('counts down from the server deadline on the server clock, whatever the browser clock says', async () => {
    // The server's clock says 10:00:00 and the deadline is 10:12:34; this machine's clock is years
    // later, so without the correction the exam would already be over.
    await open();

    expect(text('[data-testid="countdown"]')).toBe('12:34');
    expect(
      (fixture.nativeElement as HTMLElement)
        .querySelector('[data-testid="countdown"]')
        ?.getAttribute('aria-label'),
    ).toBe('Time left: 12 minutes 34 seconds');
  });

  it('announces the time left to screen readers when it crosses a threshold', async () => {
    const now = Date.parse(SERVER_NOW);
    await open(attemptView({ deadline: new Date(now + 5 * 60_000 + 150).toISOString() }));
    expect(text('[data-testid="time-announcement"]')).toBe('');

    await vi.advanceTimersByTimeAsync(600);
    await fixture.whenStable();
    expect(text('[data-testid="time-announcement"]')).toBe('5 minutes left');
    expect(text('[data-testid="countdown"]')).toBe('5:00');
  });

  it('asks for confirmation before submitting, naming the unanswered questions', async () => {
    await open();
    await (await loader.getHarness(MatButtonHarness.with({ text: 'Review and submit' }))).click();
    await settle();
    expect(text('#review-heading')).toBe('Review your answers');
    expect(text('.unanswered')).toContain('Go to question 1');
    expect(text('.unanswered')).toContain('Go to question 2');

    await (await loader.getHarness(MatButtonHarness.with({ text: 'Submit exam' }))).click();
    const root = TestbedHarnessEnvironment.documentRootLoader(fixture);
    let dialog = await root.getHarness(MatDialogHarness);
    expect(await dialog.getTitleText()).toBe('Submit your answers?');
    expect(await dialog.getContentText()).toContain('2 questions are still unanswered');
    await (await dialog.getHarness(MatButtonHarness.with({ text: 'Keep working' }))).click();
    await vi.advanceTimersByTimeAsync(200);
    await settle();
    expect(await root.getAllHarnesses(MatDialogHarness)).toHaveLength(0);
    http.expectNone(`/api/attempts/${ATTEMPT_ID}/submit`);

    await (await loader.getHarness(MatButtonHarness.with({ text: 'Submit exam' }))).click();
    dialog = await root.getHarness(MatDialogHarness);
    await (await dialog.getHarness(MatButtonHarness.with({ text: 'Submit exam' }))).click();
    const submit = await nextRequest(`/api/attempts/${ATTEMPT_ID}/submit`);
    expect(submit.request.method).toBe('POST');
    // The learner's own submit: not a time-out.
    expect(submit.request.body).toBeNull();
    submit.flush({});
    await settle();
    expect(TestBed.inject(Router).url).toBe(`/attempts/${ATTEMPT_ID}/result`);
  });

  it('submits what was saved as timed out and shows the result when the time is up', async () => {
    await open(attemptView({ deadline: SERVER_NOW }));
    await settle();

    const submit = http.expectOne(`/api/attempts/${ATTEMPT_ID}/submit`);
    // The server records it as expired, not as a submission.
    expect(submit.request.body).toEqual({ timeUp: true });
    submit.flush(
      { code: 'deadline_passed', status: 409, detail: 'The deadline has passed' },
      { status: 409, statusText: 'Conflict' },
    );
    await settle();
    expect(TestBed.inject(Router).url).toBe(`/attempts/${ATTEMPT_ID}/result`);
  });

  it('goes straight to the result for an attempt that is already graded', async () => {
    localStorage.setItem(
      `assay:attempt:${ATTEMPT_ID}`,
      JSON.stringify({ unsaved: [], place: '2' }),
    );
    await open(attemptView({ state: 'submitted', questions: [], answers: [] }));
    await settle();

    expect(TestBed.inject(Router).url).toBe(`/attempts/${ATTEMPT_ID}/result`);
    expect(remembered()).toBeNull();
  });

  it('keeps the exam going, clock and autosave, when submitting fails', async () => {
    await open(attemptView(), `/attempts/${ATTEMPT_ID}?question=review`);
    await (await loader.getHarness(MatButtonHarness.with({ text: 'Submit exam' }))).click();
    const root = TestbedHarnessEnvironment.documentRootLoader(fixture);
    const dialog = await root.getHarness(MatDialogHarness);
    await (await dialog.getHarness(MatButtonHarness.with({ text: 'Submit exam' }))).click();
    const submit = await nextRequest(`/api/attempts/${ATTEMPT_ID}/submit`);
    submit.flush(
      { code: 'service_unavailable', status: 503, detail: 'Try again' },
      { status: 503, statusText: 'Service Unavailable' },
    );
    await settle();
    expect(TestBed.inject(Router).url).toBe(`/attempts/${ATTEMPT_ID}?question=review`);
    const before = text('[data-testid="countdown"]');

    await vi.advanceTimersByTimeAsync(1100);
    await fixture.whenStable();
    expect(text('[data-testid="countdown"]')).not.toBe(before);

    await (await loader.getHarness(MatButtonHarness.with({ text: 'Go to question 1' }))).click();
    await settle();
    await (await loader.getHarness(MatRadioGroupHarness)).checkRadioButton({ label: 'number' });
    const save = expectSave();
    save.flush(saveResult(save.request.body as SaveAnswersBody, 2));
    await settle();
    expect(saveStatus()).toBe('Saved');
  });

  it('keeps an answer the server has not confirmed in the browser until it has', async () => {
    await open();
    await (await loader.getHarness(MatRadioGroupHarness)).checkRadioButton({ label: '5' });

    // The connection is gone: the answer waits in the browser as well as in the page.
    expectSave().error(new ProgressEvent('error'));
    await settle();
    expect(saveStatus()).toBe('Not saved — retrying');
    expect(remembered()?.unsaved).toEqual([
      { questionId: 'q1', choiceIds: ['q1-b'], revision: expect.any(Number) as number },
    ]);

    await vi.advanceTimersByTimeAsync(60);
    const retried = expectSave();
    retried.flush(saveResult(retried.request.body as SaveAnswersBody, 2));
    await settle();
    expect(saveStatus()).toBe('Saved');
    expect(remembered()?.unsaved ?? []).toEqual([]);
  });

  it('resumes a closed tab on its question, with the answers that never reached the server', async () => {
    // What a tab closed during a lost connection leaves behind: an answer to question 2 the server
    // never got, an older answer to question 3 the server has since replaced, and the place.
    localStorage.setItem(
      `assay:attempt:${ATTEMPT_ID}`,
      JSON.stringify({
        unsaved: [
          { questionId: 'q2', choiceIds: ['q2-a', 'q2-c'], revision: 5_000 },
          { questionId: 'q3', choiceIds: ['q3-t'], revision: 500 },
        ],
        place: '2',
      }),
    );

    await open();

    expect(text('#question-heading')).toBe('Question 2 of 3');
    const ticked = await Promise.all(
      (await loader.getAllHarnesses(MatCheckboxHarness)).map((box) => box.isChecked()),
    );
    expect(ticked).toEqual([true, false, true]);
    expect(text('.progress-text')).toContain('2 of 3 answered');
    const resent = expectSave();
    expect((resent.request.body as SaveAnswersBody).answers).toEqual([
      { questionId: 'q2', choiceIds: ['q2-a', 'q2-c'], revision: 5_000 },
    ]);
    resent.flush(saveResult(resent.request.body as SaveAnswersBody, 2));
    await settle();
    expect(saveStatus()).toBe('Saved');

    // The newer answer on the server stays.
    (fixture.nativeElement as HTMLElement)
      .querySelectorAll<HTMLButtonElement>('app-question-navigator .item')[2]
      ?.click();
    await settle();
    const group = await loader.getHarness(MatRadioGroupHarness);
    expect(await (await group.getCheckedRadioButton())?.getLabelText()).toBe('False');
    expect(remembered()?.place).toBe('3');
  });
});
