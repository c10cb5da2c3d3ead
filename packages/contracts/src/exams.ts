/*
 * Exams: the public catalog, authoring (with the answer key) and the shapes of their requests.
 * Learner-facing shapes never carry `correct` or `explanation`; only `Exam` (the author's view)
 * and the post-submission review in attempts.ts do.
 */
import { Type, type Static } from 'typebox';
import { EXAM_LIMITS } from './limits.ts';
import { Page, pageParameters } from './pages.ts';

/** A server-generated UUID. */
export const EntityId = Type.String({ format: 'uuid', maxLength: 36 });
export type EntityId = Static<typeof EntityId>;

/** An ISO-8601 UTC timestamp with milliseconds, e.g. `2026-11-22T10:00:00.000Z`. */
export const Timestamp = Type.String({ format: 'date-time', maxLength: 30 });
export type Timestamp = Static<typeof Timestamp>;

/** Lifecycle of an exam: `draft` → `published` → `archived`; `published` → `draft` unpublishes. */
export const ExamStatus = Type.Enum(['draft', 'published', 'archived']);
export type ExamStatus = Static<typeof ExamStatus>;

/** How a question is answered: one choice, any number of choices, or true/false (one of two). */
export const QuestionType = Type.Enum(['single_choice', 'multiple_choice', 'true_false']);
export type QuestionType = Static<typeof QuestionType>;

/**
 * What a learner sees after submitting, beyond score and pass/fail (always shown):
 * `score_only` nothing more; `show_correctness` which of their answers were right;
 * `show_answers` also the correct choices and the explanations.
 */
export const ReviewPolicy = Type.Enum(['score_only', 'show_correctness', 'show_answers']);
export type ReviewPolicy = Static<typeof ReviewPolicy>;

const TimeLimitMinutes = Type.Union([
  Type.Integer({ minimum: 1, maximum: EXAM_LIMITS.timeLimitMinutesMax }),
  Type.Null(),
]);
const MaxAttempts = Type.Union([
  Type.Integer({ minimum: 1, maximum: EXAM_LIMITS.maxAttemptsMax }),
  Type.Null(),
]);
const PassMark = Type.Integer({ minimum: 0, maximum: 100 });
const Title = Type.String({ minLength: 1, maxLength: EXAM_LIMITS.titleMaxLength });
const Description = Type.String({ maxLength: EXAM_LIMITS.descriptionMaxLength });
const LongDescription = Type.String({ maxLength: EXAM_LIMITS.longDescriptionMaxLength });

/** How an exam is taken and graded. */
export const ExamSettings = Type.Object(
  {
    /** Minutes from start to the server-enforced deadline; `null` for no limit. */
    timeLimitMinutes: TimeLimitMinutes,
    /** Attempts a learner may start (submitted, expired or in progress); `null` for no limit. */
    maxAttempts: MaxAttempts,
    /** Percentage of the maximum score needed to pass, 0–100: passed ⇔ score × 100 ≥ passMark × maxScore. */
    passMark: PassMark,
    /** Show questions in a per-attempt random order (stable for the attempt). */
    shuffleQuestions: Type.Boolean(),
    /** Show each question's choices in a per-attempt random order (stable for the attempt). */
    shuffleChoices: Type.Boolean(),
    reviewPolicy: ReviewPolicy,
  },
  { additionalProperties: false },
);
export type ExamSettings = Static<typeof ExamSettings>;

/** A published exam as listed in the public catalog: no questions, no answer key. */
export const ExamSummary = Type.Object(
  {
    id: EntityId,
    title: Title,
    /** Short plain-text description. */
    description: Description,
    questionCount: Type.Integer({ minimum: 0 }),
    /** Sum of the questions' points. */
    maxScore: Type.Integer({ minimum: 0 }),
    timeLimitMinutes: TimeLimitMinutes,
    maxAttempts: MaxAttempts,
    passMark: PassMark,
    reviewPolicy: ReviewPolicy,
    /** The author's display name, when known. */
    authorName: Type.Union([Type.String({ maxLength: 200 }), Type.Null()]),
    publishedAt: Type.Union([Timestamp, Type.Null()]),
  },
  { additionalProperties: false },
);
export type ExamSummary = Static<typeof ExamSummary>;

