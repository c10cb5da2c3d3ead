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
import {
  acceptEmptyJsonBodies,
  principalOf,
  authProblems,
  invalidRequest,
} from '../platform/route-support.ts';
import { problemResponse } from '../platform/openapi.ts';
import { attemptViewSerializerCompiler } from './attempt-view-json.ts';
import type { AttemptsService } from './attempts.service.ts';

/** Options of the attempts routes. */
export interface AttemptsRoutesOptions {
  readonly attempts: AttemptsService;
}

const take = 'take:exams';
const manage = 'manage:exams';
const tags = ['attempts'];
const attemptNotFound = problemResponse(
  'No such attempt of yours (`attempt_not_found`): another learner’s attempt gets the same answer',
);

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
          400: invalidRequest,
          ...authProblems(take),
          404: problemResponse('No published exam with this id (`exam_not_found`)'),
          409: problemResponse(
            'Every allowed attempt is used (`max_attempts_reached`), or the exam is yours and not published (`exam_not_published`)',
          ),
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
          400: invalidRequest,
          ...authProblems(take),
          404: attemptNotFound,
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
          400: problemResponse(
            'Invalid body (`validation_failed`) or an answer that does not fit its question (`invalid_answer`)',
          ),
          ...authProblems(take),
          404: attemptNotFound,
          409: problemResponse(
            'The attempt is closed (`attempt_closed`) or its deadline has passed (`deadline_passed`: it was graded with the answers saved in time)',
          ),
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
          400: invalidRequest,
          ...authProblems(take),
          404: attemptNotFound,
          409: problemResponse('The attempt is already graded (`attempt_closed`)'),
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
          400: problemResponse(
            'Bad query (`validation_failed`) or a cursor from elsewhere (`invalid_cursor`)',
          ),
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
          400: problemResponse(
            'Bad request (`validation_failed`) or a cursor from elsewhere (`invalid_cursor`)',
          ),
          ...authProblems(manage),
          404: problemResponse('No such exam, or not one of yours (`exam_not_found`)'),
        },
      },
    },
    (request) =>
      attempts.listExamAttempts(principalOf(request), request.params.examId, request.query),
  );
  return Promise.resolve();
};
