import type { HttpTestingController } from '@angular/common/http/testing';
import type { AttemptResult, AttemptView, ReviewQuestion } from '@assay/contracts';
import { configureRoutesWithApi, navigateTo } from '../../testing/routes';
import { settle } from '../../testing/settle';
import { formatDateTime } from '../shared/formatting';
import { AttemptResultPage } from './attempt-result';

const ATTEMPT_ID = '00000000-0000-4000-8000-0000000000a1';

/** One question answered wrongly: the learner chose B, A was right. */
function question(policy: AttemptResult['reviewPolicy']): ReviewQuestion {
  const answers = policy === 'show_answers';
  return {
    questionId: '00000000-0000-4000-8000-000000000001',
    position: 1,
    type: 'single_choice',
    text: 'What is the **median** of 1, 2, 9?',
    points: 2,
    awardedPoints: 0,
    answeredCorrectly: false,
    choices: [
      { id: 'c-a', text: '2', selected: false, ...(answers && { correct: true }) },
      { id: 'c-b', text: '4', selected: true, ...(answers && { correct: false }) },
    ],
    ...(answers && { explanation: 'The middle value once sorted; 4 is the *mean*.' }),
  };
}

function graded(policy: AttemptResult['reviewPolicy']): AttemptView {
  const result: AttemptResult = {
    attemptId: ATTEMPT_ID,
    examId: '00000000-0000-4000-8000-0000000000e1',
    examTitle: 'Introductory statistics',
    state: 'submitted',
    score: 6,
    maxScore: 8,
    percentage: 75,
    passed: true,
    passMark: 60,
    startedAt: '2026-11-22T10:00:00.000Z',
    submittedAt: '2026-11-22T10:12:05.000Z',
    durationSeconds: 725,
    reviewPolicy: policy,
    ...(policy !== 'score_only' && { questions: [question(policy)] }),
  };
  return {
    id: ATTEMPT_ID,
    examId: result.examId,
    examTitle: result.examTitle,
    state: 'submitted',
    number: 1,
    maxAttempts: null,
    startedAt: result.startedAt,
    deadline: null,
    serverNow: '2026-11-22T11:00:00.000Z',
    questionCount: 4,
    answeredCount: 4,
    questions: [],
    answers: [],
    result,
  };
}

describe('The result page', () => {
  let http: HttpTestingController;

  beforeEach(() => {
    http = configureRoutesWithApi([
      { path: 'attempts/:attemptId/result', component: AttemptResultPage },
    ]);
  });

  afterEach(() => {
    http.verify();
  });

  async function open(view: AttemptView): Promise<HTMLElement> {
    const harness = await navigateTo(`/attempts/${ATTEMPT_ID}/result`);
    http.expectOne(`/api/attempts/${ATTEMPT_ID}`).flush(view);
    await settle(harness.fixture);
    return harness.routeNativeElement as HTMLElement;
  }

  const text = (element: Element | null | undefined) =>
    element?.textContent.replace(/\s+/g, ' ').trim() ?? '';

  it('always shows the score, the percentage and whether the learner passed', async () => {
    const page = await open(graded('score_only'));

    expect(text(page.querySelector('[data-testid="score"] .percentage'))).toBe('75 %');
    expect(text(page.querySelector('[data-testid="score"] .points'))).toBe('6 of 8 points');
    expect(text(page.querySelector('[data-testid="verdict"]'))).toBe('Passed Pass mark 60 %');
    expect(text(page.querySelector('.eyebrow'))).toBe('Result · Attempt 1');
    expect(text(page.querySelector('.details'))).toContain('12 min 5 s');
    // The app's one date format (the authoring pages use it too): no seconds.
    expect(text(page.querySelector('.details dd'))).toBe(
      formatDateTime('2026-11-22T10:12:05.000Z').replace(/\s+/g, ' '),
    );
    // Score only: no question, no answer.
    expect(page.querySelector('.questions')).toBeNull();
    expect(page.textContent).toContain('This exam shows only the score');
  });

  it('shows which answers were right, but not the right answers, under show_correctness', async () => {
    const page = await open(graded('show_correctness'));

    const review = page.querySelector('.questions');
    expect(text(review?.querySelector('.question-verdict'))).toBe('Incorrect · 0/2 points');
    expect(review?.querySelector('.question-text strong')?.textContent).toBe('median');
    expect(text(review?.querySelector('.choice.selected'))).toContain('Your answer');
    expect(review?.textContent).not.toContain('Correct answer');
    expect(review?.querySelector('.explanation')).toBeNull();
  });

  it('shows the right answer and the explanation under show_answers', async () => {
    const page = await open(graded('show_answers'));

    const choices = [...page.querySelectorAll('.questions .choice')].map((choice) =>
      [...choice.children].map(text).join(' '),
    );
    expect(choices).toEqual(['✓ 2 Correct answer', '● 4 Your answer']);
    expect(text(page.querySelector('.explanation h4'))).toBe('Explanation');
    expect(text(page.querySelector('.explanation .markdown'))).toBe(
      'The middle value once sorted; 4 is the mean.',
    );
    expect(page.querySelector('.explanation em')?.textContent).toBe('mean');
  });

  it('says "Not answered", not "Incorrect", for a question left blank', async () => {
    const view = graded('show_answers');
    const blank = question('show_answers');
    const questions = [
      { ...blank, choices: blank.choices.map((c) => ({ ...c, selected: false })) },
    ];
    const page = await open({ ...view, result: view.result && { ...view.result, questions } });

    expect(text(page.querySelector('.question-verdict'))).toBe('Not answered · 0/2 points');
    expect(page.querySelector('.question.unanswered')).not.toBeNull();
    expect(page.querySelector('.choice.selected')).toBeNull();
  });

  it('says the time ran out, and when, for an expired attempt', async () => {
    const view = graded('score_only');
    const page = await open({
      ...view,
      state: 'expired',
      result: view.result && { ...view.result, state: 'expired' },
    });

    expect(text(page.querySelector('.expired'))).toBe(
      'Time ran out: the answers saved before the deadline were graded.',
    );
    expect(text(page.querySelector('.details dt'))).toBe('Time ran out');
  });

  it('says when a submitted attempt was submitted', async () => {
    const page = await open(graded('score_only'));

    expect(page.querySelector('.expired')).toBeNull();
    expect(text(page.querySelector('.details dt'))).toBe('Submitted');
  });

  it('says the result could not be shown, and offers to try again or go to My results', async () => {
    const harness = await navigateTo(`/attempts/${ATTEMPT_ID}/result`);
    http
      .expectOne(`/api/attempts/${ATTEMPT_ID}`)
      .flush({ code: 'internal_error' }, { status: 500, statusText: 'Server Error' });
    await settle(harness.fixture);
    const page = harness.routeNativeElement as HTMLElement;

    const region = page.querySelector('section[aria-labelledby]');
    const heading = document.getElementById(region?.getAttribute('aria-labelledby') ?? '');
    expect(text(heading)).toBe('The result could not be shown');
    expect(page.querySelector('a[href="/me/results"]')?.textContent.trim()).toBe('My results');

    const tryAgain = [...page.querySelectorAll('button')].find(
      (button) => button.textContent.trim() === 'Try again',
    );
    tryAgain?.click();
    const retried = await vi.waitFor(() => http.expectOne(`/api/attempts/${ATTEMPT_ID}`));
    retried.flush(graded('score_only'));
    await settle(harness.fixture);
    expect(text(page.querySelector('[data-testid="score"] .points'))).toBe('6 of 8 points');
    expect(page.textContent).not.toContain('could not be shown');
  });
});
