import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  computed,
  inject,
  linkedSignal,
  resource,
  signal,
} from '@angular/core';
import { takeUntilDestroyed, toObservable } from '@angular/core/rxjs-interop';
import { MatButton } from '@angular/material/button';
import { MatCard, MatCardActions, MatCardContent } from '@angular/material/card';
import { MatFormField, MatHint, MatLabel } from '@angular/material/form-field';
import { MatInput } from '@angular/material/input';
import { MatProgressBar } from '@angular/material/progress-bar';
import { ActivatedRoute, Router, RouterLink } from '@angular/router';
import type { ExamSummary, ExamSummaryPage } from '@assay/contracts';
import { EXAM_LIMITS } from '@assay/contracts/limits';
import { debounceTime, distinctUntilChanged, skip } from 'rxjs';
import { ExamFacts } from '../shared/exam-facts';
import { plural } from '../shared/formatting';
import { LearnerApi } from '../shared/learner-api';
import { problemMessage } from '../shared/problem';

const PAGE_SIZE = 12;
const SEARCH_DEBOUNCE_MS = 300;

/** The public catalog of published exams: search, cursor paging with "Load more". */
@Component({
  selector: 'app-exam-catalog',
  imports: [
    ExamFacts,
    MatButton,
    MatCard,
    MatCardActions,
    MatCardContent,
    MatFormField,
    MatHint,
    MatInput,
    MatLabel,
    MatProgressBar,
    RouterLink,
  ],
  templateUrl: './exam-catalog.html',
  styleUrl: './exam-catalog.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ExamCatalog {
  private readonly api = inject(LearnerApi);
  private readonly router = inject(Router);
  private readonly route = inject(ActivatedRoute);

  protected readonly searchMaxLength = EXAM_LIMITS.searchMaxLength;
  protected readonly search = signal(this.route.snapshot.queryParamMap.get('q') ?? '');
  /** The search shown; a new object each time, so searching again reloads. */
  private readonly shownSearch = signal<{ readonly q: string }>({ q: this.search().trim() });
  /** Its first page: an answer to an older search is dropped when a newer one was asked. */
  private readonly firstPage = resource({
    params: () => this.shownSearch(),
    loader: ({ params }) => this.api.listExams({ q: params.q, limit: PAGE_SIZE }),
  });
  private readonly firstPageValue = computed(() =>
    this.firstPage.hasValue() ? this.firstPage.value() : undefined,
  );
  /** The exams of the search's pages so far; the last ones stay while the next search loads. */
  protected readonly exams = linkedSignal<ExamSummaryPage | undefined, readonly ExamSummary[]>({
    source: this.firstPageValue,
    computation: (page, previous) => page?.items ?? previous?.value ?? [],
  });
  protected readonly nextCursor = linkedSignal<ExamSummaryPage | undefined, string | null>({
    source: this.firstPageValue,
    computation: (page, previous) => (page ? page.nextCursor : (previous?.value ?? null)),
  });
  protected readonly loadingMore = linkedSignal({
    source: this.shownSearch,
    computation: () => false,
  });
  private readonly loadMoreError = linkedSignal<unknown, string | null>({
    source: this.shownSearch,
    computation: () => null,
  });
  protected readonly state = computed(() => {
    if (this.loadMoreError() !== null || this.firstPage.status() === 'error') return 'error';
    return this.firstPage.isLoading() ? 'loading' : 'ready';
  });
  protected readonly errorMessage = computed(
    () =>
      this.loadMoreError() ??
      problemMessage(this.firstPage.error(), 'The exams could not be loaded.'),
  );
  /** The query the shown results are for (the box may already hold the next one). */
  protected readonly shownQuery = computed(() => this.shownSearch().q);

  protected readonly resultsSummary = computed(() => {
    if (this.state() !== 'ready') return '';
    const count = this.exams().length;
    const more = this.nextCursor() ? ' so far' : '';
    const query = this.shownQuery();
    const found = plural(count, 'exam', 'exams');
    return query ? `${found} matching “${query}”${more}` : `${found}${more}`;
  });

  constructor() {
    toObservable(this.search)
      .pipe(
        skip(1),
        debounceTime(SEARCH_DEBOUNCE_MS),
        distinctUntilChanged(),
        takeUntilDestroyed(inject(DestroyRef)),
      )
      .subscribe((text) => {
        const q = text.trim();
        void this.router.navigate([], {
          relativeTo: this.route,
          queryParams: { q: q || null },
          replaceUrl: true,
        });
        this.shownSearch.set({ q });
      });
  }

  protected onSearchInput(event: Event): void {
    this.search.set((event.target as HTMLInputElement).value);
  }

  protected clearSearch(): void {
    this.search.set('');
  }

  protected retry(): void {
    this.shownSearch.set({ q: this.search().trim() });
  }

  protected async loadMore(): Promise<void> {
    const cursor = this.nextCursor();
    if (!cursor || this.loadingMore()) return;
    const search = this.shownSearch();
    this.loadingMore.set(true);
    try {
      const page = await this.api.listExams({ q: search.q, cursor, limit: PAGE_SIZE });
      // A search asked for meanwhile replaces these exams, so they are dropped.
      if (search !== this.shownSearch()) return;
      this.exams.update((exams) => [...exams, ...page.items]);
      this.nextCursor.set(page.nextCursor);
    } catch (error) {
      if (search !== this.shownSearch()) return;
      this.loadMoreError.set(problemMessage(error, 'More exams could not be loaded.'));
    } finally {
      if (search === this.shownSearch()) this.loadingMore.set(false);
    }
  }
}
