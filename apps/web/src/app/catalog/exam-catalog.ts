import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  computed,
  inject,
  signal,
} from '@angular/core';
import { takeUntilDestroyed, toObservable } from '@angular/core/rxjs-interop';
import { MatButton } from '@angular/material/button';
import { MatCard, MatCardActions, MatCardContent } from '@angular/material/card';
import { MatFormField, MatHint, MatLabel } from '@angular/material/form-field';
import { MatInput } from '@angular/material/input';
import { MatProgressBar } from '@angular/material/progress-bar';
import { ActivatedRoute, Router, RouterLink } from '@angular/router';
import { EXAM_LIMITS } from '@assay/contracts/limits';
import { debounceTime, distinctUntilChanged, skip } from 'rxjs';
import { cursorPages } from '../shared/cursor-pages';
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
  private readonly list = cursorPages({
    query: this.shownSearch,
    load: ({ q }, cursor) => this.api.listExams({ q, cursor, limit: PAGE_SIZE }),
  });
  protected readonly exams = this.list.items;
  protected readonly nextCursor = this.list.nextCursor;
  protected readonly loadingMore = this.list.loadingMore;
  protected readonly state = this.list.state;
  protected readonly errorMessage = computed(() => {
    const failure = this.list.failure();
    return problemMessage(
      failure?.error,
      failure?.more ? 'More exams could not be loaded.' : 'The exams could not be loaded.',
    );
  });
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

  protected loadMore(): void {
    void this.list.loadMore();
  }
}
