import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import type { HttpTestingController } from '@angular/common/http/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MatTableHarness } from '@angular/material/table/testing';
import type { RouterTestingHarness } from '@angular/router/testing';
import type { MyAttemptRow } from '@assay/contracts';
import { configureRoutesWithApi, navigateTo } from '../../testing/routes';
import { settle as settled } from '../../testing/settle';
import { MyResults } from './my-results';

function row(n: number): MyAttemptRow {
  return {
    attemptId: `00000000-0000-4000-8000-0000000000a${String(n)}`,
    examId: '00000000-0000-4000-8000-0000000000e1',
    examTitle: `Exam ${String(n)}`,
    number: 1,
    state: 'submitted',
    startedAt: '2026-11-22T10:00:00.000Z',
    deadline: null,
    submittedAt: '2026-11-22T10:12:05.000Z',
    score: 6,
    maxScore: 8,
    percentage: 75,
    passed: true,
  };
}

describe('My results', () => {
  let http: HttpTestingController;
  let harness: RouterTestingHarness;

  beforeEach(async () => {
    http = configureRoutesWithApi([{ path: 'me/results', component: MyResults }]);
    harness = await navigateTo('/me/results');
  });

  afterEach(() => {
    http.verify();
  });

  const settle = () => settled(harness.fixture);

  const loader = () => TestbedHarnessEnvironment.loader(harness.fixture);
  const page = () => harness.routeNativeElement?.textContent.replace(/\s+/g, ' ') ?? '';

  it('lists the attempts and loads older ones with the cursor', async () => {
    http.expectOne('/api/me/attempts?limit=20').flush({ items: [row(1)], nextCursor: 'next' });
    await settle();
    expect(await (await loader().getHarness(MatTableHarness)).getRows()).toHaveLength(1);

    await (
      await loader().getHarness(MatButtonHarness.with({ text: 'Show older results' }))
    ).click();
    http
      .expectOne('/api/me/attempts?cursor=next&limit=20')
      .flush({ items: [row(2)], nextCursor: null });
    await settle();

    expect(await (await loader().getHarness(MatTableHarness)).getRows()).toHaveLength(2);
    expect(page()).toContain('Exam 2');
    expect(
      await loader().getAllHarnesses(MatButtonHarness.with({ text: 'Show older results' })),
    ).toEqual([]);
  });

  it('says when there are no attempts yet', async () => {
    http.expectOne('/api/me/attempts?limit=20').flush({ items: [], nextCursor: null });
    await settle();
    expect(page()).toContain('No attempts yet');
  });

  it('shows an error with a way to try again', async () => {
    http
      .expectOne('/api/me/attempts?limit=20')
      .flush({ code: 'internal_error' }, { status: 500, statusText: 'Server Error' });
    await settle();
    expect(page()).toContain('Your results could not be loaded');

    // The page is not stable until the reload has an answer, so the click settles after it.
    const clicked = (
      await loader().getHarness(MatButtonHarness.with({ text: 'Try again' }))
    ).click();
    const retried = await vi.waitFor(() => http.expectOne('/api/me/attempts?limit=20'));
    retried.flush({ items: [row(1)], nextCursor: null });
    await clicked;
    await settle();
    expect(page()).toContain('Exam 1');
    expect(page()).not.toContain('could not be loaded');
  });
});
