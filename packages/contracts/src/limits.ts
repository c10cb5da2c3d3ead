/*
 * Limits on what clients send, shared by the request schemas, the server's rules and the web
 * app's forms. A pure module (no TypeBox), so the web app can import it on its own as
 * `@assay/contracts/limits` without bundling the schemas.
 */

import type { ExamSettings } from './exams.ts';

/** Limits on author input and on the exam and attempt listings. */
export const EXAM_LIMITS = {
  titleMaxLength: 200,
  descriptionMaxLength: 2_000,
  longDescriptionMaxLength: 50_000,
  questionTextMaxLength: 10_000,
  explanationMaxLength: 10_000,
  choiceTextMaxLength: 2_000,
  choicesPerQuestionMax: 20,
  questionsPerExamMax: 200,
  pointsMax: 1_000,
  timeLimitMinutesMax: 7 * 24 * 60,
  maxAttemptsMax: 1_000,
  searchMaxLength: 200,
  pageSizeMax: 100,
  pageSizeDefault: 20,
} as const;

/** Settings of a new exam when its author leaves them out. */
export const DEFAULT_EXAM_SETTINGS: Readonly<ExamSettings> = {
  timeLimitMinutes: null,
  maxAttempts: null,
  passMark: 50,
  shuffleQuestions: false,
  shuffleChoices: false,
  reviewPolicy: 'show_correctness',
};

/** Longest `q` of `GET /api/users`. */
export const USER_SEARCH_MAX_LENGTH = 100;
/** Largest page of `GET /api/users`. */
export const USER_PAGE_SIZE_MAX = 100;
/** Page size of `GET /api/users` when `limit` is not given. */
export const USER_PAGE_SIZE_DEFAULT = 25;
