import { provideRouter } from '@angular/router';
import type { AuthoredExamSummary } from '@assay/contracts';
import { createEachWithApi } from '../../testing/create-with-api';
import { settle as settled } from '../../testing/settle';
import { formatDateTime } from '../shared/formatting';
import { MyExams } from './my-exams';

function authored(
  n: number,
  status: AuthoredExamSummary['status'],
  publishedAt: string | null,
  attemptCount: number,
): AuthoredExamSummary {
  return {
    id: `00000000-0000-4000-8000-00000000000${n}`,
    title: `Exam ${n}`,
    description: '',
    questionCount: n + 2,
    maxScore: n + 2,
    timeLimitMinutes: null,
    maxAttempts: null,
    passMark: 50,
    reviewPolicy: 'show_correctness',
    authorName: 'Ada',
    publishedAt,
    status,
    createdAt: '2026-11-20T10:00:00.000Z',
    updatedAt: '2026-11-21T10:00:00.000Z',
    attemptCount,
  };
}

describe('My exams', () => {
  const component = createEachWithApi(MyExams, { providers: [provideRouter([])] });
  const settle = () => settled(component.fixture);

  function rows(): string[][] {
    return [...(component.fixture.nativeElement as HTMLElement).querySelectorAll('tbody tr')].map(
      (row) =>
        [...row.querySelectorAll('th, td')].map((cell) =>
          cell.textContent.replace(/\s+/g, ' ').trim(),
        ),
    );
  }

  it('lists drafts and published exams with their question and attempt counts', async () => {
    const published = authored(1, 'published', '2026-11-21T09:00:00.000Z', 3);
    const busy = authored(2, 'archived', '2026-11-01T09:00:00.000Z', 137);
    const once = authored(3, 'draft', '2026-11-02T09:00:00.000Z', 1);
    const draft = authored(4, 'draft', null, 0);
    component.fixture.detectChanges();
    component.http
      .expectOne('/api/my/exams')
      .flush({ items: [published, busy, once, draft], nextCursor: null });
    await settle();

    // The listing carries the counts: no request per exam.
    expect(component.http.match((request) => request.url.endsWith('/attempts'))).toEqual([]);
    // The app's one date format (the learner's pages use it too).
    expect(rows()[0]?.[3]).toBe(formatDateTime('2026-11-21T10:00:00.000Z').replace(/\s+/g, ' '));
    expect(rows().map((cells) => [cells[0], cells[1], cells[2], cells[4]])).toEqual([
      ['Exam 1', 'Published', '3', '3 attempts'],
      ['Exam 2', 'Archived', '4', '137 attempts'],
      ['Exam 3', 'Draft', '5', '1 attempt'],
      ['Exam 4', 'Draft', '6', 'No attempts'],
    ]);
    const link = (component.fixture.nativeElement as HTMLElement).querySelector(
      'tbody tr .attempts a',
    );
    expect(link?.getAttribute('aria-label')).toBe('3 attempts at Exam 1');
    expect(link?.getAttribute('href')).toBe(`/authoring/${published.id}/attempts`);
  });

  it('shows more exams with the cursor', async () => {
    component.fixture.detectChanges();
    component.http
      .expectOne('/api/my/exams')
      .flush({ items: [authored(1, 'draft', null, 0)], nextCursor: 'c2' });
    await settle();

    const more = [
      ...(component.fixture.nativeElement as HTMLElement).querySelectorAll('button'),
    ].find((button) => button.textContent.trim() === 'Show more exams');
    more?.click();
    component.http
      .expectOne('/api/my/exams?cursor=c2')
      .flush({ items: [authored(2, 'draft', null, 0)], nextCursor: null });
    await settle();

    expect(rows().map((cells) => cells[0])).toEqual(['Exam 1', 'Exam 2']);
    expect((component.fixture.nativeElement as HTMLElement).textContent).not.toContain(
      'Show more exams',
    );
  });

  it('says when the exams could not be loaded, not that there are none', async () => {
    component.fixture.detectChanges();
    component.http
      .expectOne('/api/my/exams')
      .flush({ code: 'internal_error' }, { status: 500, statusText: 'Server Error' });
    await settle();

    const text = (component.fixture.nativeElement as HTMLElement).textContent;
    expect(text).toContain('Your exams could not be loaded. Reload the page to try again.');
    expect(text).not.toContain('No exams yet');
  });
});
