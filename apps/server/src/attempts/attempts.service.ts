import { randomUUID } from 'node:crypto';
import {
  EXAM_LIMITS,
  type AttemptQuestion,
  type AttemptResult,
  type AttemptView,
  type AuthorAttemptPage,
  type FieldError,
  type ListAttemptsQuery,
  type MyAttemptPage,
  type SaveAnswersBody,
  type SaveAnswersResult,
  type SubmitAttemptBody,
} from '@assay/contracts';
import { examNotFound, type ExamLookup, type KeyedQuestion } from '../exams/index.ts';
import { systemClock, type Clock } from '../platform/clock.ts';
import { readPage } from '../platform/page-cursor.ts';
import type { Principal } from '../platform/principal.ts';
import {
  attemptClosed,
  attemptNotFound,
  deadlinePassed,
  invalidAnswer,
  maxAttemptsReached,
} from './attempt-errors.ts';
import {
  closingColumns,
  type AttemptClosing,
  type AttemptRow,
  type AttemptsRepository,
  type AttemptWithExam,
  type StoredAnswer,
} from './attempts.repository.ts';
import {
  DEADLINE_GRACE_MS,
  closingOf,
  deadlineFor,
  durationSeconds,
  isPastDeadline,
  overdueBefore,
} from './deadline.ts';
import { gradeAttempt, percentageOf } from './grading.ts';
import {
  QuestionSets,
  forLearner,
  freezeQuestionSet,
  orderOfAttempt,
} from './attempt-questions.ts';
import {
  buildAttemptResult,
  parseStoredGrade,
  snapshotGrade,
  storeGrade,
  type GradedSnapshot,
} from './review.ts';
import { createShuffleSeed } from './shuffle.ts';

/** Options of `AttemptsService`. */
export interface AttemptsServiceOptions {
  readonly clock?: Clock;
  /** Slack after a deadline during which saves and submits still count (ms). */
  readonly graceMs?: number;
  /** Makes the shuffle seed of a new attempt (tests pin it). */
  readonly createSeed?: () => number;
}

const defaultPageSize = EXAM_LIMITS.pageSizeDefault;
const sweepBatchSize = 100;

/** Taking exams: starting, autosaving, submitting, expiry, results and histories. */
export class AttemptsService {
  readonly #attempts: AttemptsRepository;
  readonly #questions: QuestionSets;
  readonly #exams: ExamLookup;
  readonly #clock: Clock;
  readonly #graceMs: number;
  readonly #createSeed: () => number;

  constructor(
    attempts: AttemptsRepository,
    exams: ExamLookup,
    options: AttemptsServiceOptions = {},
  ) {
    this.#attempts = attempts;
    this.#questions = new QuestionSets(attempts);
    this.#exams = exams;
    this.#clock = options.clock ?? systemClock;
    this.#graceMs = options.graceMs ?? DEADLINE_GRACE_MS;
    this.#createSeed = options.createSeed ?? createShuffleSeed;
  }

