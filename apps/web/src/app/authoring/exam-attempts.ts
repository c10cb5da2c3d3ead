import type { OnInit } from '@angular/core';
import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { MatButton } from '@angular/material/button';
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
import { ActivatedRoute, RouterLink } from '@angular/router';
import type { AuthorAttemptRow, Exam } from '@assay/contracts';
import { EXAM_LIMITS } from '@assay/contracts/limits';
import { ApiError } from '../core/http/api-error';
import { Notifier } from '../core/notifier';
import {
  DateTimePipe,
  formatDuration,
  formatOutcome,
  formatPercentage,
} from '../shared/formatting';
import { AuthoringApi } from './authoring-api';
import { StatusChip } from './status-chip';

const pageSize = EXAM_LIMITS.pageSizeDefault;

/** `/authoring/:examId/attempts`: every graded attempt at the exam, most recent first. */
@Component({
  selector: 'app-exam-attempts',
  imports: [
    DateTimePipe,
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
    StatusChip,
  ],
  templateUrl: './exam-attempts.html',
  styleUrl: './exam-attempts.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ExamAttempts implements OnInit {
  private readonly api = inject(AuthoringApi);
  private readonly notifier = inject(Notifier);
  protected readonly examId = inject(ActivatedRoute).snapshot.paramMap.get('examId') ?? '';

  protected readonly columns = ['learner', 'attempt', 'date', 'duration', 'score', 'result'];
  protected readonly formatDuration = formatDuration;
  protected readonly formatPercentage = formatPercentage;
  protected readonly formatOutcome = formatOutcome;
  protected readonly exam = signal<Exam | null>(null);
  protected readonly rows = signal<readonly AuthorAttemptRow[]>([]);
  protected readonly loading = signal(true);
  protected readonly failed = signal<string | null>(null);
  /** Cursors of the pages before the current one (the first page has cursor `null`). */
  private readonly previousCursors = signal<readonly (string | null)[]>([]);
  private readonly currentCursor = signal<string | null>(null);
  protected readonly nextCursor = signal<string | null>(null);
  protected readonly pageNumber = computed(() => this.previousCursors().length + 1);

  ngOnInit(): void {
    void this.loadExamAndFirstPage();
  }

  private async loadExamAndFirstPage(): Promise<void> {
    try {
      const [exam] = await Promise.all([this.api.examForEditing(this.examId), this.loadPage(null)]);
      this.exam.set(exam);
    } catch (error) {
      this.failed.set(
        error instanceof ApiError && error.status === 404
          ? 'There is no exam here, or it belongs to another author.'
          : 'The attempts could not be loaded. Reload the page to try again.',
      );
    }
  }

  protected async next(): Promise<void> {
    const cursor = this.nextCursor();
    if (!cursor) return;
    const current = this.currentCursor();
    if (await this.tryLoad(cursor)) this.previousCursors.update((list) => [...list, current]);
  }

  protected async previous(): Promise<void> {
    const list = this.previousCursors();
    if (list.length === 0) return;
    if (await this.tryLoad(list.at(-1) ?? null)) this.previousCursors.set(list.slice(0, -1));
  }

  private async tryLoad(cursor: string | null): Promise<boolean> {
    try {
      await this.loadPage(cursor);
      return true;
    } catch (error) {
      if (!(error instanceof ApiError && error.notified)) {
        this.notifier.error(error instanceof ApiError ? error.message : 'Loading failed.');
      }
      return false;
    }
  }

  private async loadPage(cursor: string | null): Promise<void> {
    this.loading.set(true);
    try {
      const page = await this.api.attempts(this.examId, { cursor, limit: pageSize });
      this.rows.set(page.items);
      this.currentCursor.set(cursor);
      this.nextCursor.set(page.nextCursor);
    } finally {
      this.loading.set(false);
    }
  }
}
