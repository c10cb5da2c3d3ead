import type { QuestionType } from '@assay/contracts';

/** A question with its answer key, as grading needs it. */
export interface GradableQuestion {
  readonly id: string;
  readonly type: QuestionType;
  readonly points: number;
  readonly choices: readonly { readonly id: string; readonly correct: boolean }[];
}

/** A learner's saved answer to one question. */
export interface AnswerToGrade {
  readonly questionId: string;
  readonly choiceIds: readonly string[];
}

/** How one question was graded. */
export interface GradedQuestion {
  readonly questionId: string;
  readonly points: number;
  readonly awardedPoints: number;
  readonly answeredCorrectly: boolean;
  /** The learner's choices that exist in the question, in the question's choice order. */
  readonly selectedChoiceIds: readonly string[];
}

/** The grade of a whole attempt. */
export interface Grade {
  readonly score: number;
  readonly maxScore: number;
  /** For display: score / maxScore × 100 rounded to two decimals (0 when maxScore is 0). */
  readonly percentage: number;
  readonly passed: boolean;
  /** In the order of the `questions` given. */
  readonly questions: readonly GradedQuestion[];
}

/**
 * Whether a score passes: score / maxScore ≥ passMark / 100, compared exactly in integers
 * (score × 100 ≥ passMark × maxScore), so no rounding ever turns a fail into a pass or back:
 * 2 of 3 (66.67 %) passes a mark of 66 and fails a mark of 67.
 */
export function isPassingScore(score: number, maxScore: number, passMark: number): boolean {
  return score * 100 >= passMark * maxScore;
}

/** score / maxScore as a percentage rounded half-up to two decimals; 0 when maxScore is 0. */
export function percentageOf(score: number, maxScore: number): number {
  if (maxScore <= 0) return 0;
  return Math.round((score * 10_000) / maxScore) / 100;
}

/**
 * Grades saved answers against the answer key. Single choice and true/false: full points when
 * exactly the one correct choice is selected, else zero. Multiple choice: all-or-nothing — full
 * points when the selection is exactly the set of correct choices. Choice ids that are not in
 * the question, duplicates, and answers to unknown questions are ignored; an unanswered question
 * scores zero.
 */
export function gradeAttempt(
  questions: readonly GradableQuestion[],
  answers: Iterable<AnswerToGrade>,
  passMark: number,
): Grade {
  const answersByQuestion = new Map<string, ReadonlySet<string>>();
  for (const answer of answers) answersByQuestion.set(answer.questionId, new Set(answer.choiceIds));

  let score = 0;
  let maxScore = 0;
  const graded = questions.map((question): GradedQuestion => {
    const chosen = answersByQuestion.get(question.id) ?? new Set<string>();
    const selectedChoiceIds = question.choices
      .filter((choice) => chosen.has(choice.id))
      .map((choice) => choice.id);
    const answeredCorrectly = isCorrectSelection(question, new Set(selectedChoiceIds));
    const awardedPoints = answeredCorrectly ? question.points : 0;
    score += awardedPoints;
    maxScore += question.points;
    return {
      questionId: question.id,
      points: question.points,
      awardedPoints,
      answeredCorrectly,
      selectedChoiceIds,
    };
  });

  return {
    score,
    maxScore,
    percentage: percentageOf(score, maxScore),
    passed: isPassingScore(score, maxScore, passMark),
    questions: graded,
  };
}

function isCorrectSelection(question: GradableQuestion, selected: ReadonlySet<string>): boolean {
  const correct = question.choices.filter((choice) => choice.correct).map((choice) => choice.id);
  if (correct.length === 0) return false;
  if (question.type !== 'multiple_choice' && correct.length !== 1) return false;
  return selected.size === correct.length && correct.every((id) => selected.has(id));
}
