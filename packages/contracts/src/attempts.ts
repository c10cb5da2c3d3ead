/*
 * Attempts: taking an exam, autosaving answers, submitting, results and histories.
 * Nothing here carries an answer key except `ReviewChoice.correct` and
 * `ReviewQuestion.explanation`, which exist only under the `show_answers` review policy.
 */
import { Type, type Static } from 'typebox';
import { EntityId, QuestionType, ReviewPolicy, Timestamp } from './exams.ts';
import { EXAM_LIMITS } from './limits.ts';
import { Page, pageParameters } from './pages.ts';

/**
 * Lifecycle of an attempt: `in_progress` → `submitted` (the learner submitted in time) |
 * `expired` (its time ran out: the page's countdown reached zero, or a submit, save or visit came
 * after the deadline, or nobody came back and the server graded it).
 */
export const AttemptState = Type.Enum(['in_progress', 'submitted', 'expired']);
export type AttemptState = Static<typeof AttemptState>;

/** A choice as a learner sees it while taking an exam: no `correct`. */
export const AttemptChoice = Type.Object(
  { id: EntityId, text: Type.String() },
  { additionalProperties: false },
);
export type AttemptChoice = Static<typeof AttemptChoice>;

/** A question as a learner sees it while taking an exam: no answer key, no explanation. */
export const AttemptQuestion = Type.Object(
  {
    id: EntityId,
    /** 1-based position in this attempt's (possibly shuffled) order. */
    position: Type.Integer({ minimum: 1 }),
    type: QuestionType,
    /** Markdown. */
    text: Type.String(),
    points: Type.Integer({ minimum: 1 }),
    /** In this attempt's (possibly shuffled) order. */
    choices: Type.Array(AttemptChoice),
  },
  { additionalProperties: false },
);
export type AttemptQuestion = Static<typeof AttemptQuestion>;

/**
 * Revision of one saved answer: a client-chosen counter that grows with each change the client
 * makes to that question's answer (a per-question counter, or one counter for the whole attempt,
 * or `Date.now()` — anything that increases). The server keeps, per question, the answer with the
 * highest revision it has seen: a write with a lower or equal revision changes nothing, so
 * retries are idempotent and a late, stale request cannot overwrite a newer answer.
 */
export const AnswerRevision = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER });

/** One question's answer: the chosen choice ids (empty clears it). */
export const SavedAnswer = Type.Object(
  {
    questionId: EntityId,
    choiceIds: Type.Array(EntityId, {
      maxItems: EXAM_LIMITS.choicesPerQuestionMax,
      uniqueItems: true,
    }),
    revision: AnswerRevision,
  },
  { additionalProperties: false },
);
export type SavedAnswer = Static<typeof SavedAnswer>;

/**
 * `PUT /api/attempts/{attemptId}/answers`: saves some answers (at most one per question).
 * Choice ids must belong to their question; single-choice and true/false take at most one.
 */
export const SaveAnswersBody = Type.Object(
  {
    answers: Type.Array(SavedAnswer, {
      minItems: 1,
      maxItems: EXAM_LIMITS.questionsPerExamMax,
    }),
  },
  { additionalProperties: false },
);
export type SaveAnswersBody = Static<typeof SaveAnswersBody>;

/**
 * Response to `SaveAnswersBody`: the server's answers after the write, for the questions in the
 * request (a stale answer comes back with the newer stored one, so the client can reconcile).
 */
export const SaveAnswersResult = Type.Object(
  {
    answers: Type.Array(SavedAnswer),
    /** How many questions of the attempt have a non-empty answer. */
    answeredCount: Type.Integer({ minimum: 0 }),
    deadline: Type.Union([Timestamp, Type.Null()]),
    serverNow: Timestamp,
  },
  { additionalProperties: false },
);
export type SaveAnswersResult = Static<typeof SaveAnswersResult>;

/**
 * `POST /api/attempts/{attemptId}/submit` (the body is optional). `timeUp: true` when the client
 * submits because its countdown reached zero rather than because the learner asked to: the
 * attempt then ends as `expired`, as it would had the server graded it at the deadline.
 */
