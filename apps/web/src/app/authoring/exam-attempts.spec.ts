import type { TestRequest } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import type { AuthorAttemptRow } from '@assay/contracts';
import { createEachWithApi } from '../../testing/create-with-api';
import { AUTHORED_EXAM_ID as examId, authoredExam } from '../../testing/exams';
import { provideRouteParams } from '../../testing/providers';
import { settle as settled } from '../../testing/settle';
import { Notifier } from '../core/notifier';
import { ExamAttempts } from './exam-attempts';

const attemptsUrl = `/api/exams/${examId}/attempts`;

const exam = authoredExam([], {
  description: '',
  status: 'published',
  publishedAt: '2026-11-22T10:00:00.000Z',
});

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
  const component = createEachWithApi(ExamAttempts, {
    providers: [provideRouter([]), provideRouteParams({ examId })],
  });

  beforeEach(() => {
    component.fixture.detectChanges();
  });

  const settle = () => settled(component.fixture);

  const page = () =>
    (component.fixture.nativeElement as HTMLElement).textContent.replace(/\s+/g, ' ');
  const button = (text: string) =>
    [...(component.fixture.nativeElement as HTMLElement).querySelectorAll('button')].find(
      (candidate) => candidate.textContent.trim() === text,
    );
  const attempts = (query: string) =>
    component.http.expectOne((request) => request.urlWithParams === `${attemptsUrl}?${query}`);
  /**
   * Presses `label` and returns the request for the page it asks for. The page is not stable while
   * a page loads, so the click waits for its request instead.
   */
  async function press(label: string, query: string): Promise<TestRequest> {
    button(label)?.click();
    return vi.waitFor(() => {
      component.fixture.detectChanges();
      return attempts(query);
    });
  }
  function expectShowing(learner: string, pageNumber: number): void {
    expect(page()).toContain(learner);
    expect(page()).toContain(`Page ${pageNumber}`);
  }

  it('pages through the attempts and keeps the page on screen when the next one fails', async () => {
    const notifier = vi.spyOn(TestBed.inject(Notifier), 'error');
    component.http.expectOne(`/api/exams/${examId}/edit`).flush(exam);
    attempts('limit=20').flush({ items: [row('Grace')], nextCursor: 'c2' });
    await settle();
    expect(page()).toContain('at TypeScript Advanced Exam');
    expectShowing('Grace', 1);

    (await press('Next', 'cursor=c2&limit=20')).flush({ items: [row('Alan')], nextCursor: 'c3' });
    await settle();
    expectShowing('Alan', 2);

    (await press('Next', 'cursor=c3&limit=20')).flush(
      { code: 'internal_error' },
      { status: 500, statusText: 'Server Error' },
    );
    await settle();
    expect(notifier).toHaveBeenCalled();
    expectShowing('Alan', 2);

    (await press('Previous', 'limit=20')).flush({ items: [row('Grace')], nextCursor: 'c2' });
    await settle();
    expectShowing('Grace', 1);
  });

  it('says when there are no graded attempts', async () => {
    component.http.expectOne(`/api/exams/${examId}/edit`).flush(exam);
    attempts('limit=20').flush({ items: [], nextCursor: null });
    await settle();
    expect(page()).toContain('No graded attempts yet.');
  });

  it('says when the exam is not there', async () => {
    component.http
      .expectOne(`/api/exams/${examId}/edit`)
      .flush({ code: 'not_found' }, { status: 404, statusText: 'Not Found' });
    attempts('limit=20').flush({ items: [], nextCursor: null });
    await settle();
    expect(page()).toContain('There is no exam here, or it belongs to another author.');
  });

  it('says when the first page cannot be loaded', async () => {
    component.http.expectOne(`/api/exams/${examId}/edit`).flush(exam);
    attempts('limit=20').flush({ code: 'internal_error' }, { status: 500, statusText: 'Error' });
    await settle();
    expect(page()).toContain('The attempts could not be loaded. Reload the page to try again.');
  });
});
