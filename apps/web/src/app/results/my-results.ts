import {
  ChangeDetectionStrategy,
  Component,
  computed,
  inject,
  linkedSignal,
  resource,
  signal,
} from '@angular/core';
import { MatAnchor, MatButton } from '@angular/material/button';
import { MatProgressBar } from '@angular/material/progress-bar';
import { MatTableModule } from '@angular/material/table';
import { RouterLink } from '@angular/router';
import type { MyAttemptRow } from '@assay/contracts';
import { EXAM_LIMITS } from '@assay/contracts/limits';
import { DateTimePipe, formatAttemptNumber, formatPercentage } from '../shared/formatting';
import { LearnerApi } from '../shared/learner-api';
import { problemMessage } from '../shared/problem';

const PAGE_SIZE = EXAM_LIMITS.pageSizeDefault;

/** The learner's attempts, newest first, with a link to each result (or back into the exam). */
@Component({
  selector: 'app-my-results',
  imports: [DateTimePipe, MatAnchor, MatButton, MatProgressBar, MatTableModule, RouterLink],
  templateUrl: './my-results.html',
  styleUrl: './my-results.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class MyResults {
  private readonly api = inject(LearnerApi);

  private readonly firstPage = resource({
    loader: () => this.api.myAttempts({ limit: PAGE_SIZE }),
  });
  private readonly firstPageValue = computed(() =>
    this.firstPage.hasValue() ? this.firstPage.value() : undefined,
  );
  /** Rows of the pages after the first, shown by "Show older results"; reset with the first. */
  private readonly olderRows = linkedSignal<unknown, readonly MyAttemptRow[]>({
    source: this.firstPageValue,
    computation: () => [],
  });
  private readonly loadMoreError = linkedSignal<unknown, string | null>({
    source: this.firstPageValue,
    computation: () => null,
  });

  protected readonly columns = ['exam', 'date', 'score', 'result', 'action'];
  protected readonly state = computed(() => {
    if (this.loadMoreError() !== null || this.firstPage.status() === 'error') return 'error';
    return this.firstPage.isLoading() ? 'loading' : 'ready';
  });
  protected readonly errorMessage = computed(
    () =>
      this.loadMoreError() ??
      problemMessage(this.firstPage.error(), 'Your results could not be loaded.'),
  );
  protected readonly rows = computed(() => [
    ...(this.firstPageValue()?.items ?? []),
    ...this.olderRows(),
  ]);
  protected readonly nextCursor = linkedSignal(() => this.firstPageValue()?.nextCursor ?? null);
  protected readonly loadingMore = signal(false);
  protected readonly percent = formatPercentage;
  protected readonly attemptNumber = formatAttemptNumber;

  protected retry(): void {
    this.loadMoreError.set(null);
    this.firstPage.reload();
  }

  protected async loadMore(): Promise<void> {
    const cursor = this.nextCursor();
    if (!cursor || this.loadingMore()) return;
    this.loadingMore.set(true);
    try {
      const page = await this.api.myAttempts({ cursor, limit: PAGE_SIZE });
      this.olderRows.update((rows) => [...rows, ...page.items]);
      this.nextCursor.set(page.nextCursor);
    } catch (error) {
      this.loadMoreError.set(problemMessage(error, 'More results could not be loaded.'));
    } finally {
      this.loadingMore.set(false);
    }
  }

  protected outcome(row: MyAttemptRow): string {
    if (row.state === 'in_progress') return 'In progress';
    return row.passed ? 'Passed' : 'Not passed';
  }
}
