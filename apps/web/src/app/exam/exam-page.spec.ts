import type { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { Title } from '@angular/platform-browser';
import type { RouterTestingHarness } from '@angular/router/testing';
import type { BffUser, ExamDetail, MyAttemptPage, MyAttemptRow } from '@assay/contracts';
import { provideSessionCookie } from '../../testing/providers';
import { configureRoutesWithApi, navigateTo } from '../../testing/routes';
import { signIn } from '../../testing/session';
import { settle as settled } from '../../testing/settle';
import { ExamPage } from './exam-page';

const EXAM_ID = '00000000-0000-4000-8000-0000000000e1';

const exam: ExamDetail = {
  id: EXAM_ID,
  title: 'Introductory statistics',
  description: 'Averages, spread and probability.',
  longDescription:
    'You have **30 minutes**.\n\n<img src="x" onerror="alert(1)"> <script>alert(2)</script>\n\n' +
    '[a link](javascript:alert(3))',
  questionCount: 8,
  maxScore: 8,
  timeLimitMinutes: 30,
  maxAttempts: 3,
  passMark: 60,
  reviewPolicy: 'show_correctness',
  authorName: 'Assay samples',
  publishedAt: '2026-11-20T10:00:00.000Z',
  shuffleQuestions: false,
  shuffleChoices: false,
};

const learner: BffUser = {
  subject: 'learner',
  displayName: 'Ada Lovelace',
  roles: ['learner'],
  permissions: ['take:exams'],
};

function attempt(n: number, state: MyAttemptRow['state']): MyAttemptRow {
  const graded = state !== 'in_progress';
  return {
    attemptId: `00000000-0000-4000-8000-0000000000a${n}`,
    examId: EXAM_ID,
    examTitle: exam.title,
    number: n,
    state,
    startedAt: '2026-11-22T10:00:00.000Z',
    deadline: '2026-11-22T10:30:00.000Z',
    submittedAt: graded ? '2026-11-22T10:20:00.000Z' : null,
    score: graded ? 6 : null,
    maxScore: graded ? 8 : null,
    percentage: graded ? 75 : null,
    passed: graded ? true : null,
  };
}

describe('The exam page', () => {
  let http: HttpTestingController;
  let harness: RouterTestingHarness;

  /** `history`: the learner's attempts, which the page asks for once the exam is shown. */
  async function open(user: BffUser | null, history?: MyAttemptPage): Promise<HTMLElement> {
    http = configureRoutesWithApi(
      [{ path: 'exams/:examId', component: ExamPage }],
      [provideSessionCookie(user !== null)],
    );
    if (user) await signIn(http, user);
    harness = await navigateTo(`/exams/${EXAM_ID}`);
    http.expectOne(`/api/exams/${EXAM_ID}`).flush(exam);
    // The page is not stable until the learner's attempts have an answer.
    if (history) {
      (await vi.waitFor(() => http.expectOne('/api/me/attempts?limit=100'))).flush(history);
    }
    await settle();
    return harness.routeNativeElement as HTMLElement;
  }

  const settle = () => settled(harness.fixture);

  afterEach(() => {
    http.verify();
  });

  function facts(page: HTMLElement): Record<string, string> {
    return Object.fromEntries(
      [...page.querySelectorAll('.fact')].map((fact) => [
        fact.querySelector('dt')?.textContent.trim(),
        fact.querySelector('dd')?.textContent.trim(),
      ]),
    ) as Record<string, string>;
  }

  it('shows the facts a learner weighs and the description from Markdown, without its HTML', async () => {
    const page = await open(null);

    expect(page.querySelector('h1')?.textContent.trim()).toBe('Introductory statistics');
    expect(TestBed.inject(Title).getTitle()).toBe('Introductory statistics · Assay');
    expect(facts(page)).toEqual({
      Questions: '8',
      'Time limit': '30 minutes',
      Attempts: '3',
      'Pass mark': '60 %',
    });
    const description = page.querySelector('.markdown');
    expect(description?.querySelector('strong')?.textContent).toBe('30 minutes');
    // Raw HTML is shown as text, never rendered; a javascript: link loses its target.
    expect(description?.querySelector('img, script')).toBeNull();
    expect(description?.textContent).toContain('<img src="x" onerror="alert(1)">');
    expect(description?.querySelector('a')?.getAttribute('href') ?? '').not.toMatch(
      /^javascript:/i,
    );
    expect(page.textContent).toContain('Sign in to take this exam');
  });

  it('offers to resume the attempt in progress instead of starting another', async () => {
    const page = await open(learner, {
      items: [attempt(2, 'in_progress'), attempt(1, 'submitted')],
      nextCursor: null,
    });

    const resume = [...page.querySelectorAll('a')].find(
      (a) => a.textContent.trim() === 'Resume exam',
    );
    expect(resume?.getAttribute('href')).toBe(`/attempts/${attempt(2, 'in_progress').attemptId}`);
    expect(page.textContent).not.toContain('Start exam');
    expect(page.querySelector('.history')?.textContent).toContain('75 % · Passed');
  });

  it('says so when every attempt is used, and offers no start', async () => {
    const page = await open(learner, {
      items: [attempt(3, 'submitted'), attempt(2, 'expired'), attempt(1, 'submitted')],
      nextCursor: null,
    });

    expect(page.textContent).toContain('You have used every attempt this exam allows.');
    expect([...page.querySelectorAll('button')].map((b) => b.textContent.trim())).not.toContain(
      'Start a new attempt',
    );
  });
});
