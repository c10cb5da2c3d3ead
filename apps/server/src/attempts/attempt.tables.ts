import type { AttemptState } from '@assay/contracts';

/*
 * The attempts feature's tables, as Kysely sees them (conventions in platform/db.ts). Created by
 * the `…_exams` migration; question sets by `…_attempt_question_sets`, attempt numbers by
 * `…_attempt_numbers`.
 */

export interface AttemptsTable {
  id: string;
  exam_id: string;
  learner_subject: string;
  learner_issuer: string;
  learner_name: string | null;
  state: AttemptState;
  /**
   * 1, 2, 3, … per learner and exam, in the order started; unique per learner and exam
   * (`attempts_number_idx`), which is what keeps concurrent starts within max attempts.
   */
  number: number;
  /** Seeds the attempt's question and choice order (see shuffle.ts); 0 ≤ seed < 2³¹. */
  seed: number;
  /** The frozen questions this attempt shows and is graded on (`question_sets.id`). */
  question_set_id: string;
  /**
   * The attempt's order as indexes into its question set, JSON: `[[questionIndex,
   * choiceIndex, …], …]` (attempt-questions.ts).
   */
  question_order: string;
  started_at: string;
  /** `null` when the exam had no time limit at the start. */
  deadline: string | null;
  /** When it ended: the submit, or the deadline for an expired attempt. */
  submitted_at: string | null;
  score: number | null;
  max_score: number | null;
  passed: number | null;
  /** `StoredGrade` JSON (review.ts): what grading decided per question. Never sent as is. */
  result_json: string | null;
  /**
   * Bumped by every write to the attempt or its answers, always on the condition
   * `state = 'in_progress'`. A save bumps it first in its transaction (taking the row lock on
   * PostgreSQL); closing writes the grade only if it is still the version the answers were read
   * at, else retries under the lock (attempts.repository.ts).
   */
  version: number;
  updated_at: string;
}

/**
 * Frozen question content: an exam's questions in the author's order, with the answer key, as
 * they were when an attempt started. Content-addressed (the id is the SHA-256 of the JSON), so
 * the attempts at one version of an exam share a row; a row never changes once written.
 */
export interface QuestionSetsTable {
  id: string;
  /** `KeyedQuestion[]` JSON, with the answer key: never sent as is. */
  questions_json: string;
  created_at: string;
}

export interface AttemptAnswersTable {
  attempt_id: string;
  question_id: string;
  /** JSON array of choice ids. */
  choice_ids: string;
  /** The client's revision of this answer; the highest seen wins. */
  revision: number;
  updated_at: string;
}

/** The attempts feature's tables; the platform's `Database` extends this. */
export interface AttemptTables {
  attempts: AttemptsTable;
  question_sets: QuestionSetsTable;
  attempt_answers: AttemptAnswersTable;
}
