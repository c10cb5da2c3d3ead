import type { QuestionType } from '@assay/contracts';
import type { QuestionRecord } from '../exams/exams.repository.ts';
import { orderForAttempt, type ShuffleSettings } from './shuffle.ts';

/**
 * An attempt's questions, frozen when it starts: in the attempt's (possibly shuffled) order,
 * with the answer key. Stored with the attempt (`questions_json`), so neither an edit of the
 * exam after unpublishing nor a change of its shuffle settings alters an attempt under way:
 * the learner keeps the questions and order they started with and is graded on them.
 * Contains the answer key: only grading and the review built from it read it.
 */
export interface AttemptQuestionSnapshot {
  readonly id: string;
  readonly type: QuestionType;
  readonly text: string;
  readonly points: number;
  readonly explanation: string;
  readonly choices: readonly {
    readonly id: string;
    readonly text: string;
    readonly correct: boolean;
  }[];
}

/** The questions of a new attempt, in its order, ready to store. */
export function freezeAttemptQuestions(
  questions: readonly QuestionRecord[],
  seed: number,
  settings: ShuffleSettings,
): AttemptQuestionSnapshot[] {
  return orderForAttempt(questions, seed, settings).map((question) => ({
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
  }));
}

/** Reads the stored questions of an attempt. */
export function parseAttemptQuestions(json: string): AttemptQuestionSnapshot[] {
  const parsed: unknown = JSON.parse(json);
  return Array.isArray(parsed) ? (parsed as AttemptQuestionSnapshot[]) : [];
}
