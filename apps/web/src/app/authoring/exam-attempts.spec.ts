import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import type { ComponentFixture } from '@angular/core/testing';
import { TestBed } from '@angular/core/testing';
import { ActivatedRoute, convertToParamMap, provideRouter } from '@angular/router';
import type { AuthorAttemptRow, Exam } from '@assay/contracts';
import { problemInterceptor } from '../core/http/problem-interceptor';
import { Notifier } from '../core/notifier';
import { PAGE_NAVIGATION } from '../core/page-navigation';
import { ExamAttempts } from './exam-attempts';

const examId = '00000000-0000-4000-8000-0000000000e1';
const attemptsUrl = `/api/exams/${examId}/attempts`;

const exam: Exam = {
  id: examId,
  title: 'TypeScript Advanced Exam',
  description: '',
  longDescription: '',
  status: 'published',
  timeLimitMinutes: null,
  maxAttempts: null,
  passMark: 50,
  shuffleQuestions: false,
  shuffleChoices: false,
  reviewPolicy: 'show_correctness',
  ownerSubject: 'author',
  ownerIssuer: 'http://localhost/oidc',
  authorName: 'Ada',
  questionCount: 0,
  maxScore: 0,
  createdAt: '2026-11-22T10:00:00.000Z',
  updatedAt: '2026-11-22T10:00:00.000Z',
  publishedAt: '2026-11-22T10:00:00.000Z',
  archivedAt: null,
  questions: [],
};

function row(name: string): AuthorAttemptRow {
  return {
    attemptId: '00000000-0000-4000-8000-0000000000a1',
    learnerSubject: name.toLowerCase(),
    learnerIssuer: 'http://localhost/oidc',
    learnerName: name,
    number: 1,
    state: 'submitted',
    startedAt: '2026-11-22T10:00:00.000Z',
    submittedAt: '2026-11-22T10:12:05.000Z',
    durationSeconds: 725,
    score: 6,
    maxScore: 8,
    percentage: 75,
    passed: true,
  };
}

describe('Attempts at an exam', () => {
  let fixture: ComponentFixture<ExamAttempts>;
  let http: HttpTestingController;

  beforeEach(() => {
    TestBed.configureTestingModule({
      imports: [ExamAttempts],
      providers: [
        provideRouter([]),
        provideHttpClient(withInterceptors([problemInterceptor])),
        provideHttpClientTesting(),
        { provide: PAGE_NAVIGATION, useValue: { assign: vi.fn() } },
        {
          provide: ActivatedRoute,
          useValue: { snapshot: { paramMap: convertToParamMap({ examId }) } },
        },
      ],
    });
    fixture = TestBed.createComponent(ExamAttempts);
    http = TestBed.inject(HttpTestingController);
    fixture.detectChanges();
  });

  afterEach(() => {
    http.verify();
  });

  async function settle(): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve));
    fixture.detectChanges();
    await fixture.whenStable();
  }

  const page = () => (fixture.nativeElement as HTMLElement).textContent.replace(/\s+/g, ' ');
  const button = (text: string) =>
    [...(fixture.nativeElement as HTMLElement).querySelectorAll('button')].find(
      (candidate) => candidate.textContent.trim() === text,
    );
  const attempts = (query: string) =>
    http.expectOne((request) => request.urlWithParams === `${attemptsUrl}?${query}`);
  /** The page is not stable while a page loads, so a click waits for its request instead. */
  const requested = (query: string) =>
    vi.waitFor(() => {
      fixture.detectChanges();
      return attempts(query);
    });

  it('pages through the attempts and keeps the page on screen when the next one fails', async () => {
    const notifier = vi.spyOn(TestBed.inject(Notifier), 'error');
    http.expectOne(`/api/exams/${examId}/edit`).flush(exam);
    attempts('limit=20').flush({ items: [row('Grace')], nextCursor: 'c2' });
    await settle();
    expect(page()).toContain('at TypeScript Advanced Exam');
    expect(page()).toContain('Grace');
    expect(page()).toContain('Page 1');

    button('Next')?.click();
    (await requested('cursor=c2&limit=20')).flush({ items: [row('Alan')], nextCursor: 'c3' });
    await settle();
    expect(page()).toContain('Alan');
    expect(page()).toContain('Page 2');

    button('Next')?.click();
    (await requested('cursor=c3&limit=20')).flush(
      { code: 'internal_error' },
      { status: 500, statusText: 'Server Error' },
    );
    await settle();
    expect(notifier).toHaveBeenCalled();
    expect(page()).toContain('Alan');
    expect(page()).toContain('Page 2');

    button('Previous')?.click();
    (await requested('limit=20')).flush({ items: [row('Grace')], nextCursor: 'c2' });
    await settle();
    expect(page()).toContain('Grace');
    expect(page()).toContain('Page 1');
  });

  it('says when there are no graded attempts', async () => {
    http.expectOne(`/api/exams/${examId}/edit`).flush(exam);
    attempts('limit=20').flush({ items: [], nextCursor: null });
    await settle();
    expect(page()).toContain('No graded attempts yet.');
  });

  it('says when the exam is not there', async () => {
    http
      .expectOne(`/api/exams/${examId}/edit`)
      .flush({ code: 'not_found' }, { status: 404, statusText: 'Not Found' });
    attempts('limit=20').flush({ items: [], nextCursor: null });
    await settle();
    expect(page()).toContain('There is no exam here, or it belongs to another author.');
  });

  it('says when the first page cannot be loaded', async () => {
    http.expectOne(`/api/exams/${examId}/edit`).flush(exam);
    attempts('limit=20').flush({ code: 'internal_error' }, { status: 500, statusText: 'Error' });
    await settle();
    expect(page()).toContain('The attempts could not be loaded. Reload the page to try again.');
  });
});