/** One published exam for `GET /api/exams/{examId}`: the summary plus the long description. */
export const ExamDetail = Type.Object(
  {
    ...ExamSummary.properties,
    /** Markdown; clients render it without raw HTML. */
    longDescription: LongDescription,
    shuffleQuestions: Type.Boolean(),
    shuffleChoices: Type.Boolean(),
  },
  { additionalProperties: false },
);
export type ExamDetail = Static<typeof ExamDetail>;

/** A choice in the author's view, with the answer key. */
export const AuthorChoice = Type.Object(
  {
    id: EntityId,
    text: Type.String({ maxLength: EXAM_LIMITS.choiceTextMaxLength }),
    correct: Type.Boolean(),
  },
  { additionalProperties: false },
);
export type AuthorChoice = Static<typeof AuthorChoice>;

/** A question in the author's view, with the answer key and explanation. */
export const AuthorQuestion = Type.Object(
  {
    id: EntityId,
    /** 1-based, dense within the exam. */
    position: Type.Integer({ minimum: 1 }),
    type: QuestionType,
    /** Markdown. */
    text: Type.String({ maxLength: EXAM_LIMITS.questionTextMaxLength }),
    points: Type.Integer({ minimum: 1, maximum: EXAM_LIMITS.pointsMax }),
    /** Markdown, shown to learners only under the `show_answers` review policy. */
    explanation: Type.String({ maxLength: EXAM_LIMITS.explanationMaxLength }),
    choices: Type.Array(AuthorChoice, { maxItems: EXAM_LIMITS.choicesPerQuestionMax }),
  },
  { additionalProperties: false },
);
export type AuthorQuestion = Static<typeof AuthorQuestion>;

