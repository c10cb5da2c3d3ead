import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import type { HttpTestingController } from '@angular/common/http/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MatInputHarness } from '@angular/material/input/testing';
import type { RouterTestingHarness } from '@angular/router/testing';
import type { ExamSummary, ExamSummaryPage } from '@assay/contracts';
import { configureRoutesWithApi, navigateTo } from '../../testing/routes';
import { settle as settled } from '../../testing/settle';
import { ExamCatalog } from './exam-catalog';

function exam(n: number): ExamSummary {
  return {
    id: `00000000-0000-4000-8000-00000000000${n}`,
    title: `Exam ${n}`,
    description: `About exam ${n}`,
    questionCount: 10,
    maxScore: 10,
    timeLimitMinutes: 20,
    maxAttempts: null,
    passMark: 70,
    reviewPolicy: 'show_answers',
    authorName: 'Assay samples',
    publishedAt: null,
  };
}

describe('ExamCatalog', () => {
  let http: HttpTestingController;

  beforeEach(() => {
    http = configureRoutesWithApi([{ path: 'exams', component: ExamCatalog }]);
  });

  afterEach(() => {
    vi.useRealTimers();
    http.verify();
  });

  const open = () => navigateTo('/exams');
  const settle = (harness: RouterTestingHarness) => settled(harness.fixture);

  function titles(harness: RouterTestingHarness): string[] {
    return [...(harness.routeNativeElement?.querySelectorAll('.exam-title') ?? [])].map((e) =>
      e.textContent.trim(),
    );
  }

  it('lists published exams with their facts and loads the next page with the cursor', async () => {
    const harness = await open();
    const first: ExamSummaryPage = { items: [exam(1), exam(2)], nextCursor: 'abc' };
    http.expectOne('/api/exams?limit=12').flush(first);
    await settle(harness);

    expect(titles(harness)).toEqual(['Exam 1', 'Exam 2']);
    expect(harness.routeNativeElement?.textContent).toContain('20 minutes');
    const loader = TestbedHarnessEnvironment.loader(harness.fixture);
    await (await loader.getHarness(MatButtonHarness.with({ text: 'Load more exams' }))).click();
    http.expectOne('/api/exams?cursor=abc&limit=12').flush({ items: [exam(3)], nextCursor: null });
    await settle(harness);

    expect(titles(harness)).toEqual(['Exam 1', 'Exam 2', 'Exam 3']);
    expect(
      await loader.getAllHarnesses(MatButtonHarness.with({ text: 'Load more exams' })),
    ).toEqual([]);
  });

  it('searches once the learner stops typing, and says when nothing matches', async () => {
    const harness = await open();
    http.expectOne('/api/exams?limit=12').flush({ items: [exam(1)], nextCursor: null });
    await settle(harness);
    const loader = TestbedHarnessEnvironment.loader(harness.fixture);
    const search = await loader.getHarness(MatInputHarness);

    // Fake time for the debounce (rxjs reads the clock too); it also follows real time, so that
    // the animation frames Angular's change detection waits for still come.
    vi.useFakeTimers({
      toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'],
      shouldAdvanceTime: true,
    });
    await search.setValue('stat');
    await search.setValue('statistics');
    http.expectNone(() => true);
    await vi.advanceTimersByTimeAsync(300);
    // The search is sent on the change detection after the debounce.
    (await vi.waitFor(() => http.expectOne('/api/exams?q=statistics&limit=12'))).flush({
      items: [],
      nextCursor: null,
    });
    await settle(harness);

    expect(harness.routeNativeElement?.querySelector('h2')?.textContent).toContain(
      'No exams match “statistics”',
    );
  });

  it('drops the answer to an older search that comes after a newer one', async () => {
    const harness = await open();
    http.expectOne('/api/exams?limit=12').flush({ items: [exam(1)], nextCursor: null });
    await settle(harness);
    vi.useFakeTimers({
      toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'],
      shouldAdvanceTime: true,
    });
    // Typed straight into the box: a harness would wait for the open request to settle first.
    const input = harness.routeNativeElement?.querySelector('input') as HTMLInputElement;
    async function type(text: string): Promise<void> {
      input.value = text;
      input.dispatchEvent(new Event('input'));
      harness.fixture.detectChanges();
      await vi.advanceTimersByTimeAsync(300);
      harness.fixture.detectChanges();
      await vi.advanceTimersByTimeAsync(0);
    }

    await type('stat');
    const older = http.expectOne('/api/exams?q=stat&limit=12');
    await type('statistics');
    http
      .expectOne('/api/exams?q=statistics&limit=12')
      .flush({ items: [exam(2)], nextCursor: null });
    older.flush({ items: [exam(3)], nextCursor: null });
    await settle(harness);

    expect(titles(harness)).toEqual(['Exam 2']);
    expect(harness.routeNativeElement?.querySelector('[role="status"]')?.textContent).toContain(
      '1 exam matching “statistics”',
    );
  });

  it('shows an error with a way to try again', async () => {
    const harness = await open();
    http
      .expectOne('/api/exams?limit=12')
      .flush({ code: 'internal_error' }, { status: 500, statusText: 'Server Error' });
    await settle(harness);
    expect(harness.routeNativeElement?.textContent).toContain('Something went wrong');

    const loader = TestbedHarnessEnvironment.loader(harness.fixture);
    // The page is not stable until the reload has an answer, so the click settles after it.
    const clicked = (await loader.getHarness(MatButtonHarness.with({ text: 'Try again' }))).click();
    const retried = await vi.waitFor(() => http.expectOne('/api/exams?limit=12'));
    retried.flush({ items: [exam(1)], nextCursor: null });
    await clicked;
    await settle(harness);
    expect(titles(harness)).toEqual(['Exam 1']);
  });

  it('pages through the results of a search, keeping the search', async () => {
    const harness = await navigateTo('/exams?q=stat');
    http.expectOne('/api/exams?q=stat&limit=12').flush({ items: [exam(1)], nextCursor: 'p2' });
    await settle(harness);
    expect(harness.routeNativeElement?.querySelector('[role="status"]')?.textContent).toContain(
      '1 exam matching “stat” so far',
    );

    const loader = TestbedHarnessEnvironment.loader(harness.fixture);
    expect(await (await loader.getHarness(MatInputHarness)).getValue()).toBe('stat');
    await (await loader.getHarness(MatButtonHarness.with({ text: 'Load more exams' }))).click();
    http
      .expectOne('/api/exams?q=stat&cursor=p2&limit=12')
      .flush({ items: [exam(2)], nextCursor: null });
    await settle(harness);

    expect(titles(harness)).toEqual(['Exam 1', 'Exam 2']);
    expect(harness.routeNativeElement?.querySelector('[role="status"]')?.textContent).toContain(
      '2 exams matching “stat”',
    );
  });
});
