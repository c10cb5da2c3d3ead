import assert from 'node:assert/strict';
import type {
  AttemptView,
  CreateExamBody,
  Exam,
  ProblemDetails,
  QuestionBody,
  SaveAnswersResult,
} from '@assay/contracts';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { ManualClock } from './exams-database.ts';
import { createTestApp, type TestApp } from './app.ts';
import { createCallers } from './callers.ts';

/** Who calls in these tests. */
export const CALLERS = [
  'anonymous',
  'learner',
  'otherLearner',
  'author',
  'otherAuthor',
  'admin',
  'takerClient',
  'managerClient',
] as const;
export type Caller = (typeof CALLERS)[number];

/** Explanations of the fixture exam: none may reach a learner before review allows it. */
export const EXPLANATIONS = [
  'EXPLAINED-alpha: two plus two is four',
  'EXPLAINED-beta: both primes',
  'EXPLAINED-gamma: the sky is blue',
] as const;

/** The fixture exam's questions: single choice (2 points), multiple choice, true/false. */
export const QUESTIONS: readonly QuestionBody[] = [
  {
    type: 'single_choice',
    text: 'What is 2 + 2?',
    points: 2,
    explanation: EXPLANATIONS[0],
    choices: [
      { text: 'Four', correct: true },
      { text: 'Five', correct: false },
      { text: 'Twenty-two', correct: false },
    ],
  },
  {
    type: 'multiple_choice',
    text: 'Which are prime?',
    explanation: EXPLANATIONS[1],
    choices: [
      { text: 'Two', correct: true },
      { text: 'Three', correct: true },
      { text: 'Nine', correct: false },
    ],
  },
  {
    type: 'true_false',
    text: 'The sky is blue.',
    explanation: EXPLANATIONS[2],
    choices: [
      { text: 'True', correct: true },
      { text: 'False', correct: false },
    ],
  },
];