export const SubmitAttemptBody = Type.Union([
  Type.Object({ timeUp: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
  Type.Null(),
]);
export type SubmitAttemptBody = Static<typeof SubmitAttemptBody>;

/** One question of a graded attempt as the review policy allows. */
export const ReviewChoice = Type.Object(
  {
    id: EntityId,
    text: Type.String(),
    /** Whether the learner chose it. */
    selected: Type.Boolean(),
    /** Only under `show_answers`. */
    correct: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type ReviewChoice = Static<typeof ReviewChoice>;

/** Present under `show_correctness` and `show_answers`. */
export const ReviewQuestion = Type.Object(
  {
    questionId: EntityId,
    position: Type.Integer({ minimum: 1 }),
    type: QuestionType,
    text: Type.String(),
    points: Type.Integer({ minimum: 0 }),
    awardedPoints: Type.Integer({ minimum: 0 }),
    /** Whether the learner's answer earned the points. */
    answeredCorrectly: Type.Boolean(),
    choices: Type.Array(ReviewChoice),
    /** Only under `show_answers`. Markdown. */
    explanation: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
export type ReviewQuestion = Static<typeof ReviewQuestion>;

/**
 * The result of a graded attempt (`submitted` or `expired`): always score and pass/fail;
 * `questions` only when the review policy is not `score_only`.
 */
export const AttemptResult = Type.Object(
  {
    attemptId: EntityId,
    examId: EntityId,
    examTitle: Type.String(),
    state: Type.Union([Type.Literal('submitted'), Type.Literal('expired')]),
    score: Type.Integer({ minimum: 0 }),
    maxScore: Type.Integer({ minimum: 0 }),
    /** score / maxScore × 100, rounded to two decimals, for display; `passed` is exact. */
    percentage: Type.Number({ minimum: 0, maximum: 100 }),
    passed: Type.Boolean(),
    passMark: Type.Integer({ minimum: 0, maximum: 100 }),
    startedAt: Timestamp,
    /** When it ended: the submit, or the deadline for an expired attempt. */
    submittedAt: Timestamp,
    durationSeconds: Type.Integer({ minimum: 0 }),
    reviewPolicy: ReviewPolicy,
    questions: Type.Optional(Type.Array(ReviewQuestion)),
  },
  { additionalProperties: false },
);
export type AttemptResult = Static<typeof AttemptResult>;

/**
 * An attempt as its learner sees it (`POST /api/exams/{examId}/attempts`,
 * `GET /api/attempts/{attemptId}`). While in progress: questions without any answer key, saved
 * answers and the deadline; once graded, `result` too.
 */
export const AttemptView = Type.Object(
  {
    id: EntityId,
    examId: EntityId,
    examTitle: Type.String(),
    state: AttemptState,
    /** 1 for the learner's first attempt at the exam, 2 for the second, … */
    number: Type.Integer({ minimum: 1 }),
    /** The exam's limit on attempts (`number` counts against it); `null` when there is none. */
    maxAttempts: Type.Union([Type.Integer({ minimum: 1 }), Type.Null()]),
    startedAt: Timestamp,
    /** Server-enforced; `null` when the exam has no time limit. */
    deadline: Type.Union([Timestamp, Type.Null()]),
    /** The server's clock when the response was made, so the client can correct its own. */
    serverNow: Timestamp,
    questionCount: Type.Integer({ minimum: 0 }),
    answeredCount: Type.Integer({ minimum: 0 }),
    /** Empty once the attempt is graded; see `result`. */
    questions: Type.Array(AttemptQuestion),
    answers: Type.Array(SavedAnswer),
    result: Type.Union([AttemptResult, Type.Null()]),
  },
  { additionalProperties: false },
);
export type AttemptView = Static<typeof AttemptView>;

/** Path parameters `{attemptId}`. */
export const AttemptParams = Type.Object({ attemptId: EntityId }, { additionalProperties: false });
export type AttemptParams = Static<typeof AttemptParams>;

/** One graded attempt at an exam, for its author (`GET /api/exams/{examId}/attempts`). */
export const AuthorAttemptRow = Type.Object(
  {
    attemptId: EntityId,
    learnerSubject: Type.String(),
    learnerIssuer: Type.String(),
    learnerName: Type.Union([Type.String(), Type.Null()]),
    /** 1 for this learner's first attempt at the exam, 2 for the second, … */
    number: Type.Integer({ minimum: 1 }),
    state: Type.Union([Type.Literal('submitted'), Type.Literal('expired')]),
    startedAt: Timestamp,
    submittedAt: Timestamp,
    durationSeconds: Type.Integer({ minimum: 0 }),
    score: Type.Integer({ minimum: 0 }),
    maxScore: Type.Integer({ minimum: 0 }),
    percentage: Type.Number({ minimum: 0, maximum: 100 }),
    passed: Type.Boolean(),
  },
  { additionalProperties: false },
);
export type AuthorAttemptRow = Static<typeof AuthorAttemptRow>;

/** One of the caller's attempts (`GET /api/me/attempts`); score fields are `null` until graded. */
export const MyAttemptRow = Type.Object(
  {
    attemptId: EntityId,
    examId: EntityId,
    examTitle: Type.String(),
    /** 1 for the caller's first attempt at the exam, 2 for the second, … */
    number: Type.Integer({ minimum: 1 }),
    state: AttemptState,
    startedAt: Timestamp,
    deadline: Type.Union([Timestamp, Type.Null()]),
    submittedAt: Type.Union([Timestamp, Type.Null()]),
    score: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]),
    maxScore: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]),
    percentage: Type.Union([Type.Number({ minimum: 0, maximum: 100 }), Type.Null()]),
    passed: Type.Union([Type.Boolean(), Type.Null()]),
  },
  { additionalProperties: false },
);
export type MyAttemptRow = Static<typeof MyAttemptRow>;

/** Query of the attempt lists (`GET /api/me/attempts`, `GET /api/exams/{examId}/attempts`). */
export const ListAttemptsQuery = Type.Object(
  pageParameters(EXAM_LIMITS.pageSizeMax, EXAM_LIMITS.pageSizeDefault),
  { additionalProperties: false },
);
export type ListAttemptsQuery = Static<typeof ListAttemptsQuery>;

/** A page of the caller's attempts, newest first. */
export const MyAttemptPage = Page(MyAttemptRow);
export type MyAttemptPage = Static<typeof MyAttemptPage>;

/** A page of an exam's graded attempts, most recently graded first. */
export const AuthorAttemptPage = Page(AuthorAttemptRow);
export type AuthorAttemptPage = Static<typeof AuthorAttemptPage>;
