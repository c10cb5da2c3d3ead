import type { QuestionType } from '@assay/contracts';

/** A choice with its key: whether it is correct. */
export interface KeyedChoice {
  readonly id: string;
  readonly text: string;
  readonly correct: boolean;
}

/**
 * A question with its answer key: what an author edits, and what an attempt freezes when it
 * starts, grades and builds its review from. Never sent to a learner as is.
 */
export interface KeyedQuestion {
  readonly id: string;
  readonly type: QuestionType;
  readonly text: string;
  readonly points: number;
  readonly explanation: string;
  readonly choices: readonly KeyedChoice[];
}

/**
 * A copy of only `question`'s keyed fields, in this order: a frozen question set's JSON, and so
 * the hash that identifies it, depends on it.
 */
export function keyedQuestion(
  question: KeyedQuestion,
): KeyedQuestion & { readonly choices: KeyedChoice[] } {
  return {
    id: question.id,
    type: question.type,
    text: question.text,
    points: question.points,
    explanation: question.explanation,
    choices: question.choices.map((choice) => ({
      id: choice.id,
      text: choice.text,
      correct: choice.correct,
    })),
  };
}
