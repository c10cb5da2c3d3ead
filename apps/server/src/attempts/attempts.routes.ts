import {
  AttemptParams,
  AttemptResult,
  AttemptView,
  AuthorAttemptPage,
  ExamParams,
  ListAttemptsQuery,
  MyAttemptPage,
  SaveAnswersBody,
  SaveAnswersResult,
  SubmitAttemptBody,
} from '@assay/contracts';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { acceptEmptyJsonBodies, principalOf, authProblems } from '../platform/route-support.ts';
import { problems } from '../platform/openapi.ts';
import { attemptViewSerializerCompiler } from './attempt-view-json.ts';
import type { AttemptsService } from './attempts.service.ts';

/** Options of the attempts routes. */
export interface AttemptsRoutesOptions {
  readonly attempts: AttemptsService;
}

const take = 'take:exams';
const manage = 'manage:exams';
const tags = ['attempts'];
/** What these routes say about their codes beyond the catalogue's titles. */
const notes = {
  attempt_not_found: 'No such attempt of yours: another learner’s attempt gets the same answer',
  deadline_passed: 'The deadline has passed: it was graded with the answers saved in time',
  exam_not_published: 'The exam is yours and not published',
} as const;

/**
 * Taking exams (`take:exams`): start or resume, autosave, submit, read, history. An author's
 * view of an exam's results (`manage:exams`, owner or admin).
 */
export const attemptsRoutes: FastifyPluginAsyncTypebox<AttemptsRoutesOptions> = (
  app,
  { attempts },
) => {
  acceptEmptyJsonBodies(app);

  app.post(
    '/api/exams/:examId/attempts',
    {
      config: { permission: take },
      serializerCompiler: attemptViewSerializerCompiler,
      schema: {
        tags,
        summary: 'Start an attempt, or resume the one in progress',
        description:
          '201 with a new attempt, or 200 with the caller’s attempt in progress at this exam. ' +
          'Questions come without any answer key, in this attempt’s order; `deadline` and ' +
          '`serverNow` let the client run its countdown on the server’s clock. `Location` is ' +
          'the attempt. No body needed.',
        params: ExamParams,
        response: {
          200: AttemptView,
          201: AttemptView,
          ...problems(
            ['validation_failed', 'exam_not_found', 'max_attempts_reached', 'exam_not_published'],
            notes,
          ),
          ...authProblems(take),
        },
      },
    },
    async (request, reply) => {
      const { created, attempt } = await attempts.startOrResumeAttempt(
        principalOf(request),
        request.params.examId,
      );
      return reply
        .status(created ? 201 : 200)
        .header('location', `/api/attempts/${attempt.id}`)
        .send(attempt);
    },
  );

  app.get(
    '/api/attempts/:attemptId',
    {
      config: { permission: take },
      serializerCompiler: attemptViewSerializerCompiler,
      schema: {
        tags,
        summary: 'Get one of my attempts',
        description:
          'In progress: questions without answer key, saved answers, deadline. Graded: the ' +
          'result as the exam’s review policy allows. An attempt past its deadline is graded ' +
          'with its saved answers first.',
        params: AttemptParams,
        response: {
          200: AttemptView,
          ...problems(['validation_failed', 'attempt_not_found'], notes),
          ...authProblems(take),
        },
      },
    },
    (request) => attempts.getAttempt(principalOf(request), request.params.attemptId),
  );

  app.put(
    '/api/attempts/:attemptId/answers',
    {
      config: { permission: take },
      schema: {
        tags,
        summary: 'Save answers',
        description:
          'Autosave, idempotent: per question the answer with the highest `revision` wins, so ' +
          'a retried or late request never overwrites a newer answer.',
        params: AttemptParams,
        body: SaveAnswersBody,
        response: {
          200: SaveAnswersResult,
          ...problems(
            [
              'validation_failed',
              'invalid_answer',
              'attempt_not_found',
              'attempt_closed',
              'deadline_passed',
            ],
            notes,
          ),
          ...authProblems(take),
        },
      },
    },
    (request) => attempts.saveAnswers(principalOf(request), request.params.attemptId, request.body),
  );

  app.post(
    '/api/attempts/:attemptId/submit',
    {
      config: { permission: take },
      schema: {
        tags,
        summary: 'Submit an attempt for grading',
        description:
          'Grades on the server, records and answers the result as the review policy allows. ' +
          'Once only: a second or concurrent submit gets 409 `attempt_closed`. Past the ' +
          'deadline the saved answers are graded and the attempt is `expired`. No body needed; ' +
          'a client whose countdown reached zero sends `{"timeUp": true}`, which ends the ' +
          'attempt as `expired` too.',
        params: AttemptParams,
        body: SubmitAttemptBody,
        response: {
          200: AttemptResult,
          ...problems(['validation_failed', 'attempt_not_found', 'attempt_closed'], notes),
          ...authProblems(take),
        },
      },
    },
    (request) =>
      attempts.submitAttempt(principalOf(request), request.params.attemptId, request.body ?? null),
  );

  app.get(
    '/api/me/attempts',
    {
      config: { permission: take },
      schema: {
        tags,
        summary: 'List my attempts',
        description: 'The caller’s attempts at every exam, newest first.',
        querystring: ListAttemptsQuery,
        response: {
          200: MyAttemptPage,
          ...problems(['validation_failed', 'invalid_cursor'], notes),
          ...authProblems(take),
        },
      },
    },
    (request) => attempts.listMyAttempts(principalOf(request), request.query),
  );

  app.get(
    '/api/exams/:examId/attempts',
    {
      config: { permission: manage },
      schema: {
        tags: ['authoring'],
        summary: 'List the graded attempts at an exam',
        description:
          'For the exam’s owner and admins: every submitted or expired attempt with learner, ' +
          'score and duration, most recently ended first.',
        params: ExamParams,
        querystring: ListAttemptsQuery,
        response: {
          200: AuthorAttemptPage,
          ...problems(['validation_failed', 'invalid_cursor', 'exam_not_found'], notes),
          ...authProblems(manage),
        },
      },
    },
    (request) =>
      attempts.listExamAttempts(principalOf(request), request.params.examId, request.query),
  );
  return Promise.resolve();
};
