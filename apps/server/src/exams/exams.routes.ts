import {
  AuthoredExamPage,
  CreateExamBody,
  Exam,
  ExamDetail,
  ExamParams,
  ExamSummaryPage,
  ListExamsQuery,
  QuestionBody,
  QuestionParams,
  ReorderQuestionsBody,
  UpdateExamBody,
} from '@assay/contracts';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { problems } from '../platform/openapi.ts';
import type { ExamsService } from './exams.service.ts';
import { acceptEmptyJsonBodies, principalOf, authProblems } from '../platform/route-support.ts';

/** Options of the exams routes. */
export interface ExamsRoutesOptions {
  readonly exams: ExamsService;
}

const manage = 'manage:exams';
const tags = ['exams'];
const authoringTags = ['authoring'];
/** What authoring routes say about their codes beyond the catalogue's titles. */
const authorNotes = {
  exam_not_found: 'No such exam, or not one of yours: another author gets the same answer',
  exam_not_editable: 'The exam is not a draft: unpublish it first',
  exam_not_publishable: 'The exam breaks publishing rules, listed in `problems`',
} as const;

/**
 * The public catalog (`GET /api/exams`, `GET /api/exams/{examId}`, no token needed) and
 * authoring (`manage:exams`: owners act on their own exams, admins on every exam).
 */