/** The app under test with a hand-moved clock and a token for every caller. */
export interface ExamsHttp {
  readonly testApp: TestApp;
  readonly clock: ManualClock;
  /** Sends a request as `caller` (JSON body, bearer token unless anonymous). */
  call(caller: Caller, options: InjectOptions): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

export async function startExamsHttp(env: Record<string, string> = {}): Promise<ExamsHttp> {
  const clock = new ManualClock(new Date().toISOString());
  const testApp = await createTestApp({ clock, env: { SEED_SAMPLE_EXAMS: 'false', ...env } });
  let auth: Awaited<ReturnType<typeof createCallers>>;
  try {
    auth = await createCallers(testApp);
  } catch (error) {
    await testApp.close();
    throw error;
  }
  return {
    testApp,
    clock,
    call: (caller, options) =>
      testApp.app.inject({
        ...options,
        headers: { ...options.headers, ...auth.headers(caller) },
      }),
    close: () => testApp.close(),
  };
}

/** Asserts a problem details response with `status` and `code`; returns it. */
export function assertProblem(
  response: LightMyRequestResponse,
  status: number,
  code: string,
): ProblemDetails {
  assert.equal(response.statusCode, status, response.body);
  assert.match(String(response.headers['content-type']), /^application\/problem\+json/);
  const problem = response.json<ProblemDetails>();
  assert.equal(problem.code, code, response.body);
  return problem;
}

/** Asserts `status` and returns the JSON body, typed as the caller says. */
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- like response.json<T>()
export function expectJson<T>(response: LightMyRequestResponse, status: number): T {
  assert.equal(response.statusCode, status, response.body);
  return response.json<T>();
}

/**
 * Asserts that a learner-facing response carries no answer key: no `correct` member, no
 * `explanation` member, and none of the fixture's explanation texts.
 */
export function assertNoAnswerKey(response: LightMyRequestResponse, where: string): void {
  const body = response.body;
  assert.equal(/"correct"\s*:/.test(body), false, `${where} leaks "correct"`);
  assert.equal(/"explanation"\s*:/.test(body), false, `${where} leaks "explanation"`);
  for (const text of EXPLANATIONS) {
    assert.equal(body.includes(text.slice(0, 12)), false, `${where} leaks an explanation text`);
  }
}

/** Creates a draft exam as `caller` with the fixture's questions (unless told otherwise). */
export async function createDraft(
  http: ExamsHttp,
  caller: Caller = 'author',
  settings: Partial<CreateExamBody> = {},
  questions: readonly QuestionBody[] = QUESTIONS,
): Promise<Exam> {
  let exam = expectJson<Exam>(
    await http.call(caller, {
      method: 'POST',
      url: '/api/exams',
      payload: { title: 'Arithmetic and sky', description: 'A fixture exam.', ...settings },
    }),
    201,
  );
  for (const question of questions) {
    exam = expectJson<Exam>(
      await http.call(caller, {
        method: 'POST',
        url: `/api/exams/${exam.id}/questions`,
        payload: question,
      }),
      201,
    );
  }
  return exam;
}

/** Creates and publishes an exam as `caller`. */
export async function createPublished(
  http: ExamsHttp,
  caller: Caller = 'author',
  settings: Partial<CreateExamBody> = {},
): Promise<Exam> {
  const draft = await createDraft(http, caller, settings);
  return expectJson<Exam>(
    await http.call(caller, { method: 'POST', url: `/api/exams/${draft.id}/publish` }),
    200,
  );
}

/** Starts (or resumes) an attempt as `caller`. */
export async function startAttempt(
  http: ExamsHttp,
  examId: string,
  caller: Caller = 'learner',
): Promise<AttemptView> {
  const response = await http.call(caller, {
    method: 'POST',
    url: `/api/exams/${examId}/attempts`,
  });
  assert.ok([200, 201].includes(response.statusCode), response.body);
  return response.json<AttemptView>();
}

/**
 * Publishes the fixture exam with a time limit, starts the learner's attempt and saves, in time,
 * the right answer to "What is 2 + 2?" (2 points) and nothing else.
 */
export async function startTimedAttemptWithFirstAnswer(
  http: ExamsHttp,
  timeLimitMinutes: number,
): Promise<{ exam: Exam; attempt: AttemptView }> {
  const exam = await createPublished(http, 'author', { timeLimitMinutes });
  const attempt = await startAttempt(http, exam.id);
  const [first] = rightAnswers(attempt);
  assert.ok(first);
  expectJson<SaveAnswersResult>(await saveAnswers(http, 'learner', attempt.id, [first]), 200);
  return { exam, attempt };
}

/** Saves `answers` (sent as given, valid or not) to attempt `attemptId` as `caller`. */
export function saveAnswers(
  http: ExamsHttp,
  caller: Caller,
  attemptId: string,
  answers: readonly unknown[],
): Promise<LightMyRequestResponse> {
  return http.call(caller, {
    method: 'PUT',
    url: `/api/attempts/${attemptId}/answers`,
    payload: { answers },
  });
}

/** Submits attempt `attemptId` as `caller`, with `payload` as the body when given. */
export function submitAttempt(
  http: ExamsHttp,
  attemptId: string,
  caller: Caller = 'learner',
  payload?: InjectOptions['payload'],
): Promise<LightMyRequestResponse> {
  return http.call(caller, {
    method: 'POST',
    url: `/api/attempts/${attemptId}/submit`,
    ...(payload === undefined ? {} : { payload }),
  });
}

/** The ids of the choices of question `questionText` with the given texts, in an attempt. */
export function choiceIds(
  attempt: AttemptView,
  questionText: string,
  ...choiceTexts: string[]
): { questionId: string; choiceIds: string[] } {
  const question = attempt.questions.find((candidate) => candidate.text === questionText);
  assert.ok(question, questionText);
  return {
    questionId: question.id,
    choiceIds: choiceTexts.map((text) => {
      const choice = question.choices.find((candidate) => candidate.text === text);
      assert.ok(choice, text);
      return choice.id;
    }),
  };
}

/** Answers that score full marks on the fixture exam. */
export function rightAnswers(attempt: AttemptView, revision = 1) {
  return [
    { ...choiceIds(attempt, 'What is 2 + 2?', 'Four'), revision },
    { ...choiceIds(attempt, 'Which are prime?', 'Two', 'Three'), revision },
    { ...choiceIds(attempt, 'The sky is blue.', 'True'), revision },
  ];
}
