import { DOCUMENT, DestroyRef, Injectable, InjectionToken, inject, signal } from '@angular/core';
import type { SaveAnswersResult, SavedAnswer } from '@assay/contracts';
import type { ApiError } from '../core/http/api-error';
import { Notifier } from '../core/notifier';
import { LearnerApi } from '../shared/learner-api';
import { asApiError } from '../shared/problem';
import { AttemptMemory } from './attempt-memory';

/**
 * What the learner is told about their answers. `retrying` and `signed-out` both keep the
 * answers and try again; `signed-out` is a retry that waits for the learner to sign in again
 * (the session ended: 401).
 */
export type SaveStatus =
  'idle' | 'saving' | 'saved' | 'retrying' | 'signed-out' | 'failed' | 'closed';

/** Waits between retries of a failed save; the last one repeats. */
export const ANSWER_SAVE_BACKOFF_MS = new InjectionToken<readonly number[]>(
  'ANSWER_SAVE_BACKOFF_MS',
  { providedIn: 'root', factory: () => [1_000, 2_000, 4_000, 8_000, 15_000, 30_000] },
);

/**
 * Saves answers as they are chosen, one request at a time, retrying with backoff until the server
 * has them. Each answer carries a revision larger than any before it, so a retried or late request
 * can never overwrite a newer answer on the server (see `SavedAnswer.revision`). Until the server
 * confirms them, the answers are also kept in the browser (`AttemptMemory`), so a closed tab or a
 * crash during a lost connection sends them when the learner comes back.
 */
@Injectable()
export class AnswerSaver {
  private readonly api = inject(LearnerApi);
  private readonly notifier = inject(Notifier);
  private readonly backoff = inject(ANSWER_SAVE_BACKOFF_MS);
  private readonly window = inject(DOCUMENT).defaultView;
  private readonly memory = inject(AttemptMemory);

  private readonly state = signal<SaveStatus>('idle');
  readonly status = this.state.asReadonly();

  private attemptId = '';
  /** The newest unconfirmed answer of each question. */
  private readonly pending = new Map<string, SavedAnswer>();
  private lastRevision = 0;
  private inFlight: Promise<void> | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private failures = 0;
  private stopped = false;

  /** Called with every successful save (answers as the server now holds them, deadline, clock). */
  onSaved: (result: SaveAnswersResult) => void = () => undefined;
  /** Called once when the server says the attempt no longer takes answers (409). */
  onClosed: (error: ApiError) => void = () => undefined;

  private readonly retryNow = (): void => {
    if (this.pending.size > 0 && !this.inFlight && !this.stopped) {
      clearTimeout(this.retryTimer);
      void this.flush();
    }
  };

  constructor() {
    this.window?.addEventListener('online', this.retryNow);
    inject(DestroyRef).onDestroy(() => {
      this.stopped = true;
      clearTimeout(this.retryTimer);
      this.window?.removeEventListener('online', this.retryNow);
    });
  }

  /**
   * Starts saving for an attempt whose answers on the server are `saved`. Answers this browser
   * chose earlier that never reached the server (and are newer than the server's) are sent now
   * and returned, so the screen can show them.
   */
  start(attemptId: string, saved: readonly SavedAnswer[]): SavedAnswer[] {
    this.attemptId = attemptId;
    const serverRevisions = new Map(saved.map((answer) => [answer.questionId, answer.revision]));
    const restored = this.memory
      .unsavedAnswers(attemptId)
      .filter((answer) => answer.revision > (serverRevisions.get(answer.questionId) ?? -1));
    this.lastRevision = Math.max(0, ...[...saved, ...restored].map((answer) => answer.revision));
    for (const answer of restored) this.pending.set(answer.questionId, answer);
    this.remember();
    if (restored.length > 0) {
      this.state.set('saving');
      void this.flush();
    } else if (saved.length > 0) {
      this.state.set('saved');
    }
    return restored;
  }

  /** Whether some chosen answer has not reached the server yet. */
  hasUnsaved(): boolean {
    return this.pending.size > 0;
  }

