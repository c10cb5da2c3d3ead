import {
  ChangeDetectionStrategy,
  Component,
  computed,
  inject,
  input,
  resource,
  signal,
} from '@angular/core';
import { MatAnchor, MatButton } from '@angular/material/button';
import { MatProgressBar } from '@angular/material/progress-bar';
import { Router, RouterLink } from '@angular/router';
import type { ExamDetail, MyAttemptRow } from '@assay/contracts';
import { EXAM_LIMITS } from '@assay/contracts/limits';
import { Auth } from '../core/auth/auth';
import { Notifier } from '../core/notifier';
import { titlePageAfter } from '../core/page-title-strategy';
import { ExamFacts } from '../shared/exam-facts';
import { DateTimePipe, formatPercentage, formatTimeLimit, plural } from '../shared/formatting';
import { LearnerApi } from '../shared/learner-api';
import { LoadFailed } from '../shared/load-failed';
import { MarkdownPipe } from '../shared/markdown';
import { asApiError, problemMessage } from '../shared/problem';

/** The largest page: enough history to find this exam's attempts for nearly every learner. */
const HISTORY_PAGE = EXAM_LIMITS.pageSizeMax;

/** One published exam: what it is about, its rules, and the way in (start, resume or sign in). */
@Component({
  selector: 'app-exam-page',
  imports: [
    DateTimePipe,
    ExamFacts,
    LoadFailed,
    MarkdownPipe,
    MatAnchor,
    MatButton,
    MatProgressBar,
    RouterLink,
  ],
  templateUrl: './exam-page.html',
  styleUrl: './exam-page.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ExamPage {
  readonly examId = input.required<string>();

  private readonly api = inject(LearnerApi);
  private readonly router = inject(Router);
  private readonly notifier = inject(Notifier);
  protected readonly auth = inject(Auth);

  private readonly examResource = resource({
    params: () => ({ examId: this.examId() }),
    loader: ({ params }) => this.api.getExam(params.examId),
  });
  protected readonly exam = computed<ExamDetail | null>(() =>
    this.examResource.hasValue() ? this.examResource.value() : null,
  );
  protected readonly state = computed(() => {
    const error = this.examResource.error();
    if (error) return asApiError(error)?.status === 404 ? 'not-found' : 'error';
    return this.exam() ? 'ready' : 'loading';
  });
  protected readonly errorMessage = computed(() =>
    problemMessage(this.examResource.error(), 'The exam could not be loaded.'),
  );
  protected readonly canTake = computed(() => this.auth.signedIn() && this.auth.can('take:exams'));
  private readonly history = resource({
    params: () => {
      const exam = this.exam();
      return exam && this.canTake() ? { examId: exam.id } : undefined;
    },
    loader: async ({ params }) => {
      try {
        const page = await this.api.myAttempts({ limit: HISTORY_PAGE });
        return page.items.filter((attempt) => attempt.examId === params.examId);
      } catch {
        // Without the history the page still offers "Start exam"; the server resumes if need be.
        return [];
      }
    },
  });
  /** The learner's attempts at this exam, newest first; `null` until known. */
  protected readonly myAttempts = computed<readonly MyAttemptRow[] | null>(() =>
    this.history.hasValue() ? this.history.value() : null,
  );
  protected readonly starting = signal(false);
  protected readonly percent = formatPercentage;

  protected readonly inProgress = computed(
    () => this.myAttempts()?.find((attempt) => attempt.state === 'in_progress') ?? null,
  );
  protected readonly graded = computed(
    () => this.myAttempts()?.filter((attempt) => attempt.state !== 'in_progress') ?? [],
  );
  protected readonly attemptsLeft = computed(() => {
    const exam = this.exam();
    const attempts = this.myAttempts();
    if (!exam || exam.maxAttempts === null || attempts === null) return null;
    return Math.max(0, exam.maxAttempts - attempts.length);
  });
  protected readonly startNote = computed(() => {
    const exam = this.exam();
    if (!exam) return '';
    const time =
      exam.timeLimitMinutes === null
        ? 'There is no time limit.'
        : `You will have ${formatTimeLimit(exam.timeLimitMinutes)}; the clock starts when you start.`;
    const left = this.attemptsLeft();
    const attempts = left === null ? '' : ` You have ${plural(left, 'attempt', 'attempts')} left.`;
    return `${time} Answers are saved as you go.${attempts}`;
  });

  constructor() {
    titlePageAfter(() => this.exam()?.title);
  }

  protected signIn(): void {
    this.auth.signIn(this.router.url);
  }

  protected signUp(): void {
    this.auth.signUp(this.router.url);
  }

  protected retry(): void {
    this.examResource.reload();
  }

  protected async start(): Promise<void> {
    const exam = this.exam();
    if (!exam || this.starting()) return;
    this.starting.set(true);
    try {
      const attempt = await this.api.startAttempt(exam.id);
      await this.router.navigate(['/attempts', attempt.id]);
    } catch (error) {
      const apiError = asApiError(error);
      if (!apiError?.notified) {
        this.notifier.error(
          apiError?.code === 'max_attempts_reached'
            ? 'You have used every attempt this exam allows.'
            : problemMessage(error, 'The exam could not be started. Try again.'),
        );
      }
      if (apiError?.code === 'max_attempts_reached') this.history.reload();
    } finally {
      this.starting.set(false);
    }
  }
}
