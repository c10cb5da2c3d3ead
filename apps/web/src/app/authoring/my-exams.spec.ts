import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import type { ComponentFixture } from '@angular/core/testing';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import type { AuthoredExamSummary } from '@assay/contracts';
import { problemInterceptor } from '../core/http/problem-interceptor';
import { PAGE_NAVIGATION } from '../core/page-navigation';
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
  let fixture: ComponentFixture<MyExams>;
  let http: HttpTestingController;

  beforeEach(() => {
    TestBed.configureTestingModule({
      imports: [MyExams],
      providers: [
        provideRouter([]),
        provideHttpClient(withInterceptors([problemInterceptor])),
        provideHttpClientTesting(),
        { provide: PAGE_NAVIGATION, useValue: { assign: vi.fn() } },
      ],
    });
    fixture = TestBed.createComponent(MyExams);
    http = TestBed.inject(HttpTestingController);
  });

  afterEach(() => {
    http.verify();
  });

  async function settle(): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve));
    await fixture.whenStable();
  }

  function rows(): string[][] {
    return [...(fixture.nativeElement as HTMLElement).querySelectorAll('tbody tr')].map((row) =>
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
    fixture.detectChanges();
    http
      .expectOne('/api/my/exams')
      .flush({ items: [published, busy, once, draft], nextCursor: null });
    await settle();

    // The listing carries the counts: no request per exam.
    expect(http.match((request) => request.url.endsWith('/attempts'))).toEqual([]);
    // The app's one date format (the learner's pages use it too).
    expect(rows()[0]?.[3]).toBe(formatDateTime('2026-11-21T10:00:00.000Z').replace(/\s+/g, ' '));
    expect(rows().map((cells) => [cells[0], cells[1], cells[2], cells[4]])).toEqual([
      ['Exam 1', 'Published', '3', '3 attempts'],
      ['Exam 2', 'Archived', '4', '137 attempts'],
      ['Exam 3', 'Draft', '5', '1 attempt'],
      ['Exam 4', 'Draft', '6', 'No attempts'],
    ]);
    const link = (fixture.nativeElement as HTMLElement).querySelector('tbody tr .attempts a');
    expect(link?.getAttribute('aria-label')).toBe('3 attempts at Exam 1');
    expect(link?.getAttribute('href')).toBe(`/authoring/${published.id}/attempts`);
  });

  it('shows more exams with the cursor', async () => {
    fixture.detectChanges();
    http
      .expectOne('/api/my/exams')
      .flush({ items: [authored(1, 'draft', null, 0)], nextCursor: 'c2' });
    await settle();

    const more = [...(fixture.nativeElement as HTMLElement).querySelectorAll('button')].find(
      (button) => button.textContent.trim() === 'Show more exams',
    );
    more?.click();
    http
      .expectOne('/api/my/exams?cursor=c2')
      .flush({ items: [authored(2, 'draft', null, 0)], nextCursor: null });
    await settle();

    expect(rows().map((cells) => cells[0])).toEqual(['Exam 1', 'Exam 2']);
    expect((fixture.nativeElement as HTMLElement).textContent).not.toContain('Show more exams');
  });

  it('says when the exams could not be loaded, not that there are none', async () => {
    fixture.detectChanges();
    http
      .expectOne('/api/my/exams')
      .flush({ code: 'internal_error' }, { status: 500, statusText: 'Server Error' });
    await settle();

    const text = (fixture.nativeElement as HTMLElement).textContent;
    expect(text).toContain('Your exams could not be loaded. Reload the page to try again.');
    expect(text).not.toContain('No exams yet');
  });
});
