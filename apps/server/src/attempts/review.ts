import type {
  AttemptResult,
  QuestionType,
  ReviewChoice,
  ReviewPolicy,
  ReviewQuestion,
} from '@assay/contracts';
import type { KeyedQuestion } from '../exams/index.ts';
import type { GradedQuestion } from './grading.ts';

/**
 * What grading decided about each question, as stored with the attempt (`result_json`), in the
 * attempt's order. The questions' texts, key and explanations are in the attempt's question
 * set, which never changes, so later edits of the exam do not rewrite history either way.
 */
export interface StoredGrade {
  readonly version: 2;
  readonly questions: readonly StoredQuestionGrade[];
}

export type StoredQuestionGrade = Pick<
  GradedQuestion,
  'questionId' | 'awardedPoints' | 'answeredCorrectly' | 'selectedChoiceIds'
>;

/** The stored form of a grade. */
export function storeGrade(grade: { readonly questions: readonly GradedQuestion[] }): string {
  const stored: StoredGrade = {
    version: 2,
    questions: grade.questions.map((question) => ({
      questionId: question.questionId,
      awardedPoints: question.awardedPoints,
      answeredCorrectly: question.answeredCorrectly,
      selectedChoiceIds: question.selectedChoiceIds,
    })),
  };
  return JSON.stringify(stored);
}

/** Parses a stored grade; a missing or unreadable one grades every question as unanswered. */
export function parseStoredGrade(json: string | null): StoredGrade {
  const parsed = (json === null ? {} : JSON.parse(json)) as Partial<StoredGrade>;
  return { version: 2, questions: Array.isArray(parsed.questions) ? parsed.questions : [] };
}

/**
 * Everything about a graded attempt's questions: its questions with the grade of each. It
 * contains the answer key: it never leaves the server except through `reviewQuestions`, which
 * cuts it to the policy.
 */
export interface GradedSnapshot {
  readonly version: 1;
  readonly questions: readonly GradedSnapshotQuestion[];
}

export interface GradedSnapshotQuestion {
  readonly questionId: string;
  /** 1-based, in the attempt's order. */
  readonly position: number;
  readonly type: QuestionType;
  readonly text: string;
  readonly points: number;
  readonly awardedPoints: number;
  readonly answeredCorrectly: boolean;
  readonly explanation: string;
  /** In the attempt's order. */
  readonly choices: readonly {
    readonly id: string;
    readonly text: string;
    readonly correct: boolean;
    readonly selected: boolean;
  }[];
}

/** The grade of `questions` (in the attempt's order) with the questions, for reviews. */
export function snapshotGrade(
  questions: readonly KeyedQuestion[],
  grade: { readonly questions: readonly StoredQuestionGrade[] },
): GradedSnapshot {
  const gradedById = new Map(grade.questions.map((graded) => [graded.questionId, graded]));
  return {
    version: 1,
    questions: questions.map((question, index) => {
      const graded = gradedById.get(question.id);
      const selected = new Set(graded?.selectedChoiceIds ?? []);
      return {
        questionId: question.id,
        position: index + 1,
        type: question.type,
        text: question.text,
        points: question.points,
        awardedPoints: graded?.awardedPoints ?? 0,
        answeredCorrectly: graded?.answeredCorrectly ?? false,
        explanation: question.explanation,
        choices: question.choices.map((choice) => ({
          id: choice.id,
          text: choice.text,
          correct: choice.correct,
          selected: selected.has(choice.id),
        })),
      };
    }),
  };
}

/**
 * The per-question review a learner may see. Built field by field (never by copying and
 * deleting) so nothing the policy does not name can slip through:
 * `score_only` → none; `show_correctness` → the questions, their choices with what the learner
 * selected, and whether each answer earned its points; `show_answers` → also each choice's
 * `correct` and the question's explanation.
 */
export function reviewQuestions(
  snapshot: GradedSnapshot,
  policy: ReviewPolicy,
): ReviewQuestion[] | undefined {
  if (policy === 'score_only') return undefined;
  const showAnswers = policy === 'show_answers';
  return snapshot.questions.map((question): ReviewQuestion => {
    const choices = question.choices.map((choice): ReviewChoice =>
      showAnswers
        ? { id: choice.id, text: choice.text, selected: choice.selected, correct: choice.correct }
        : { id: choice.id, text: choice.text, selected: choice.selected },
    );
    const shown: ReviewQuestion = {
      questionId: question.questionId,
      position: question.position,
      type: question.type,
      text: question.text,
      points: question.points,
      awardedPoints: question.awardedPoints,
      answeredCorrectly: question.answeredCorrectly,
      choices,
    };
    return showAnswers ? { ...shown, explanation: question.explanation } : shown;
  });
}

/** The graded attempt's facts a result is built from. */
export interface GradedAttemptFacts {
  readonly attemptId: string;
  readonly examId: string;
  readonly examTitle: string;
  readonly state: 'submitted' | 'expired';
  readonly score: number;
  readonly maxScore: number;
  readonly passed: boolean;
  readonly passMark: number;
  readonly startedAt: string;
  readonly submittedAt: string;
  readonly durationSeconds: number;
  readonly percentage: number;
}

/** The learner's result under `policy` (the exam's current review policy). */
export function buildAttemptResult(
  facts: GradedAttemptFacts,
  snapshot: GradedSnapshot,
  policy: ReviewPolicy,
): AttemptResult {
  const questions = reviewQuestions(snapshot, policy);
  const result: AttemptResult = {
    attemptId: facts.attemptId,
    examId: facts.examId,
    examTitle: facts.examTitle,
    state: facts.state,
    score: facts.score,
    maxScore: facts.maxScore,
    percentage: facts.percentage,
    passed: facts.passed,
    passMark: facts.passMark,
    startedAt: facts.startedAt,
    submittedAt: facts.submittedAt,
    durationSeconds: facts.durationSeconds,
    reviewPolicy: policy,
  };
  return questions === undefined ? result : { ...result, questions };
}