  /** Whether this question's answer is waiting to be saved. */
  isPending(questionId: string): boolean {
    return this.pending.has(questionId);
  }

  /** Records the learner's choice for a question and sends it. */
  save(questionId: string, choiceIds: readonly string[]): void {
    if (this.stopped) return;
    // Milliseconds since the epoch grow across reloads and tabs; the max keeps them strictly
    // increasing even if the clock steps back.
    this.lastRevision = Math.max(Date.now(), this.lastRevision + 1);
    this.pending.set(questionId, {
      questionId,
      choiceIds: [...choiceIds],
      revision: this.lastRevision,
    });
    this.remember();
    if (!this.isRetrying()) this.state.set('saving');
    if (!this.inFlight) {
      clearTimeout(this.retryTimer);
      void this.flush();
    }
  }

  /**
   * Sends whatever is unsaved now and waits for the outcome (used before submitting). Resolves
   * `true` when the server has every answer.
   */
  async settle(): Promise<boolean> {
    for (let round = 0; round < 3 && !this.stopped; round++) {
      if (this.inFlight) await this.inFlight;
      if (this.pending.size === 0) return true;
      clearTimeout(this.retryTimer);
      await this.flush();
      if (this.isRetrying() || this.state() === 'failed') break;
    }
    return this.pending.size === 0;
  }

  /**
   * Stops saving and retrying for good: the attempt is over (submitted, or past its deadline), so
   * the browser's copy of its unsaved answers is forgotten too.
   */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    if (this.attemptId) this.memory.forget(this.attemptId);
  }

  private flush(): Promise<void> {
    if (this.inFlight) return this.inFlight;
    this.inFlight = this.send().finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  private async send(): Promise<void> {
    while (this.pending.size > 0 && !this.stopped) {
      const sent = [...this.pending.values()];
      if (!this.isRetrying()) this.state.set('saving');
      let result: SaveAnswersResult;
      try {
        result = await this.api.saveAnswers(this.attemptId, { answers: sent });
      } catch (error) {
        this.handleFailure(asApiError(error));
        return;
      }
      this.failures = 0;
      this.state.set('saving');
      for (const answer of sent) {
        if (this.pending.get(answer.questionId)?.revision === answer.revision) {
          this.pending.delete(answer.questionId);
        }
      }
      this.remember();
      for (const answer of result.answers) {
        this.lastRevision = Math.max(this.lastRevision, answer.revision);
      }
      this.onSaved(result);
    }
    if (!this.stopped) this.state.set('saved');
  }

  /** Whether the last request failed and another is due: the status says so until one works. */
  private isRetrying(): boolean {
    const state = this.state();
    return state === 'retrying' || state === 'signed-out';
  }

  /** Keeps the browser's copy of the unconfirmed answers in step with `pending`. */
  private remember(): void {
    if (this.attemptId && !this.stopped) {
      this.memory.rememberUnsaved(this.attemptId, [...this.pending.values()]);
    }
  }

  private handleFailure(error: ApiError | null): void {
    if (this.stopped) return;
    const status = error?.status ?? 0;
    if (status === 409 && error) {
      this.state.set('closed');
      this.stop();
      this.onClosed(error);
      return;
    }
    if (status === 400 || status === 403 || status === 404) {
      this.state.set('failed');
      if (error && !error.notified)
        this.notifier.error(`Your answer was not saved: ${error.message}`);
      return;
    }
    // Offline, a server error, a rate limit or an ended session: keep the answers and try again.
    // After a 401 only signing in again helps (the interceptor offers it; the answers wait in the
    // browser over the sign-in), or another tab doing so: retrying notices that.
    const delay =
      error?.retryAfterSeconds !== undefined
        ? error.retryAfterSeconds * 1000
        : (this.backoff[Math.min(this.failures, this.backoff.length - 1)] ?? 30_000);
    this.failures++;
    this.state.set(status === 401 ? 'signed-out' : 'retrying');
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(this.retryNow, delay);
  }
}
