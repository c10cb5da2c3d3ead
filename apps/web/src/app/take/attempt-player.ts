import type { ElementRef, OnInit } from '@angular/core';
import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  afterNextRender,
  computed,
  inject,
  input,
  signal,
  viewChild,
  Injector,
} from '@angular/core';
import { MatButton } from '@angular/material/button';
import type { MatCheckboxChange } from '@angular/material/checkbox';
import { MatCheckbox } from '@angular/material/checkbox';
import { MatProgressBar } from '@angular/material/progress-bar';
import { MatProgressSpinner } from '@angular/material/progress-spinner';
import type { MatRadioChange } from '@angular/material/radio';
import { MatRadioButton, MatRadioGroup } from '@angular/material/radio';
import { ActivatedRoute, Router, RouterLink } from '@angular/router';
import type {
  AttemptQuestion,
  AttemptView,
  SaveAnswersResult,
  SavedAnswer,
} from '@assay/contracts';
import { titlePageAfter } from '../core/page-title-strategy';
import { Notifier } from '../core/notifier';
import { Confirmation } from '../shared/confirm-dialog';
import { formatAttemptNumber, plural } from '../shared/formatting';
import { LearnerApi } from '../shared/learner-api';
import { LoadFailed } from '../shared/load-failed';
import { MarkdownPipe } from '../shared/markdown';
import { asApiError, problemMessage } from '../shared/problem';
import { AnswerSaver } from './answer-saver';
import { AttemptMemory } from './attempt-memory';
import { AttemptStatus } from './attempt-status';
import { Countdown, describeRemaining } from './countdown';
import { QuestionNavigator } from './question-navigator';

type LoadState = 'loading' | 'ready' | 'error' | 'finishing';

const REVIEW = 'review';

/**
 * Taking an exam: one question at a time, every answer saved as it is chosen, a countdown on the
 * server's clock, a review of unanswered questions, and submit. The state lives on the server, so
 * a reload or another device resumes the attempt; the browser also keeps what the server has not
 * confirmed yet and the question on screen, so a closed tab or a crash resumes where the learner
 * was, with every answer.
 */
@Component({
  selector: 'app-attempt-player',
  imports: [
    AttemptStatus,
    LoadFailed,
    MarkdownPipe,
    MatButton,
    MatCheckbox,
    MatProgressBar,
    MatProgressSpinner,
    MatRadioButton,
    MatRadioGroup,
    QuestionNavigator,
    RouterLink,
  ],
  providers: [AnswerSaver, Countdown],
  templateUrl: './attempt-player.html',
  styleUrl: './attempt-player.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { '(window:beforeunload)': 'warnBeforeLeaving($event)' },
})
export class AttemptPlayer implements OnInit {
  readonly attemptId = input.required<string>();

  private readonly api = inject(LearnerApi);
  private readonly router = inject(Router);
  private readonly route = inject(ActivatedRoute);
  private readonly notifier = inject(Notifier);
  private readonly confirmation = inject(Confirmation);
  private readonly injector = inject(Injector);
  private readonly memory = inject(AttemptMemory);
  protected readonly saver = inject(AnswerSaver);
  protected readonly countdown = inject(Countdown);

  protected readonly state = signal<LoadState>('loading');
  protected readonly errorMessage = signal('');
  protected readonly attempt = signal<AttemptView | null>(null);
  /** The learner's current choices by question id (what the screen shows). */
  protected readonly answers = signal<ReadonlyMap<string, readonly string[]>>(new Map());
  /** 0-based index of the question shown, or `null` on the review screen. */
  protected readonly index = signal<number | null>(0);
  protected readonly submitting = signal(false);

