import type { ExamStatus, QuestionType, ReviewPolicy } from '@assay/contracts';

/*
 * The exams feature's tables, as Kysely sees them (conventions in platform/db.ts): ids are UUID
 * text, timestamps ISO-8601 text, booleans integer 0/1. Created by the `…_exams` migration.
 */

export interface ExamsTable {
  id: string;
  owner_subject: string;
  owner_issuer: string;
  /** The author's display name when the exam was created, for the catalog. */
  owner_name: string | null;
  title: string;
  description: string;
  /** Markdown. */
  long_description: string;
  /** Lower-cased title and description (by JS, so case folding is the same on both engines). */
  search_text: string;
  status: ExamStatus;
  time_limit_minutes: number | null;
  max_attempts: number | null;
  pass_mark: number;
  shuffle_questions: number;
  shuffle_choices: number;
  review_policy: ReviewPolicy;
  /** Kept equal to the number of the exam's questions, in the same transactions. */
  question_count: number;
  /** Kept equal to the sum of the exam's questions' points. */
  max_score: number;
  created_at: string;
  updated_at: string;
  published_at: string | null;
  archived_at: string | null;
}

export interface QuestionsTable {
  id: string;
  exam_id: string;
  /** 1-based, dense within the exam, unique per exam. */
  position: number;
  type: QuestionType;
  text: string;
  points: number;
  explanation: string;
  created_at: string;
  updated_at: string;
}

export interface ChoicesTable {
  id: string;
  question_id: string;
  /** 1-based, dense within the question, unique per question. */
  position: number;
  text: string;
  correct: number;
}

/** The exams feature's tables; the platform's `Database` extends this. */
export interface ExamTables {
  exams: ExamsTable;
  questions: QuestionsTable;
  choices: ChoicesTable;
}
