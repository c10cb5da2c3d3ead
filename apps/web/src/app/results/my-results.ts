import type { OnInit } from '@angular/core';
import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { MatAnchor, MatButton } from '@angular/material/button';
import { MatProgressBar } from '@angular/material/progress-bar';
import {
  MatCell,
  MatCellDef,
  MatColumnDef,
  MatHeaderCell,
  MatHeaderCellDef,
  MatHeaderRow,
  MatHeaderRowDef,
  MatRow,
  MatRowDef,
  MatTable,
} from '@angular/material/table';
import { RouterLink } from '@angular/router';
import type { MyAttemptRow } from '@assay/contracts';
import { EXAM_LIMITS } from '@assay/contracts/limits';
import { DateTimePipe, formatAttemptNumber, formatPercentage } from '../shared/formatting';
import { LearnerApi } from '../shared/learner-api';
import { problemMessage } from '../shared/problem';

const PAGE_SIZE = EXAM_LIMITS.pageSizeDefault;

type LoadState = 'loading' | 'ready' | 'error';

/** The learner's attempts, newest first, with a link to each result (or back into the exam). */
@Component({
  selector: 'app-my-results',
  imports: [
    DateTimePipe,
    MatAnchor,
    MatButton,
    MatCell,
    MatCellDef,
    MatColumnDef,
    MatHeaderCell,
    MatHeaderCellDef,
    MatHeaderRow,
    MatHeaderRowDef,
    MatProgressBar,
    MatRow,
    MatRowDef,
    MatTable,
    RouterLink,
  ],
  templateUrl: './my-results.html',
  styleUrl: './my-results.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class MyResults implements OnInit {
  private readonly api = inject(LearnerApi);

  protected readonly columns = ['exam', 'date', 'score', 'result', 'action'];
  protected readonly state = signal<LoadState>('loading');
  protected readonly errorMessage = signal('');
  protected readonly rows = signal<readonly MyAttemptRow[]>([]);
  protected readonly nextCursor = signal<string | null>(null);
  protected readonly loadingMore = signal(false);
  protected readonly percent = formatPercentage;
  protected readonly attemptNumber = formatAttemptNumber;

  ngOnInit(): void {
    void this.load();
  }

  protected retry(): void {
    void this.load();
  }

  protected async loadMore(): Promise<void> {
    const cursor = this.nextCursor();
    if (!cursor || this.loadingMore()) return;
    this.loadingMore.set(true);
    try {
      const page = await this.api.myAttempts({ cursor, limit: PAGE_SIZE });
      this.rows.update((rows) => [...rows, ...page.items]);
      this.nextCursor.set(page.nextCursor);
    } catch (error) {
      this.errorMessage.set(problemMessage(error, 'More results could not be loaded.'));
      this.state.set('error');
    } finally {
      this.loadingMore.set(false);
    }
  }

  protected outcome(row: MyAttemptRow): string {
    if (row.state === 'in_progress') return 'In progress';
    return row.passed ? 'Passed' : 'Not passed';
  }

  private async load(): Promise<void> {
    this.state.set('loading');
    try {
      const page = await this.api.myAttempts({ limit: PAGE_SIZE });
      this.rows.set(page.items);
      this.nextCursor.set(page.nextCursor);
      this.state.set('ready');
    } catch (error) {
      this.errorMessage.set(problemMessage(error, 'Your results could not be loaded.'));
      this.state.set('error');
    }
  }
}