  /**
   * `POST /api/exams/{examId}/attempts`: the learner's in-progress attempt at a published exam,
   * or a new one (`created: true`) if they have none and attempts are left. An overdue
   * in-progress attempt is graded first and counts as used.
   */
  async startOrResumeAttempt(
    actor: Principal,
    examId: string,
  ): Promise<{ created: boolean; attempt: AttemptView }> {
    const exam = await this.#exams.examToTake(actor, examId);

    // Another round only after losing an insert race to a concurrent start of the same learner.
    for (let round = 0; round < 3; round++) {
      const current = await this.#attempts.findInProgressAttempt(examId, actor);
      if (current !== undefined) {
        if (!this.#isOverdue(current)) {
          return { created: false, attempt: await this.#viewOf(current) };
        }
        await this.#close(current);
      }
      // The new attempt's number is one past those counted; if a concurrent start took it, the
      // insert fails and the next round counts again, so the limit holds under any race.
      const used = await this.#attempts.countAttempts(examId, actor);
      if (exam.max_attempts !== null && used >= exam.max_attempts) {
        throw maxAttemptsReached(exam.max_attempts);
      }
      // Read only now: resuming, the common case, needs none of the exam's questions.
      const questionSet = freezeQuestionSet(await this.#exams.questionsOf(examId));
      const startedAt = this.#clock.now();
      const seed = this.#createSeed();
      // Once per version of the exam; a no-op for every later attempt at it.
      await this.#questions.save(questionSet, startedAt.toISOString());
      const row: AttemptRow = {
        id: randomUUID(),
        exam_id: examId,
        learner_subject: actor.subject,
        learner_issuer: actor.issuer,
        learner_name: actor.displayName ?? null,
        state: 'in_progress',
        number: used + 1,
        seed,
        question_set_id: questionSet.id,
        question_order: orderOfAttempt(questionSet.questions, seed, {
          shuffleQuestions: exam.shuffle_questions === 1,
          shuffleChoices: exam.shuffle_choices === 1,
        }),
        started_at: startedAt.toISOString(),
        deadline: deadlineFor(startedAt, exam.time_limit_minutes)?.toISOString() ?? null,
        submitted_at: null,
        score: null,
        max_score: null,
        passed: null,
        result_json: null,
        version: 0,
        updated_at: startedAt.toISOString(),
      };
      const inserted = await this.#attempts.insertAttemptUnlessInProgress(row);
      // The exam was deleted between reading it and inserting the attempt.
      if (inserted === 'exam_gone') throw examNotFound();
      if (inserted === 'inserted') {
        const attempt: AttemptWithExam = {
          ...row,
          exam_title: exam.title,
          exam_pass_mark: exam.pass_mark,
          exam_review_policy: exam.review_policy,
          exam_max_attempts: exam.max_attempts,
        };
        // A new attempt has no saved answers yet: no need to ask the database.
        const questions = await this.#questions.ofAttempt(attempt);
        return { created: true, attempt: this.#inProgressView(attempt, questions, []) };
      }
    }
    throw attemptClosed('in_progress');
  }

  /** `GET /api/attempts/{attemptId}`: the caller's attempt (graded first if overdue). */
  async getAttempt(actor: Principal, attemptId: string): Promise<AttemptView> {
    const attempt = await this.#findOwnAttempt(actor, attemptId);
    if (attempt.state === 'in_progress' && this.#isOverdue(attempt)) {
      const closed = await this.#close(attempt);
      if (closed !== undefined) return this.#closedView(closed.attempt, closed.snapshot);
      return this.#viewOf(await this.#reload(attemptId));
    }
    return this.#viewOf(attempt);
  }

  /**
   * `PUT /api/attempts/{attemptId}/answers`: autosaves answers. Per question the highest
   * revision wins, so retries and reordered requests are harmless. After the deadline nothing
   * is saved: the attempt is graded with what it has and `deadline_passed` is thrown.
   */
  async saveAnswers(
    actor: Principal,
    attemptId: string,
    body: SaveAnswersBody,
  ): Promise<SaveAnswersResult> {
    const attempt = await this.#findOwnAttempt(actor, attemptId);
    if (attempt.state !== 'in_progress') throw attemptClosed(attempt.state);
    if (this.#isOverdue(attempt)) {
      await this.#close(attempt);
      throw deadlinePassed(attempt.deadline ?? '');
    }
    const questions = await this.#questions.ofAttempt(attempt);
    checkAnswers(body, questions);

    const now = this.#clock.now().toISOString();
    const stored = await this.#attempts.saveAnswers(attemptId, body.answers, now);
    if (stored === 'closed') throw attemptClosed((await this.#reload(attemptId)).state);
    const asked = new Set(body.answers.map((answer) => answer.questionId));
    return {
      answers: stored.filter((answer) => asked.has(answer.questionId)),
      answeredCount: answeredCount(stored, questions),
      deadline: attempt.deadline,
      serverNow: now,
    };
  }

  /**
   * `POST /api/attempts/{attemptId}/submit`: grades and records the attempt, once. A second
   * submit (or one racing the first) gets `attempt_closed`. A submit past the deadline, or one
   * the client sends because its countdown reached zero (`timeUp`), still grades what was
   * saved, as `expired`.
   */
  async submitAttempt(
    actor: Principal,
    attemptId: string,
    body: SubmitAttemptBody = null,
  ): Promise<AttemptResult> {
    const attempt = await this.#findOwnAttempt(actor, attemptId);
    if (attempt.state !== 'in_progress') throw attemptClosed(attempt.state);
    const closed = await this.#close(attempt, this.#clock.now(), body?.timeUp === true);
    if (closed === undefined) throw attemptClosed((await this.#reload(attemptId)).state);
    return resultOf(closed.attempt, closed.snapshot);
  }

  /**
   * Grades every in-progress attempt past its deadline (plus grace) as `expired`, with the
   * answers saved in time. For a periodic job; safe to run on several instances at once.
   * Returns how many attempts this call closed.
   */
  async sweepExpiredAttempts(now: Date = this.#clock.now()): Promise<number> {
    return this.#closeOverdue(now, {});
  }

  /** `GET /api/me/attempts`: the caller's attempts, newest first. */
  async listMyAttempts(actor: Principal, query: ListAttemptsQuery): Promise<MyAttemptPage> {
    await this.#closeOverdue(this.#clock.now(), { learner: actor });
    const page = await readPage(
      'history',
      query,
      defaultPageSize,
      (window) => this.#attempts.listLearnerAttempts(actor, window),
      (row) => ({ sortKey: row.started_at, id: row.id }),
    );
    return {
      items: page.rows.map((row) => ({
        attemptId: row.id,
        examId: row.exam_id,
        examTitle: row.exam_title,
        number: row.number,
        state: row.state,
        startedAt: row.started_at,
        deadline: row.deadline,
        submittedAt: row.submitted_at,
        score: row.score,
        maxScore: row.max_score,
        percentage:
          row.score === null || row.max_score === null
            ? null
            : percentageOf(row.score, row.max_score),
        passed: row.passed === null ? null : row.passed === 1,
      })),
      nextCursor: page.nextCursor,
    };
  }

  /** `GET /api/exams/{examId}/attempts`: the graded attempts at an exam, for its owner or admins. */
  async listExamAttempts(
    actor: Principal,
    examId: string,
    query: ListAttemptsQuery,
  ): Promise<AuthorAttemptPage> {
    await this.#exams.checkManages(actor, examId);
    await this.#closeOverdue(this.#clock.now(), { examId });
    const page = await readPage(
      'exam-attempts',
      query,
      defaultPageSize,
      (window) => this.#attempts.listGradedAttemptsOfExam(examId, window),
      (row) => ({ sortKey: row.submitted_at ?? '', id: row.id }),
    );
    return {
      items: page.rows.map((row) => {
        const submittedAt = row.submitted_at ?? row.updated_at;
        const score = row.score ?? 0;
        const maxScore = row.max_score ?? 0;
        return {
          attemptId: row.id,
          learnerSubject: row.learner_subject,
          learnerIssuer: row.learner_issuer,
          learnerName: row.learner_name,
          number: row.number,
          state: row.state === 'expired' ? 'expired' : 'submitted',
          startedAt: row.started_at,
          submittedAt,
          durationSeconds: durationSeconds(row.started_at, submittedAt),
          score,
          maxScore,
          percentage: percentageOf(score, maxScore),
          passed: row.passed === 1,
        };
      }),
      nextCursor: page.nextCursor,
    };
  }

  async #closeOverdue(now: Date, scope: { learner?: Principal; examId?: string }): Promise<number> {
    const before = overdueBefore(now, this.#graceMs);
    let closed = 0;
    for (;;) {
      const overdue = await this.#attempts.findOverdueAttempts(before, sweepBatchSize, scope);
      let closedInBatch = 0;
      for (const attempt of overdue) {
        if ((await this.#close(attempt, now)) !== undefined) closedInBatch++;
      }
      closed += closedInBatch;
      // A batch that closed nothing (all taken by another instance) ends the sweep as well.
      if (overdue.length < sweepBatchSize || closedInBatch === 0) return closed;
    }
  }

  /**
   * Grades and closes an in-progress attempt once; undefined if it was already closed. Past
   * the deadline, or when the client's countdown reached zero (`timeUp`), it becomes `expired`,
   * ending at its deadline; otherwise `submitted` now (`closingOf`). First optimistically (read
   * the answers, write the grade if nothing changed since the attempt was read: three
   * statements in all), then, if a save or another close got in between, under the attempt's
   * row lock.
   */
  async #close(
    attempt: AttemptWithExam,
    now: Date = this.#clock.now(),
    timeUp = false,
  ): Promise<{ attempt: AttemptWithExam; snapshot: GradedSnapshot } | undefined> {
    const { state, endedAt } = closingOf(attempt.deadline, now, this.#graceMs, timeUp);
    const ordered = await this.#questions.ofAttempt(attempt);
    let snapshot: GradedSnapshot | undefined;
    const grade = (answers: readonly StoredAnswer[]): AttemptClosing => {
      const graded = gradeAttempt(ordered, answers, attempt.exam_pass_mark);
      snapshot = snapshotGrade(ordered, graded);
      return {
        state,
        submittedAt: endedAt,
        score: graded.score,
        maxScore: graded.maxScore,
        passed: graded.passed,
        resultJson: storeGrade(graded),
      };
    };
    const nowText = now.toISOString();
    let closing: AttemptClosing | undefined = grade(await this.#attempts.findAnswers(attempt.id));
    const written = await this.#attempts.closeAttemptAtVersion(
      attempt.id,
      attempt.version,
      closing,
      nowText,
    );
    if (!written) closing = await this.#attempts.closeAttemptLocked(attempt.id, nowText, grade);
    if (closing === undefined || snapshot === undefined) return undefined;
    return {
      attempt: {
        ...attempt,
        ...closingColumns(closing),
        updated_at: nowText,
      },
      snapshot,
    };
  }

  async #viewOf(attempt: AttemptWithExam): Promise<AttemptView> {
    const questions = await this.#questions.ofAttempt(attempt);
    if (attempt.state !== 'in_progress') {
      return this.#closedView(
        attempt,
        snapshotGrade(questions, parseStoredGrade(attempt.result_json)),
      );
    }
    return this.#inProgressView(attempt, questions, await this.#attempts.findAnswers(attempt.id));
  }

  #baseView(attempt: AttemptWithExam) {
    return {
      id: attempt.id,
      examId: attempt.exam_id,
      examTitle: attempt.exam_title,
      state: attempt.state,
      number: attempt.number,
      maxAttempts: attempt.exam_max_attempts,
      startedAt: attempt.started_at,
      deadline: attempt.deadline,
      serverNow: this.#clock.now().toISOString(),
    };
  }

  #closedView(attempt: AttemptWithExam, snapshot: GradedSnapshot): AttemptView {
    return {
      ...this.#baseView(attempt),
      questionCount: snapshot.questions.length,
      answeredCount: snapshot.questions.filter((question) =>
        question.choices.some((choice) => choice.selected),
      ).length,
      questions: [],
      answers: [],
      result: resultOf(attempt, snapshot),
    };
  }

  #inProgressView(
    attempt: AttemptWithExam,
    ordered: readonly KeyedQuestion[],
    answers: StoredAnswer[],
  ): AttemptView {
    return {
      ...this.#baseView(attempt),
      questionCount: ordered.length,
      answeredCount: answeredCount(answers, ordered),
      // Frozen when cached: a view is read, never changed, on its way out.
      questions: forLearner(ordered) as AttemptQuestion[],
      answers,
      result: null,
    };
  }

  #isOverdue(attempt: AttemptRow): boolean {
    return isPastDeadline(attempt.deadline, this.#clock.now(), this.#graceMs);
  }

  async #findOwnAttempt(actor: Principal, attemptId: string): Promise<AttemptWithExam> {
    const attempt = await this.#attempts.findAttempt(attemptId);
    // Another learner's attempt answers exactly like a missing one.
    if (
      attempt === undefined ||
      attempt.learner_subject !== actor.subject ||
      attempt.learner_issuer !== actor.issuer
    ) {
      throw attemptNotFound();
    }
    return attempt;
  }

  async #reload(attemptId: string): Promise<AttemptWithExam> {
    const attempt = await this.#attempts.findAttempt(attemptId);
    if (attempt === undefined) throw attemptNotFound();
    return attempt;
  }
}

/** The learner's result of a closed attempt, under the exam's current review policy. */
function resultOf(attempt: AttemptWithExam, snapshot: GradedSnapshot): AttemptResult {
  const score = attempt.score ?? 0;
  const maxScore = attempt.max_score ?? 0;
  const submittedAt = attempt.submitted_at ?? attempt.updated_at;
  return buildAttemptResult(
    {
      attemptId: attempt.id,
      examId: attempt.exam_id,
      examTitle: attempt.exam_title,
      state: attempt.state === 'expired' ? 'expired' : 'submitted',
      score,
      maxScore,
      percentage: percentageOf(score, maxScore),
      passed: attempt.passed === 1,
      passMark: attempt.exam_pass_mark,
      startedAt: attempt.started_at,
      submittedAt,
      durationSeconds: durationSeconds(attempt.started_at, submittedAt),
    },
    snapshot,
    attempt.exam_review_policy,
  );
}

function answeredCount(
  answers: readonly StoredAnswer[],
  questions: readonly KeyedQuestion[],
): number {
  const known = new Set(questions.map((question) => question.id));
  return answers.filter((answer) => known.has(answer.questionId) && answer.choiceIds.length > 0)
    .length;
}

/** Refuses answers to unknown questions, unknown choices, and several choices where one fits. */
function checkAnswers(body: SaveAnswersBody, questions: readonly KeyedQuestion[]): void {
  const byId = new Map(questions.map((question) => [question.id, question]));
  const seen = new Set<string>();
  const errors: FieldError[] = [];
  for (const [index, answer] of body.answers.entries()) {
    const field = `/answers/${String(index)}`;
    const question = byId.get(answer.questionId);
    if (question === undefined) {
      errors.push({ field: `${field}/questionId`, message: 'is not a question of this attempt' });
      continue;
    }
    if (seen.has(answer.questionId)) {
      errors.push({ field: `${field}/questionId`, message: 'is answered twice in this request' });
    }
    seen.add(answer.questionId);
    const choiceIds = new Set(question.choices.map((choice) => choice.id));
    if (answer.choiceIds.some((id) => !choiceIds.has(id))) {
      errors.push({ field: `${field}/choiceIds`, message: 'names a choice of another question' });
    }
    if (question.type !== 'multiple_choice' && answer.choiceIds.length > 1) {
      errors.push({ field: `${field}/choiceIds`, message: 'takes at most one choice' });
    }
  }
  if (errors.length > 0) throw invalidAnswer(errors);
}
