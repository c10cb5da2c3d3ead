import {
  ChangeDetectionStrategy,
  Component,
  computed,
  effect,
  inject,
  linkedSignal,
  resource,
  signal,
  untracked,
} from '@angular/core';
import { MatButton } from '@angular/material/button';
import { MatProgressBar } from '@angular/material/progress-bar';
import { MatTableModule } from '@angular/material/table';
import { ActivatedRoute, RouterLink } from '@angular/router';
import type { AuthorAttemptPage, AuthorAttemptRow, Exam } from '@assay/contracts';
import { EXAM_LIMITS } from '@assay/contracts/limits';
import { Notifier } from '../core/notifier';
import {
  DateTimePipe,
  formatDuration,
  formatOutcome,
  formatPercentage,
} from '../shared/formatting';
import { asApiError } from '../shared/problem';
import { AuthoringApi } from './authoring-api';
import { StatusChip } from './status-chip';

const pageSize = EXAM_LIMITS.pageSizeDefault;

interface Requested {
  readonly cursor: string | null;
  readonly previousCursors: readonly (string | null)[];
}
type ShownPage = Requested & AuthorAttemptPage;

/** `/authoring/:examId/attempts`: every graded attempt at the exam, most recent first. */
@Component({
  selector: 'app-exam-attempts',
  imports: [DateTimePipe, MatButton, MatProgressBar, MatTableModule, RouterLink, StatusChip],
  templateUrl: './exam-attempts.html',
  styleUrl: './exam-attempts.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ExamAttempts {
  private readonly api = inject(AuthoringApi);
  private readonly notifier = inject(Notifier);
  protected readonly examId = inject(ActivatedRoute).snapshot.paramMap.get('examId') ?? '';

  protected readonly columns = ['learner', 'attempt', 'date', 'duration', 'score', 'result'];
  protected readonly formatDuration = formatDuration;
  protected readonly formatPercentage = formatPercentage;
  protected readonly formatOutcome = formatOutcome;

  private readonly examResource = resource({
    loader: () => this.api.examForEditing(this.examId),
  });
  /** The page asked for, with the cursors of the pages before it (the first page's is `null`). */
  private readonly requested = signal<Requested>({ cursor: null, previousCursors: [] });
  private readonly page = resource({
    params: () => this.requested(),
    loader: async ({ params }): Promise<ShownPage> => ({
      ...params,
      ...(await this.api.attempts(this.examId, { cursor: params.cursor, limit: pageSize })),
    }),
  });
  /** The last page that loaded: a page that fails to load leaves it on screen. */
  private readonly shown = linkedSignal<ShownPage | undefined, ShownPage | null>({
    source: () => (this.page.hasValue() ? this.page.value() : undefined),
    computation: (page, previous) => page ?? previous?.value ?? null,
  });

  protected readonly exam = computed<Exam | null>(() =>
    this.examResource.hasValue() ? this.examResource.value() : null,
  );
  protected readonly rows = computed<readonly AuthorAttemptRow[]>(() => this.shown()?.items ?? []);
  protected readonly loading = computed(() => this.page.isLoading());
  protected readonly failed = computed<string | null>(() => {
    const examError = this.examResource.error();
    if (asApiError(examError)?.status === 404) {
      return 'There is no exam here, or it belongs to another author.';
    }
    return examError || (this.page.error() && !this.shown())
      ? 'The attempts could not be loaded. Reload the page to try again.'
      : null;
  });
  protected readonly nextCursor = computed(() => this.shown()?.nextCursor ?? null);
  protected readonly pageNumber = computed(() => (this.shown()?.previousCursors.length ?? 0) + 1);

  constructor() {
    effect(() => {
      const error = this.page.error();
      // The first page failing fails the whole page; a later one is told and stays put.
      if (!error || !untracked(this.shown)) return;
      const apiError = asApiError(error);
      if (!apiError?.notified) this.notifier.error(apiError?.message ?? 'Loading failed.');
    });
  }

  protected next(): void {
    const shown = this.shown();
    if (!shown?.nextCursor) return;
    this.requested.set({
      cursor: shown.nextCursor,
      previousCursors: [...shown.previousCursors, shown.cursor],
    });
  }

  protected previous(): void {
    const shown = this.shown();
    if (!shown || shown.previousCursors.length === 0) return;
    this.requested.set({
      cursor: shown.previousCursors.at(-1) ?? null,
      previousCursors: shown.previousCursors.slice(0, -1),
    });
  }
}