export const examsRoutes: FastifyPluginAsyncTypebox<ExamsRoutesOptions> = (app, { exams }) => {
  acceptEmptyJsonBodies(app);
  app.get(
    '/api/exams',
    {
      schema: {
        tags,
        summary: 'List published exams',
        description:
          'The public catalog, most recently published first, without questions. No token ' +
          'needed. Pages with `cursor` (the previous page’s `nextCursor`); `q` searches the ' +
          'title and description, case-insensitively.',
        querystring: ListExamsQuery,
        response: {
          200: ExamSummaryPage,
          ...problems(['validation_failed', 'invalid_cursor']),
        },
      },
    },
    (request) => exams.listCatalog(request.query),
  );

  app.get(
    '/api/exams/:examId',
    {
      schema: {
        tags,
        summary: 'Get a published exam',
        description: 'The catalog entry with the long description and settings. No token needed.',
        params: ExamParams,
        response: {
          200: ExamDetail,
          ...problems(['validation_failed', 'exam_not_found']),
        },
      },
    },
    (request) => exams.getPublishedExam(request.params.examId),
  );

  app.post(
    '/api/exams',
    {
      config: { permission: manage },
      schema: {
        tags: authoringTags,
        summary: 'Create a draft exam',
        description:
          'Creates a draft owned by the caller. `{"title": …, "description": …}` is enough; ' +
          'the settings default to no time limit, unlimited attempts, pass mark 50, no ' +
          'shuffling and `show_correctness`. `Location` is the exam’s editing view.',
        body: CreateExamBody,
        response: {
          201: Exam,
          ...problems(['validation_failed'], authorNotes),
          ...authProblems(manage),
        },
      },
    },
    async (request, reply) => {
      const exam = await exams.createExam(principalOf(request), request.body);
      return reply.status(201).header('location', `/api/exams/${exam.id}/edit`).send(exam);
    },
  );

  app.get(
    '/api/my/exams',
    {
      config: { permission: manage },
      schema: {
        tags: authoringTags,
        summary: 'List my exams',
        description: 'The caller’s own exams in every status, newest first.',
        querystring: ListExamsQuery,
        response: {
          200: AuthoredExamPage,
          ...problems(['validation_failed', 'invalid_cursor'], authorNotes),
          ...authProblems(manage),
        },
      },
    },
    (request) => exams.listMyExams(principalOf(request), request.query),
  );

  app.get(
    '/api/exams/:examId/edit',
    {
      config: { permission: manage },
      schema: {
        tags: authoringTags,
        summary: 'Get an exam for editing, with its answer key',
        description: 'The full exam: every question, choice, correct flag and explanation.',
        params: ExamParams,
        response: {
          200: Exam,
          ...problems(['validation_failed', 'exam_not_found'], authorNotes),
          ...authProblems(manage),
        },
      },
    },
    (request) => exams.getExamForEditing(principalOf(request), request.params.examId),
  );

  app.patch(
    '/api/exams/:examId',
    {
      config: { permission: manage },
      schema: {
        tags: authoringTags,
        summary: 'Change an exam’s details and settings',
        description:
          'Any subset of the creation fields, in drafts and published exams. Attempts already ' +
          'started keep their questions, order and deadline.',
        params: ExamParams,
        body: UpdateExamBody,
        response: {
          200: Exam,
          ...problems(['validation_failed', 'exam_not_found', 'exam_not_editable'], authorNotes),
          ...authProblems(manage),
        },
      },
    },
    (request) => exams.updateExam(principalOf(request), request.params.examId, request.body),
  );

  app.delete(
    '/api/exams/:examId',
    {
      config: { permission: manage },
      schema: {
        tags: authoringTags,
        summary: 'Delete an exam',
        description:
          'Destroys an exam nobody has attempted; an exam with attempts is archived instead, ' +
          'so results stay. Either way the answer is 204.',
        params: ExamParams,
        response: {
          204: Type.Null({ description: 'Deleted, or archived because it has attempts' }),
          ...problems(['validation_failed', 'exam_not_found'], authorNotes),
          ...authProblems(manage),
        },
      },
    },
    async (request, reply) => {
      await exams.deleteExam(principalOf(request), request.params.examId);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/exams/:examId/questions',
    {
      config: { permission: manage },
      schema: {
        tags: authoringTags,
        summary: 'Add a question to a draft',
        description: 'Inserts at `position` (1-based) or appends. Answers the updated exam.',
        params: ExamParams,
        body: QuestionBody,
        response: {
          201: Exam,
          ...problems(
            ['validation_failed', 'exam_not_found', 'exam_not_editable', 'question_limit_reached'],
            authorNotes,
          ),
          ...authProblems(manage),
        },
      },
    },
    async (request, reply) => {
      const exam = await exams.addQuestion(
        principalOf(request),
        request.params.examId,
        request.body,
      );
      return reply.status(201).send(exam);
    },
  );

  app.put(
    '/api/exams/:examId/questions/order',
    {
      config: { permission: manage },
      schema: {
        tags: authoringTags,
        summary: 'Reorder a draft’s questions',
        description: 'Lists every question id of the exam once, in the new order.',
        params: ExamParams,
        body: ReorderQuestionsBody,
        response: {
          200: Exam,
          ...problems(
            ['validation_failed', 'question_order_mismatch', 'exam_not_found', 'exam_not_editable'],
            authorNotes,
          ),
          ...authProblems(manage),
        },
      },
    },
    (request) => exams.reorderQuestions(principalOf(request), request.params.examId, request.body),
  );

  app.put(
    '/api/exams/:examId/questions/:questionId',
    {
      config: { permission: manage },
      schema: {
        tags: authoringTags,
        summary: 'Replace a question of a draft',
        description: 'Replaces text, type, points, explanation and choices (new choice ids).',
        params: QuestionParams,
        body: QuestionBody,
        response: {
          200: Exam,
          ...problems(
            ['validation_failed', 'exam_not_found', 'question_not_found', 'exam_not_editable'],
            authorNotes,
          ),
          ...authProblems(manage),
        },
      },
    },
    (request) =>
      exams.replaceQuestion(
        principalOf(request),
        request.params.examId,
        request.params.questionId,
        request.body,
      ),
  );

  app.delete(
    '/api/exams/:examId/questions/:questionId',
    {
      config: { permission: manage },
      schema: {
        tags: authoringTags,
        summary: 'Delete a question of a draft',
        params: QuestionParams,
        response: {
          204: Type.Null({ description: 'Deleted; later questions moved up' }),
          ...problems(
            ['validation_failed', 'exam_not_found', 'question_not_found', 'exam_not_editable'],
            authorNotes,
          ),
          ...authProblems(manage),
        },
      },
    },
    async (request, reply) => {
      const { examId, questionId } = request.params;
      await exams.deleteQuestion(principalOf(request), examId, questionId);
      return reply.status(204).send(null);
    },
  );

  const transitions = [
    {
      action: 'publish',
      summary: 'Publish a draft',
      description:
        'Checks every publishing rule and lists all problems at once; puts the exam in the ' +
        'catalog. Publishing a published exam changes nothing.',
      conflicts: ['exam_not_publishable', 'invalid_status_transition'],
      run: exams.publishExam.bind(exams),
    },
    {
      action: 'unpublish',
      summary: 'Take a published exam back to draft',
      description:
        'Out of the catalog, questions editable again. Attempts under way keep the questions ' +
        'they started with.',
      conflicts: ['invalid_status_transition'],
      run: exams.unpublishExam.bind(exams),
    },
    {
      action: 'archive',
      summary: 'Archive an exam',
      description: 'Out of the catalog for good; results are kept.',
      conflicts: ['invalid_status_transition'],
      run: exams.archiveExam.bind(exams),
    },
  ] as const;
  for (const transition of transitions) {
    app.post(
      `/api/exams/:examId/${transition.action}`,
      {
        config: { permission: manage },
        schema: {
          tags: authoringTags,
          summary: transition.summary,
          description: `${transition.description} No body needed.`,
          params: ExamParams,
          response: {
            200: Exam,
            ...problems(
              ['validation_failed', 'exam_not_found', ...transition.conflicts],
              authorNotes,
            ),
            ...authProblems(manage),
          },
        },
      },
      (request) => transition.run(principalOf(request), request.params.examId),
    );
  }
  return Promise.resolve();
};