  protected readonly questions = computed(() => this.attempt()?.questions ?? []);
  protected readonly total = computed(() => this.questions().length);
  protected readonly attemptNumber = computed(() => {
    const attempt = this.attempt();
    return attempt === null ? '' : formatAttemptNumber(attempt.number, attempt.maxAttempts);
  });
  protected readonly question = computed<AttemptQuestion | undefined>(() => {
    const index = this.index();
    return index === null ? undefined : this.questions()[index];
  });
  protected readonly navigatorItems = computed(() =>
    this.questions().map((q) => ({
      id: q.id,
      answered: (this.answers().get(q.id)?.length ?? 0) > 0,
    })),
  );
  protected readonly answeredCount = computed(
    () => this.questions().filter((q) => (this.answers().get(q.id)?.length ?? 0) > 0).length,
  );
  /** Unanswered questions with their 0-based index, for the review screen. */
  protected readonly unanswered = computed(() =>
    this.questions()
      .map((question, index) => ({ question, index }))
      .filter(({ question }) => (this.answers().get(question.id)?.length ?? 0) === 0),
  );
  protected readonly progressPercent = computed(() =>
    this.total() ? Math.round((this.answeredCount() / this.total()) * 100) : 0,
  );
  protected readonly chosen = computed(() => {
    const question = this.question();
    return question ? (this.answers().get(question.id) ?? []) : [];
  });
  /** Answers can change only while the attempt is open and not being submitted. */
  protected readonly locked = computed(() => this.state() !== 'ready' || this.submitting());
  protected readonly timerLabel = computed(() => {
    const ms = this.countdown.remainingMs();
    return ms === null ? '' : `Time left: ${describeRemaining(ms)}`;
  });
  private readonly questionHeading = viewChild<ElementRef<HTMLElement>>('questionHeading');
  private readonly reviewHeading = viewChild<ElementRef<HTMLElement>>('reviewHeading');
  private destroyed = false;

  constructor() {
    titlePageAfter(() => this.attempt()?.examTitle);
    this.saver.onSaved = (result) => {
      this.reconcile(result);
    };
    this.saver.onClosed = () => void this.finish('closed');
    this.countdown.onExpired = () => void this.finish('time-up');
    inject(DestroyRef).onDestroy(() => (this.destroyed = true));
  }

  ngOnInit(): void {
    void this.load();
  }

  protected choose(question: AttemptQuestion, choiceIds: readonly string[]): void {
    if (this.locked()) return;
    this.answers.update((answers) => new Map(answers).set(question.id, choiceIds));
    this.saver.save(question.id, choiceIds);
  }

  protected onRadioChange(question: AttemptQuestion, change: MatRadioChange<string>): void {
    this.choose(question, [change.value]);
  }

  protected onCheckboxChange(
    question: AttemptQuestion,
    choiceId: string,
    change: MatCheckboxChange,
  ): void {
    const current = this.answers().get(question.id) ?? [];
    const next = change.checked
      ? [...current.filter((id) => id !== choiceId), choiceId]
      : current.filter((id) => id !== choiceId);
    // Keep the choices in the order they are shown, whatever order they were ticked in.
    const order = question.choices.map((choice) => choice.id);
    this.choose(
      question,
      order.filter((id) => next.includes(id)),
    );
  }

  protected clearAnswer(question: AttemptQuestion): void {
    this.choose(question, []);
  }

  protected goTo(index: number): void {
    if (index < 0 || index >= this.total()) return;
    this.index.set(index);
    this.rememberPlace(String(index + 1));
    this.focusAfterRender(() => this.questionHeading());
  }

  protected showReview(): void {
    this.index.set(null);
    this.rememberPlace(REVIEW);
    this.focusAfterRender(() => this.reviewHeading());
  }

  protected async submit(): Promise<void> {
    const attempt = this.attempt();
    if (!attempt || this.locked()) return;
    const unanswered = this.unanswered().length;
    const confirmed = await this.confirmation.ask({
      title: 'Submit your answers?',
      message:
        (unanswered > 0
          ? `${plural(unanswered, 'question is', 'questions are')} still unanswered. `
          : 'You have answered every question. ') +
        'Once submitted, your answers are graded and cannot be changed.',
      confirmLabel: 'Submit exam',
      cancelLabel: 'Keep working',
    });
    // The time may have run out (and the attempt been submitted) while the dialog was open.
    if (!confirmed || this.locked()) return;
    this.submitting.set(true);
    if (!(await this.saver.settle())) {
      this.submitting.set(false);
      this.notifier.error(
        'Your latest answers have not reached the server yet, so the exam was not submitted. ' +
          'Check your connection; they are retried automatically.',
      );
      this.finishIfTimeIsUp();
      return;
    }
    try {
      await this.api.submitAttempt(attempt.id);
    } catch (error) {
      const apiError = asApiError(error);
      // Already submitted or past its deadline: the server has graded it; show the result.
      if (apiError?.status !== 409) {
        // Nothing changed on the server: the exam goes on, with its clock and its autosave.
        this.submitting.set(false);
        if (!apiError?.notified) {
          this.notifier.error(problemMessage(error, 'The exam could not be submitted. Try again.'));
        }
        this.finishIfTimeIsUp();
        return;
      }
    }
    this.saver.stop();
    this.countdown.stop();
    await this.showResult();
  }

