import {
  ChangeDetectionStrategy,
  Component,
  ElementRef,
  Injector,
  afterNextRender,
  inject,
  computed,
  effect,
  signal,
  untracked,
} from '@angular/core';
import { FormGroup, ReactiveFormsModule } from '@angular/forms';
import { MatAnchor, MatButton } from '@angular/material/button';
import { MatError, MatFormField, MatLabel } from '@angular/material/form-field';
import { MatInput } from '@angular/material/input';
import { MatProgressBar } from '@angular/material/progress-bar';
import { Router, RouterLink } from '@angular/router';
import type { AuthoredExamSummary } from '@assay/contracts';
import { EXAM_LIMITS } from '@assay/contracts/limits';
import { ApiError } from '../core/http/api-error';
import { Notifier } from '../core/notifier';
import { cursorPages } from '../shared/cursor-pages';
import { DateTimePipe, plural } from '../shared/formatting';
import { warnBeforeUnload, type WithUnsavedChanges } from '../shared/unsaved-changes';
import { AuthoringApi } from './authoring-api';
import { examTitleControls } from './exam-title-controls';
import { StatusChip } from './status-chip';

/** `/authoring`: the signed-in author's exams, drafts and published, and "New exam". */
@Component({
  selector: 'app-my-exams',
  imports: [
    DateTimePipe,
    MatAnchor,
    MatButton,
    MatError,
    MatFormField,
    MatInput,
    MatLabel,
    MatProgressBar,
    ReactiveFormsModule,
    RouterLink,
    StatusChip,
  ],
  templateUrl: './my-exams.html',
  styleUrl: './my-exams.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class MyExams implements WithUnsavedChanges {
  private readonly api = inject(AuthoringApi);
  private readonly notifier = inject(Notifier);
  private readonly router = inject(Router);
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);
  private readonly injector = inject(Injector);

  private readonly list = cursorPages({
    query: () => ({}),
    load: (_all, cursor) => this.api.myExams({ cursor }),
  });
  /** The exams of the pages loaded so far: the first page's, then each "more" page's. */
  protected readonly exams = this.list.items;
  protected readonly nextCursor = this.list.nextCursor;
  protected readonly loading = computed(() => this.list.loading() || this.list.loadingMore());
  protected readonly loadFailed = computed(() => this.list.failure() !== undefined);
  protected readonly creating = signal(false);
  protected readonly busy = signal(false);
  protected readonly limits = EXAM_LIMITS;

  protected readonly newExam = new FormGroup({
    ...examTitleControls(),
  });

  constructor() {
    warnBeforeUnload(() => this.hasUnsavedChanges());
    effect(() => {
      const error = this.list.failure()?.error;
      if (error) {
        untracked(() => {
          this.report(error);
        });
      }
    });
  }

  /** A new exam typed into the form but not created. */
  hasUnsavedChanges(): boolean {
    const { title, description } = this.newExam.getRawValue();
    return this.creating() && (title.trim() !== '' || description.trim() !== '');
  }

  protected loadMore(): void {
    void this.list.loadMore();
  }

  protected openNewExam(): void {
    this.creating.set(true);
    this.focusAfterRender('new-exam-title');
  }

  protected closeNewExam(): void {
    this.creating.set(false);
    this.newExam.reset();
    this.focusAfterRender('new-exam-button');
  }

  /** What the Attempts column says for an exam: its graded attempts, "No attempts", "3 attempts". */
  protected attemptsLabel(exam: AuthoredExamSummary): string {
    return exam.attemptCount === 0
      ? 'No attempts'
      : plural(exam.attemptCount, 'attempt', 'attempts');
  }

  protected async create(): Promise<void> {
    if (this.newExam.invalid) {
      this.newExam.markAllAsTouched();
      this.focusAfterRender('new-exam-title');
      return;
    }
    this.busy.set(true);
    try {
      const exam = await this.api.createExam(this.newExam.getRawValue());
      this.creating.set(false);
      this.newExam.reset();
      this.notifier.confirm('Draft created — now add its questions');
      await this.router.navigate(['/authoring', exam.id]);
    } catch (error) {
      this.report(error);
    } finally {
      this.busy.set(false);
    }
  }

  private report(error: unknown): void {
    if (error instanceof ApiError && error.notified) return;
    this.notifier.error(error instanceof ApiError ? error.message : 'Something went wrong.');
  }

  private focusAfterRender(id: string): void {
    afterNextRender(
      () => this.host.nativeElement.querySelector<HTMLElement>(`[id="${id}"]`)?.focus(),
      { injector: this.injector },
    );
  }
}
