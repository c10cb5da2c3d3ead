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
import type { ExamSummary } from '@assay/contracts';
import { EXAM_LIMITS } from '@assay/contracts/limits';
import { debounceTime, distinctUntilChanged, skip } from 'rxjs';
import { ExamFacts } from '../shared/exam-facts';
import { plural } from '../shared/formatting';
import { LearnerApi } from '../shared/learner-api';
import { problemMessage } from '../shared/problem';

const PAGE_SIZE = 12;
const SEARCH_DEBOUNCE_MS = 300;

type LoadState = 'loading' | 'ready' | 'error';

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
  protected readonly state = signal<LoadState>('loading');
  protected readonly exams = signal<readonly ExamSummary[]>([]);
  protected readonly nextCursor = signal<string | null>(null);
  protected readonly loadingMore = signal(false);
  protected readonly errorMessage = signal('');
  /** The query the shown results are for (the box may already hold the next one). */
  protected readonly shownQuery = signal('');

  protected readonly resultsSummary = computed(() => {
    if (this.state() !== 'ready') return '';
    const count = this.exams().length;
    const more = this.nextCursor() ? ' so far' : '';
    const query = this.shownQuery();
    const found = plural(count, 'exam', 'exams');
    return query ? `${found} matching “${query}”${more}` : `${found}${more}`;
  });

  /** Guards against an older, slower response replacing a newer one. */
  private requestNumber = 0;

  constructor() {
    void this.load(this.search().trim());
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
        void this.load(q);
      });
  }

  protected onSearchInput(event: Event): void {
    this.search.set((event.target as HTMLInputElement).value);
  }

  protected clearSearch(): void {
    this.search.set('');
  }

  protected retry(): void {
    void this.load(this.search().trim());
  }

  protected async loadMore(): Promise<void> {
    const cursor = this.nextCursor();
    if (!cursor || this.loadingMore()) return;
    const request = this.requestNumber;
    this.loadingMore.set(true);
    try {
      const page = await this.api.listExams({ q: this.shownQuery(), cursor, limit: PAGE_SIZE });
      if (request !== this.requestNumber) return;
      this.exams.update((exams) => [...exams, ...page.items]);
      this.nextCursor.set(page.nextCursor);
    } catch (error) {
      if (request !== this.requestNumber) return;
      this.errorMessage.set(problemMessage(error, 'More exams could not be loaded.'));
      this.state.set('error');
    } finally {
      if (request === this.requestNumber) this.loadingMore.set(false);
    }
  }

  private async load(q: string): Promise<void> {
    const request = ++this.requestNumber;
    this.state.set('loading');
    this.loadingMore.set(false);
    try {
      const page = await this.api.listExams({ q, limit: PAGE_SIZE });
      if (request !== this.requestNumber) return;
      this.exams.set(page.items);
      this.nextCursor.set(page.nextCursor);
      this.shownQuery.set(q);
      this.state.set('ready');
    } catch (error) {
      if (request !== this.requestNumber) return;
      this.errorMessage.set(problemMessage(error, 'The exams could not be loaded.'));
      this.state.set('error');
    }
  }
}