/** The author's (or an admin's) full exam, answer key included. Never sent to learners. */
export const Exam = Type.Object(
  {
    id: EntityId,
    title: Title,
    description: Description,
    longDescription: LongDescription,
    status: ExamStatus,
    ...ExamSettings.properties,
    ownerSubject: Type.String(),
    ownerIssuer: Type.String(),
    authorName: Type.Union([Type.String(), Type.Null()]),
    questionCount: Type.Integer({ minimum: 0 }),
    maxScore: Type.Integer({ minimum: 0 }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
    publishedAt: Type.Union([Timestamp, Type.Null()]),
    archivedAt: Type.Union([Timestamp, Type.Null()]),
    questions: Type.Array(AuthorQuestion, { maxItems: EXAM_LIMITS.questionsPerExamMax }),
  },
  { additionalProperties: false },
);
export type Exam = Static<typeof Exam>;

/** One of the caller's own exams in `GET /api/my/exams`. */
export const AuthoredExamSummary = Type.Object(
  {
    ...ExamSummary.properties,
    status: ExamStatus,
    createdAt: Timestamp,
    updatedAt: Timestamp,
    /**
     * Graded attempts at the exam (submitted or expired; in-progress ones are not counted): as
     * many as `GET /api/exams/{examId}/attempts` lists.
     */
    attemptCount: Type.Integer({ minimum: 0 }),
  },
  { additionalProperties: false },
);
export type AuthoredExamSummary = Static<typeof AuthoredExamSummary>;

/**
 * `POST /api/exams`: creates a draft. The tutorial's `{"title","description"}` is enough; the
 * rest defaults to no time limit, unlimited attempts, pass mark 50, no shuffling,
 * `show_correctness`, and an empty long description.
 */
export const CreateExamBody = Type.Object(
  {
    title: Title,
    description: Type.Optional(Description),
    longDescription: Type.Optional(LongDescription),
    timeLimitMinutes: Type.Optional(TimeLimitMinutes),
    maxAttempts: Type.Optional(MaxAttempts),
    passMark: Type.Optional(PassMark),
    shuffleQuestions: Type.Optional(Type.Boolean()),
    shuffleChoices: Type.Optional(Type.Boolean()),
    reviewPolicy: Type.Optional(ReviewPolicy),
  },
  { additionalProperties: false },
);
export type CreateExamBody = Static<typeof CreateExamBody>;

/** `PATCH /api/exams/{examId}`: any subset of the fields of `CreateExamBody`, at least one. */
export const UpdateExamBody = Type.Object(
  {
    title: Type.Optional(Title),
    description: Type.Optional(Description),
    longDescription: Type.Optional(LongDescription),
    timeLimitMinutes: Type.Optional(TimeLimitMinutes),
    maxAttempts: Type.Optional(MaxAttempts),
    passMark: Type.Optional(PassMark),
    shuffleQuestions: Type.Optional(Type.Boolean()),
    shuffleChoices: Type.Optional(Type.Boolean()),
    reviewPolicy: Type.Optional(ReviewPolicy),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateExamBody = Static<typeof UpdateExamBody>;

/** A choice as the author writes it. */
export const ChoiceBody = Type.Object(
  {
    text: Type.String({ minLength: 1, maxLength: EXAM_LIMITS.choiceTextMaxLength }),
    correct: Type.Boolean(),
  },
  { additionalProperties: false },
);
export type ChoiceBody = Static<typeof ChoiceBody>;

/**
 * Creates (`POST /api/exams/{examId}/questions`) or replaces (`PUT …/questions/{questionId}`) a
 * question with its choices, in order. Drafts may be incomplete; publishing checks the rules.
 * Replacing a question gives its choices new ids.
 */
export const QuestionBody = Type.Object(
  {
    type: QuestionType,
    /** Markdown. */
    text: Type.String({ minLength: 1, maxLength: EXAM_LIMITS.questionTextMaxLength }),
    /** Defaults to 1. */
    points: Type.Optional(Type.Integer({ minimum: 1, maximum: EXAM_LIMITS.pointsMax })),
    /** Markdown; defaults to empty. */
    explanation: Type.Optional(Type.String({ maxLength: EXAM_LIMITS.explanationMaxLength })),
    choices: Type.Array(ChoiceBody, { maxItems: EXAM_LIMITS.choicesPerQuestionMax }),
    /** 1-based insert position for a new question; appended when absent. Ignored on replace. */
    position: Type.Optional(Type.Integer({ minimum: 1, maximum: EXAM_LIMITS.questionsPerExamMax })),
  },
  { additionalProperties: false },
);
export type QuestionBody = Static<typeof QuestionBody>;

/** `PUT /api/exams/{examId}/questions/order`: every question id of the exam, in the new order. */
export const ReorderQuestionsBody = Type.Object(
  {
    questionIds: Type.Array(EntityId, {
      minItems: 1,
      maxItems: EXAM_LIMITS.questionsPerExamMax,
      uniqueItems: true,
    }),
  },
  { additionalProperties: false },
);
export type ReorderQuestionsBody = Static<typeof ReorderQuestionsBody>;

/** Query of `GET /api/exams` and `GET /api/my/exams`. */
export const ListExamsQuery = Type.Object(
  {
    /** Case-insensitive substring of the title or the description. */
    q: Type.Optional(Type.String({ maxLength: EXAM_LIMITS.searchMaxLength })),
    ...pageParameters(EXAM_LIMITS.pageSizeMax, EXAM_LIMITS.pageSizeDefault),
  },
  { additionalProperties: false },
);
export type ListExamsQuery = Static<typeof ListExamsQuery>;

/** One page of `ExamSummary` items; `nextCursor` is `null` on the last page. */
export const ExamSummaryPage = Page(ExamSummary);
export type ExamSummaryPage = Static<typeof ExamSummaryPage>;

/** One page of the caller's own exams. */
export const AuthoredExamPage = Page(AuthoredExamSummary);
export type AuthoredExamPage = Static<typeof AuthoredExamPage>;

/** Path parameters `{examId}`. */
export const ExamParams = Type.Object({ examId: EntityId }, { additionalProperties: false });
export type ExamParams = Static<typeof ExamParams>;

/** Path parameters `{examId}/questions/{questionId}`. */
export const QuestionParams = Type.Object(
  { examId: EntityId, questionId: EntityId },
  { additionalProperties: false },
);
export type QuestionParams = Static<typeof QuestionParams>;

/** One problem that keeps an exam from being published (in `exam_not_publishable`). */
export const PublishProblem = Type.Object(
  {
    /** Stable machine-readable reason. */
    rule: Type.Union([
      Type.Literal('no_questions'),
      Type.Literal('too_few_choices'),
      Type.Literal('true_false_needs_two_choices'),
      Type.Literal('needs_exactly_one_correct'),
      Type.Literal('needs_a_correct_choice'),
      Type.Literal('too_many_questions'),
    ]),
    /** 1-based position of the question concerned; absent for exam-wide problems. */
    questionPosition: Type.Optional(Type.Integer({ minimum: 1 })),
    questionId: Type.Optional(EntityId),
    /** JSON-pointer-like location, e.g. `/questions/3/choices`. */
    field: Type.String(),
    message: Type.String(),
  },
  { additionalProperties: false },
);
export type PublishProblem = Static<typeof PublishProblem>;

/**
 * Error codes of exams and attempts, in the shape of `problemCatalog` (to be merged into it).
 * Extension members: `exam_not_publishable` has `problems: PublishProblem[]`;
 * `invalid_answer` and `question_order_mismatch` have `errors: FieldError[]`.
 */
export const examProblemCatalog = {
  /** The exam does not exist, or the caller may not see or edit it. */
  exam_not_found: { status: 404, title: 'Exam not found' },
  /** The question does not exist in this exam. */
  question_not_found: { status: 404, title: 'Question not found' },
  /** The attempt does not exist, or belongs to someone else. */
  attempt_not_found: { status: 404, title: 'Attempt not found' },
  /** The exam breaks publishing rules; `problems` lists each with its question and field. */
  exam_not_publishable: { status: 409, title: 'The exam cannot be published' },
  /** Attempts can be started only at a published exam. */
  exam_not_published: { status: 409, title: 'The exam is not published' },
  /** The exam's status does not allow this change (e.g. questions of a published exam). */
  exam_not_editable: { status: 409, title: 'The exam cannot be changed in its current status' },
  /** The requested status change is not allowed (e.g. publishing an archived exam). */
  invalid_status_transition: { status: 409, title: 'The exam cannot move to that status' },
  /** The exam already has the maximum number of questions. */
  question_limit_reached: { status: 409, title: 'The exam has the maximum number of questions' },
  /** A reorder did not list exactly the exam's questions. */
  question_order_mismatch: { status: 400, title: 'The order must list every question once' },
  /** The attempt is no longer in progress (submitted or expired); nothing was changed. */
  attempt_closed: { status: 409, title: 'The attempt is closed' },
  /** The attempt's deadline has passed; it has been graded with the answers saved in time. */
  deadline_passed: { status: 409, title: 'The deadline has passed' },
  /** The learner has used every attempt the exam allows. */
  max_attempts_reached: { status: 409, title: 'No attempts left' },
  /** An answer names a question or choice that is not in the attempt, or too many choices. */
  invalid_answer: { status: 400, title: 'The answer does not fit the question' },
  /** The pagination cursor is malformed or belongs to another listing. */
  invalid_cursor: { status: 400, title: 'The cursor is invalid' },
} as const satisfies Record<string, { readonly status: number; readonly title: string }>;

/** One of the error codes of `examProblemCatalog`. */
export type ExamErrorCode = keyof typeof examProblemCatalog;