  protected warnBeforeLeaving(event: BeforeUnloadEvent): void {
    if (this.saver.hasUnsaved()) event.preventDefault();
  }

  protected retryLoad(): void {
    void this.load();
  }

  private async load(): Promise<void> {
    this.state.set('loading');
    let attempt: AttemptView;
    try {
      attempt = await this.api.getAttempt(this.attemptId());
    } catch (error) {
      this.errorMessage.set(
        asApiError(error)?.status === 404
          ? 'This attempt does not exist, or it belongs to someone else.'
          : problemMessage(error, 'The exam could not be loaded.'),
      );
      this.state.set('error');
      return;
    }
    if (this.destroyed) return;
    if (attempt.state !== 'in_progress') {
      this.memory.forget(attempt.id);
      await this.showResult();
      return;
    }
    this.attempt.set(attempt);
    // Answers chosen in this browser that never reached the server are newer than its copy.
    const restored = this.saver.start(attempt.id, attempt.answers);
    this.answers.set(
      new Map([...attempt.answers, ...restored].map((a) => [a.questionId, a.choiceIds])),
    );
    this.restorePlace(attempt, restored);
    this.state.set('ready');
    this.countdown.start(attempt.deadline, attempt.serverNow);
  }

  /**
   * Opens where the learner was (the address keeps it over a reload, the browser's memory over a
   * closed tab), else at the first unanswered question.
   */
  private restorePlace(attempt: AttemptView, restored: readonly SavedAnswer[]): void {
    const place =
      this.route.snapshot.queryParamMap.get('question') ?? this.memory.place(attempt.id);
    if (place === REVIEW) {
      this.index.set(null);
      return;
    }
    const number = Number(place);
    if (Number.isInteger(number) && number >= 1 && number <= attempt.questions.length) {
      this.index.set(number - 1);
      return;
    }
    const answered = new Set(
      [...attempt.answers, ...restored]
        .filter((a) => a.choiceIds.length > 0)
        .map((a) => a.questionId),
    );
    const firstOpen = attempt.questions.findIndex((q) => !answered.has(q.id));
    this.index.set(firstOpen === -1 ? 0 : firstOpen);
  }

  private rememberPlace(place: string): void {
    const attempt = this.attempt();
    if (attempt) this.memory.rememberPlace(attempt.id, place);
    void this.router.navigate([], {
      relativeTo: this.route,
      queryParams: { question: place },
      replaceUrl: true,
    });
  }

  private reconcile(result: SaveAnswersResult): void {
    this.countdown.start(result.deadline, result.serverNow);
    // A newer answer from another tab or device wins over what this page last sent.
    const updates = result.answers.filter((answer) => !this.saver.isPending(answer.questionId));
    if (updates.length === 0) return;
    this.answers.update((answers) => {
      const next = new Map(answers);
      for (const answer of updates) next.set(answer.questionId, answer.choiceIds);
      return next;
    });
  }

  /** A submit that failed as the time ran out leaves the attempt to the deadline's submit. */
  private finishIfTimeIsUp(): void {
    if (this.countdown.remainingMs() === 0) void this.finish('time-up');
  }

  /** The attempt is over (time up or closed elsewhere): submit what was saved, show the result. */
  private async finish(reason: 'time-up' | 'closed'): Promise<void> {
    // A submit on its way ends the attempt itself (or hands back here if it fails).
    if (this.state() === 'finishing' || this.destroyed || this.submitting()) return;
    this.state.set('finishing');
    this.countdown.stop();
    const attempt = this.attempt();
    if (reason === 'time-up' && attempt) {
      await Promise.race([
        this.saver.settle(),
        new Promise((resolve) => setTimeout(resolve, 3000)),
      ]);
      this.saver.stop();
      try {
        await this.api.submitAttempt(attempt.id, { timeUp: true });
      } catch {
        // 409: the server graded it at the deadline already. Anything else: the result page asks.
      }
    }
    this.saver.stop();
    this.notifier.confirm(
      reason === 'time-up'
        ? 'Time is up. Your saved answers have been graded.'
        : 'This attempt has already ended.',
    );
    await this.showResult();
  }

  private async showResult(): Promise<void> {
    if (this.destroyed) return;
    await this.router.navigate(['/attempts', this.attemptId(), 'result'], { replaceUrl: true });
  }

  private focusAfterRender(target: () => ElementRef<HTMLElement> | undefined): void {
    afterNextRender(() => target()?.nativeElement.focus(), { injector: this.injector });
  }
}
