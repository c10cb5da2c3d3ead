import {
  ChangeDetectionStrategy,
  Component,
  computed,
  effect,
  inject,
  input,
  resource,
} from '@angular/core';
import { MatAnchor } from '@angular/material/button';
import { MatProgressBar } from '@angular/material/progress-bar';
import { Router, RouterLink } from '@angular/router';
import type { AttemptResult, ReviewChoice, ReviewQuestion } from '@assay/contracts';
import { titlePageAfter } from '../core/page-title-strategy';
import {
  DateTimePipe,
  formatAttemptNumber,
  formatDuration,
  formatPercentage,
} from '../shared/formatting';
import { LearnerApi } from '../shared/learner-api';
import { LoadFailed } from '../shared/load-failed';
import { MarkdownPipe } from '../shared/markdown';
import { asApiError, problemMessage } from '../shared/problem';

/** Whether the learner chose anything: a blank is not a wrong answer. */
function answered(question: ReviewQuestion): boolean {
  return question.choices.some((choice) => choice.selected);
}

/** A graded attempt: score, pass/fail, and each question as the exam's review policy allows. */
@Component({
  selector: 'app-attempt-result',
  imports: [DateTimePipe, LoadFailed, MarkdownPipe, MatAnchor, MatProgressBar, RouterLink],
  templateUrl: './attempt-result.html',
  styleUrl: './attempt-result.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class AttemptResultPage {
  readonly attemptId = input.required<string>();

  private readonly api = inject(LearnerApi);
  private readonly router = inject(Router);

  private readonly attempt = resource({
    params: () => ({ attemptId: this.attemptId() }),
    loader: ({ params }) => this.api.getAttempt(params.attemptId),
  });
  /** The attempt once it is loaded and graded; an attempt in progress leaves for the player. */
  private readonly graded = computed(() => {
    const attempt = this.attempt.hasValue() ? this.attempt.value() : undefined;
    return attempt?.state !== 'in_progress' && attempt?.result ? attempt : null;
  });

  protected readonly state = computed(() => {
    if (this.attempt.status() === 'error') return 'error';
    return this.graded() ? 'ready' : 'loading';
  });
  protected readonly errorMessage = computed(() => {
    const error = this.attempt.error();
    if (!error) return '';
    return asApiError(error)?.status === 404
      ? 'This result does not exist, or it belongs to someone else.'
      : problemMessage(error, 'The result could not be loaded.');
  });
  protected readonly result = computed<AttemptResult | null>(() => this.graded()?.result ?? null);
  /** "Attempt 2 of 3": which of the learner's attempts at the exam this was. */
  protected readonly attemptNumber = computed(() => {
    const attempt = this.graded();
    return attempt ? formatAttemptNumber(attempt.number, attempt.maxAttempts) : '';
  });
  protected readonly percent = formatPercentage;
  protected readonly duration = formatDuration;

  constructor() {
    effect(() => {
      const attempt = this.attempt.hasValue() ? this.attempt.value() : undefined;
      if (attempt && (attempt.state === 'in_progress' || !attempt.result)) {
        void this.router.navigate(['/attempts', attempt.id], { replaceUrl: true });
      }
    });
    titlePageAfter(() => {
      const result = this.result();
      return result && `Result: ${result.examTitle}`;
    });
  }

  protected retry(): void {
    this.attempt.reload();
  }

  protected questionVerdict(question: ReviewQuestion): string {
    if (!answered(question)) return 'Not answered';
    return question.answeredCorrectly ? 'Correct' : 'Incorrect';
  }

  protected readonly answered = answered;

  /** What a choice was, in words, for people who cannot see the colours and marks. */
  protected choiceNotes(choice: ReviewChoice): string[] {
    const notes: string[] = [];
    if (choice.selected) notes.push('Your answer');
    if (choice.correct === true) notes.push('Correct answer');
    return notes;
  }
}
