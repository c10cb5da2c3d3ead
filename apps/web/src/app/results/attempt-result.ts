import type { OnInit } from '@angular/core';
import { ChangeDetectionStrategy, Component, inject, input, signal } from '@angular/core';
import { MatAnchor, MatButton } from '@angular/material/button';
import { MatProgressBar } from '@angular/material/progress-bar';
import { Title } from '@angular/platform-browser';
import { Router, RouterLink } from '@angular/router';
import type { AttemptResult, ReviewChoice, ReviewQuestion } from '@assay/contracts';
import { PRODUCT_NAME } from '../core/page-title-strategy';
import {
  DateTimePipe,
  formatAttemptNumber,
  formatDuration,
  formatPercentage,
} from '../shared/formatting';
import { LearnerApi } from '../shared/learner-api';
import { MarkdownPipe } from '../shared/markdown';
import { asApiError, problemMessage } from '../shared/problem';

type LoadState = 'loading' | 'ready' | 'error';

/** Whether the learner chose anything: a blank is not a wrong answer. */
function answered(question: ReviewQuestion): boolean {
  return question.choices.some((choice) => choice.selected);
}

/** A graded attempt: score, pass/fail, and each question as the exam's review policy allows. */
@Component({
  selector: 'app-attempt-result',
  imports: [DateTimePipe, MarkdownPipe, MatAnchor, MatButton, MatProgressBar, RouterLink],
  templateUrl: './attempt-result.html',
  styleUrl: './attempt-result.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class AttemptResultPage implements OnInit {
  readonly attemptId = input.required<string>();

  private readonly api = inject(LearnerApi);
  private readonly router = inject(Router);
  private readonly title = inject(Title);

  protected readonly state = signal<LoadState>('loading');
  protected readonly errorMessage = signal('');
  protected readonly result = signal<AttemptResult | null>(null);
  /** "Attempt 2 of 3": which of the learner's attempts at the exam this was. */
  protected readonly attemptNumber = signal('');
  protected readonly percent = formatPercentage;
  protected readonly duration = formatDuration;

  ngOnInit(): void {
    void this.load();
  }

  protected retry(): void {
    void this.load();
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

  private async load(): Promise<void> {
    this.state.set('loading');
    try {
      const attempt = await this.api.getAttempt(this.attemptId());
      if (attempt.state === 'in_progress' || !attempt.result) {
        await this.router.navigate(['/attempts', attempt.id], { replaceUrl: true });
        return;
      }
      this.result.set(attempt.result);
      this.attemptNumber.set(formatAttemptNumber(attempt.number, attempt.maxAttempts));
      this.title.setTitle(`Result: ${attempt.result.examTitle} · ${PRODUCT_NAME}`);
      this.state.set('ready');
    } catch (error) {
      this.errorMessage.set(
        asApiError(error)?.status === 404
          ? 'This result does not exist, or it belongs to someone else.'
          : problemMessage(error, 'The result could not be loaded.'),
      );
      this.state.set('error');
    }
  }
}
