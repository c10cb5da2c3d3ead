import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { MatAnchor, MatButton } from '@angular/material/button';
import { MatProgressBar } from '@angular/material/progress-bar';
import { MatTableModule } from '@angular/material/table';
import { RouterLink } from '@angular/router';
import type { MyAttemptRow } from '@assay/contracts';
import { EXAM_LIMITS } from '@assay/contracts/limits';
import { cursorPages } from '../shared/cursor-pages';
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

  /** Every attempt, newest first: one query, which "Try again" loads again. */
  private readonly list = cursorPages({
    query: () => ({}),
    load: (_everything, cursor) => this.api.myAttempts({ cursor, limit: PAGE_SIZE }),
  });

  protected readonly columns = ['exam', 'date', 'score', 'result', 'action'];
  protected readonly state = this.list.state;
  protected readonly errorMessage = computed(() => {
    const failure = this.list.failure();
    return problemMessage(
      failure?.error,
      failure?.more ? 'More results could not be loaded.' : 'Your results could not be loaded.',
    );
  });
  protected readonly rows = this.list.items;
  protected readonly nextCursor = this.list.nextCursor;
  protected readonly loadingMore = this.list.loadingMore;
  protected readonly percent = formatPercentage;
  protected readonly attemptNumber = formatAttemptNumber;

  protected retry(): void {
    this.list.reload();
  }

  protected loadMore(): void {
    void this.list.loadMore();
  }

  protected outcome(row: MyAttemptRow): string {
    if (row.state === 'in_progress') return 'In progress';
    return row.passed ? 'Passed' : 'Not passed';
  }
}
