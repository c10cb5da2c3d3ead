import type { AttemptState } from '@assay/contracts';

/*
 * The attempts feature's tables, as Kysely sees them (conventions in platform/db.ts). Created by
 * the `…_exams` migration.
 */

export interface AttemptsTable {
  id: string;
  exam_id: string;
  learner_subject: string;
  learner_issuer: string;
  learner_name: string | null;
  state: AttemptState;
  /** Seeds the attempt's question and choice order (see shuffle.ts); 0 ≤ seed < 2³¹. */
  seed: number;
  /**
   * `AttemptQuestionsSnapshot` JSON: the questions in this attempt's order, with the answer key,
   * frozen at the start. Never sent as is.
   */
  questions_json: string;
  started_at: string;
  /** `null` when the exam had no time limit at the start. */
  deadline: string | null;
  /** When it ended: the submit, or the deadline for an expired attempt. */
  submitted_at: string | null;
  score: number | null;
  max_score: number | null;
  passed: number | null;
  /** `GradedSnapshot` JSON, with the answer key: never sent as is. */
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
  attempt_answers: AttemptAnswersTable;
}
