import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type {
  AuthoredExamPage,
  Exam,
  ExamDetail,
  ExamSummaryPage,
  ProblemDetails,
} from '@assay/contracts';
import {
  QUESTIONS,
  assertNoAnswerKey,
  assertProblem,
  createDraft,
  createPublished,
  expectJson,
  startAttempt,
  startExamsHttp,
  submitAttempt,
  type ExamsHttp,
} from '../support/exam-fixture.ts';

const unknownId = '00000000-0000-4000-8000-000000000000';

describe('exams over HTTP: catalog and authoring', () => {
  let http: ExamsHttp;

  before(async () => {
    http = await startExamsHttp();
  });
  after(() => http.close());

  describe('the tutorial', () => {
    it('GET /api/exams works with no token', async () => {
      const response = await http.testApp.app.inject({ method: 'GET', url: '/api/exams' });
      const page = expectJson<ExamSummaryPage>(response, 200);
      assert.ok(Array.isArray(page.items));
    });

    it('POST /api/exams with the tutorial body works for a machine client with manage:exams', async () => {
      const response = await http.call('managerClient', {
        method: 'POST',
        url: '/api/exams',
        headers: { 'content-type': 'application/json' },
        payload:
          '{"title":"TypeScript Advanced Exam","description":"Tricky questions about TypeScript."}',
      });
      const exam = expectJson<Exam>(response, 201);
      assert.equal(response.headers.location, `/api/exams/${exam.id}/edit`);
      assert.equal(exam.title, 'TypeScript Advanced Exam');
      assert.equal(exam.description, 'Tricky questions about TypeScript.');
      assert.equal(exam.status, 'draft');
      assert.deepEqual(exam.questions, []);
    });
  });

  describe('catalog', () => {
    it('lists published exams only, pages with a cursor, and searches', async () => {
      const draft = await createDraft(http, 'author', { title: 'Catalog draft zebra' });
      for (const title of ['Catalog zebra one', 'Catalog zebra two', 'Catalog zebra three']) {
        http.clock.advance(1000);
        await createPublished(http, 'author', { title });
      }
      const first = expectJson<ExamSummaryPage>(
        await http.call('anonymous', { method: 'GET', url: '/api/exams?q=ZEBRA&limit=2' }),
        200,
      );
      assert.deepEqual(
        first.items.map((item) => item.title),
        ['Catalog zebra three', 'Catalog zebra two'],
      );
      assert.ok(first.nextCursor);
      const second = expectJson<ExamSummaryPage>(
        await http.call('anonymous', {
          method: 'GET',
          url: `/api/exams?q=zebra&limit=2&cursor=${first.nextCursor}`,
        }),
        200,
      );
      assert.deepEqual(
        second.items.map((item) => item.title),
        ['Catalog zebra one'],
      );
      assert.equal(second.nextCursor, null);
      assert.ok(!first.items.some((item) => item.id === draft.id));
      const byDescription = expectJson<ExamSummaryPage>(
        await http.call('anonymous', { method: 'GET', url: '/api/exams?q=A%20FIXTURE%20exam' }),
        200,
      );
      assert.ok(byDescription.items.some((item) => item.title === 'Catalog zebra two'));
      assert.ok(!byDescription.items.some((item) => item.id === draft.id));
      const [summary] = second.items;
      assert.equal(summary?.questionCount, 3);
      assert.equal(summary.maxScore, 4);
      assert.equal('questions' in summary, false);
    });

    it('refuses a bad query with every field listed, and a foreign cursor', async () => {
      const problem = assertProblem(
        await http.call('anonymous', {
          method: 'GET',
          url: '/api/exams?limit=0&q=' + 'x'.repeat(201),
        }),
        400,
        'validation_failed',
      );
      const fields = (problem.errors ?? []).map((error) => error.field).sort();
      assert.deepEqual(fields, ['/limit', '/q']);
      assertProblem(
        await http.call('anonymous', { method: 'GET', url: '/api/exams?cursor=bm90LWEtY3Vyc29y' }),
        400,
        'invalid_cursor',
      );
    });

    it('shows a published exam by id, and answers 404 for drafts, unknown and 400 for malformed ids', async () => {
      const exam = await createPublished(http);
      const detail = expectJson<ExamDetail>(
        await http.call('anonymous', { method: 'GET', url: `/api/exams/${exam.id}` }),
        200,
      );
      assert.equal(detail.questionCount, 3);
      assert.equal(detail.id, exam.id);
      const draft = await createDraft(http);
      assertProblem(
        await http.call('anonymous', { method: 'GET', url: `/api/exams/${draft.id}` }),
        404,
        'exam_not_found',
      );
      assertProblem(
        await http.call('learner', { method: 'GET', url: `/api/exams/${unknownId}` }),
        404,
        'exam_not_found',
      );
      const problem = assertProblem(
        await http.call('anonymous', { method: 'GET', url: '/api/exams/not-a-uuid' }),
        400,
        'validation_failed',
      );
      assert.deepEqual(
        problem.errors?.map((error) => error.field),
        ['/examId'],
      );
    });

    it('never shows the answer key in the catalog or an exam’s page', async () => {
      const exam = await createPublished(http);
      for (const caller of ['anonymous', 'learner', 'author'] as const) {
        assertNoAnswerKey(
          await http.call(caller, { method: 'GET', url: '/api/exams?limit=100' }),
          'catalog',
        );
        assertNoAnswerKey(
          await http.call(caller, { method: 'GET', url: `/api/exams/${exam.id}` }),
          'exam detail',
        );
      }
    });
  });

  describe('authoring', () => {
    it('creates with settings, lists my exams, and shows the answer key to the owner', async () => {
      const exam = await createDraft(http, 'otherAuthor', {
        title: 'Mine only',
        timeLimitMinutes: 15,
        maxAttempts: 2,
        passMark: 80,
        shuffleQuestions: true,
        reviewPolicy: 'show_answers',
      });
      assert.equal(exam.timeLimitMinutes, 15);
      assert.equal(exam.questions.length, 3);
      const mine = expectJson<AuthoredExamPage>(
        await http.call('otherAuthor', { method: 'GET', url: '/api/my/exams?q=mine' }),
        200,
      );
      assert.deepEqual(
        mine.items.map((item) => [item.title, item.status]),
        [['Mine only', 'draft']],
      );
      const edit = expectJson<Exam>(
        await http.call('otherAuthor', { method: 'GET', url: `/api/exams/${exam.id}/edit` }),
        200,
      );
      const [first] = edit.questions;
      assert.ok(first);
      assert.equal(first.choices[0]?.correct, true);
      assert.match(first.explanation, /^EXPLAINED/);
    });

    it('keeps the model: long description, settings, review policy, status and timestamps', async () => {
      const longDescription =
        '# Read me\n\n*Markdown* with <script>alert(1)</script> kept as text.';
      const created = expectJson<Exam>(
        await http.call('author', {
          method: 'POST',
          url: '/api/exams',
          payload: {
            title: 'Model exam',
            description: 'Short.',
            longDescription,
            timeLimitMinutes: 30,
            maxAttempts: 3,
            passMark: 75,
            shuffleQuestions: true,
            shuffleChoices: true,
            reviewPolicy: 'score_only',
          },
        }),
        201,
      );
      const createdAt = http.clock.now().toISOString();
      assert.deepEqual(
        [
          created.status,
          created.createdAt,
          created.updatedAt,
          created.publishedAt,
          created.archivedAt,
        ],
        ['draft', createdAt, createdAt, null, null],
      );
      assert.equal(created.longDescription, longDescription);
      assert.equal(created.authorName, 'Ada Author');

      for (const reviewPolicy of ['show_correctness', 'show_answers', 'score_only'] as const) {
        http.clock.advance(1000);
        const patched = expectJson<Exam>(
          await http.call('author', {
            method: 'PATCH',
            url: `/api/exams/${created.id}`,
            payload: { reviewPolicy },
          }),
          200,
        );
        assert.equal(patched.reviewPolicy, reviewPolicy);
        assert.equal(patched.updatedAt, http.clock.now().toISOString());
        assert.equal(patched.createdAt, createdAt);
        assert.equal(patched.longDescription, longDescription, 'a patch keeps what it omits');
      }

      for (const question of QUESTIONS) {
        await http.call('author', {
          method: 'POST',
          url: `/api/exams/${created.id}/questions`,
          payload: question,
        });
      }
      http.clock.advance(1000);
      const published = expectJson<Exam>(
        await http.call('author', { method: 'POST', url: `/api/exams/${created.id}/publish` }),
        200,
      );
      const publishedAt = http.clock.now().toISOString();
      assert.deepEqual([published.status, published.publishedAt], ['published', publishedAt]);
      const detail = expectJson<ExamDetail>(
        await http.call('anonymous', { method: 'GET', url: `/api/exams/${created.id}` }),
        200,
      );
      assert.deepEqual(detail, {
        id: created.id,
        title: 'Model exam',
        description: 'Short.',
        longDescription,
        questionCount: 3,
        maxScore: 4,
        timeLimitMinutes: 30,
        maxAttempts: 3,
        passMark: 75,
        shuffleQuestions: true,
        shuffleChoices: true,
        reviewPolicy: 'score_only',
        authorName: 'Ada Author',
        publishedAt,
      });

      http.clock.advance(1000);
      const archived = expectJson<Exam>(
        await http.call('author', { method: 'POST', url: `/api/exams/${created.id}/archive` }),
        200,
      );
      assert.deepEqual(
        [archived.status, archived.archivedAt, archived.publishedAt],
        ['archived', http.clock.now().toISOString(), publishedAt],
      );
      // Archived: out of the catalog and its page, still in the author's list.
      const catalog = expectJson<ExamSummaryPage>(
        await http.call('anonymous', { method: 'GET', url: '/api/exams?q=model%20exam' }),
        200,
      );
      assert.deepEqual(catalog.items, []);
      assertProblem(
        await http.call('anonymous', { method: 'GET', url: `/api/exams/${created.id}` }),
        404,
        'exam_not_found',
      );
      const mine = expectJson<AuthoredExamPage>(
        await http.call('author', { method: 'GET', url: '/api/my/exams?q=model%20exam' }),
        200,
      );
      assert.deepEqual(
        mine.items.map((item) => [item.id, item.status]),
        [[created.id, 'archived']],
      );
    });

    it('counts each exam’s graded attempts in my exams: submitted and expired, not in progress', async () => {
      const counted = await createPublished(http, 'author', {
        title: 'Tally counted',
        timeLimitMinutes: 10,
      });
      await createPublished(http, 'author', { title: 'Tally untouched' });
      await createDraft(http, 'author', { title: 'Tally draft' });
      const foreign = await createPublished(http, 'otherAuthor', { title: 'Tally foreign' });
      const tally = async (caller: 'author' | 'otherAuthor') =>
        Object.fromEntries(
          expectJson<AuthoredExamPage>(
            await http.call(caller, { method: 'GET', url: '/api/my/exams?q=tally' }),
            200,
          ).items.map((item) => [item.title, item.attemptCount]),
        );
      for (const examId of [counted.id, foreign.id]) {
        const attempt = await startAttempt(http, examId, 'learner');
        expectJson(await submitAttempt(http, attempt.id), 200);
      }
      const abandoned = await startAttempt(http, counted.id, 'otherLearner');
      assert.deepEqual(await tally('author'), {
        'Tally counted': 1,
        'Tally untouched': 0,
        'Tally draft': 0,
      });

      // Past the deadline the abandoned attempt is graded on next access: expired, and counted.
      http.clock.advance(11 * 60_000);
      const expired = expectJson<{ state: string }>(
        await http.call('otherLearner', { method: 'GET', url: `/api/attempts/${abandoned.id}` }),
        200,
      );
      assert.equal(expired.state, 'expired');
      await startAttempt(http, counted.id, 'takerClient');
      assert.deepEqual(await tally('author'), {
        'Tally counted': 2,
        'Tally untouched': 0,
        'Tally draft': 0,
      });
      const examAttempts = expectJson<{ items: unknown[] }>(
        await http.call('author', { method: 'GET', url: `/api/exams/${counted.id}/attempts` }),
        200,
      );
      assert.equal(examAttempts.items.length, 2, 'the count is what the exam’s attempts list');
      assert.deepEqual(await tally('otherAuthor'), { 'Tally foreign': 1 });
    });

    it('refuses to publish with every rule broken listed, each with its question and field', async () => {
      const empty = await createDraft(http, 'author', {}, []);
      const none = assertProblem(
        await http.call('author', { method: 'POST', url: `/api/exams/${empty.id}/publish` }),
        409,
        'exam_not_publishable',
      ) as ProblemDetails & { problems: unknown[] };
      assert.deepEqual(none.problems, [
        { rule: 'no_questions', field: '/questions', message: 'Add at least one question.' },
      ]);

      const broken = await createDraft(http, 'author', {}, [
        {
          type: 'multiple_choice',
          text: 'None right',
          choices: [
            { text: 'a', correct: false },
            { text: 'b', correct: false },
          ],
        },
        {
          type: 'single_choice',
          text: 'Two right',
          choices: [
            { text: 'a', correct: true },
            { text: 'b', correct: true },
          ],
        },
        {
          type: 'true_false',
          text: 'Three ways',
          choices: [
            { text: 'True', correct: true },
            { text: 'False', correct: false },
            { text: 'Maybe', correct: false },
          ],
        },
        { type: 'single_choice', text: 'Alone', choices: [{ text: 'only', correct: true }] },
        {
          type: 'multiple_choice',
          text: 'Fine',
          choices: [
            { text: 'a', correct: true },
            { text: 'b', correct: true },
          ],
        },
      ]);
      const refused = assertProblem(
        await http.call('author', { method: 'POST', url: `/api/exams/${broken.id}/publish` }),
        409,
        'exam_not_publishable',
      ) as ProblemDetails & {
        problems: { rule: string; questionPosition?: number; questionId?: string; field: string }[];
      };
      assert.deepEqual(
        refused.problems.map((problem) => [problem.rule, problem.questionPosition, problem.field]),
        [
          ['needs_a_correct_choice', 1, '/questions/1/choices'],
          ['needs_exactly_one_correct', 2, '/questions/2/choices'],
          ['true_false_needs_two_choices', 3, '/questions/3/choices'],
          ['too_few_choices', 4, '/questions/4/choices'],
        ],
      );
      assert.deepEqual(
        refused.problems.map((problem) => problem.questionId),
        broken.questions.slice(0, 4).map((question) => question.id),
      );
      const still = expectJson<Exam>(
        await http.call('author', { method: 'GET', url: `/api/exams/${broken.id}/edit` }),
        200,
      );
      assert.deepEqual([still.status, still.publishedAt], ['draft', null]);
    });

    it('refuses bad bodies with every offending field', async () => {
      const problem = assertProblem(
        await http.call('author', {
          method: 'POST',
          url: '/api/exams',
          payload: { title: '', passMark: 101, reviewPolicy: 'everything', maxAttempts: -1 },
        }),
        400,
        'validation_failed',
      );
      const fields = new Set((problem.errors ?? []).map((error) => error.field));
      for (const field of ['/title', '/passMark', '/reviewPolicy', '/maxAttempts']) {
        assert.ok(fields.has(field), `${field} in ${JSON.stringify(problem.errors)}`);
      }
      assertProblem(
        await http.call('author', { method: 'POST', url: '/api/exams', payload: {} }),
        400,
        'validation_failed',
      );
      assertProblem(
        await http.call('author', {
          method: 'POST',
          url: '/api/exams',
          headers: { 'content-type': 'application/json' },
          payload: '{"title":',
        }),
        400,
        'malformed_json',
      );
      const exam = await createDraft(http, 'author', {}, []);
      assertProblem(
        await http.call('author', { method: 'PATCH', url: `/api/exams/${exam.id}`, payload: {} }),
        400,
        'validation_failed',
      );
      // A misspelt setting is refused, not silently dropped, and nothing changes.
      const misspelt = assertProblem(
        await http.call('author', {
          method: 'PATCH',
          url: `/api/exams/${exam.id}`,
          payload: { title: 'Renamed', passmark: 80 },
        }),
        400,
        'validation_failed',
      );
      assert.deepEqual(misspelt.errors, [{ field: '/passmark', message: 'is not allowed' }]);
      const unchanged = await http.call('author', {
        method: 'GET',
        url: `/api/exams/${exam.id}/edit`,
      });
      assert.notEqual(unchanged.json<{ title: string }>().title, 'Renamed');
      // A JSON body keeps its types: a number in quotes or 1 for true is refused, not converted.
      const mistyped = assertProblem(
        await http.call('author', {
          method: 'PATCH',
          url: `/api/exams/${exam.id}`,
          payload: { passMark: '80', shuffleQuestions: 1, title: 42 },
        }),
        400,
        'validation_failed',
      );
      assert.deepEqual((mistyped.errors ?? []).map((error) => error.field).sort(), [
        '/passMark',
        '/shuffleQuestions',
        '/title',
      ]);
      // A query string is text, read as its schema's types.
      const page = await http.call('author', { method: 'GET', url: '/api/my/exams?limit=1' });
      assert.equal(page.statusCode, 200);
      assert.equal(page.json<{ items: unknown[] }>().items.length, 1);
      const question = assertProblem(
        await http.call('author', {
          method: 'POST',
          url: `/api/exams/${exam.id}/questions`,
          payload: { type: 'essay', text: 'Why?', choices: [{ text: '' }] },
        }),
        400,
        'validation_failed',
      );
      const questionFields = new Set((question.errors ?? []).map((error) => error.field));
      for (const field of ['/type', '/choices/0/text', '/choices/0/correct']) {
        assert.ok(questionFields.has(field), `${field} in ${JSON.stringify(question.errors)}`);
      }
    });

    it('edits, replaces, reorders and deletes questions of a draft', async () => {
      let exam = await createDraft(http);
      exam = expectJson<Exam>(
        await http.call('author', {
          method: 'PATCH',
          url: `/api/exams/${exam.id}`,
          payload: { title: 'Renamed', timeLimitMinutes: null, reviewPolicy: 'score_only' },
        }),
        200,
      );
      assert.equal(exam.title, 'Renamed');
      assert.equal(exam.reviewPolicy, 'score_only');
      const [q1, q2, q3] = exam.questions;
      assert.ok(q1 && q2 && q3);
      exam = expectJson<Exam>(
        await http.call('author', {
          method: 'PUT',
          url: `/api/exams/${exam.id}/questions/${q1.id}`,
          payload: {
            type: 'true_false',
            text: 'Four is even.',
            points: 3,
            choices: [
              { text: 'True', correct: true },
              { text: 'False', correct: false },
            ],
          },
        }),
        200,
      );
      assert.equal(exam.questions[0]?.text, 'Four is even.');
      assert.equal(exam.maxScore, 5);
      exam = expectJson<Exam>(
        await http.call('author', {
          method: 'PUT',
          url: `/api/exams/${exam.id}/questions/order`,
          payload: { questionIds: [q3.id, q1.id, q2.id] },
        }),
        200,
      );
      assert.deepEqual(
        exam.questions.map((question) => [question.id, question.position]),
        [
          [q3.id, 1],
          [q1.id, 2],
          [q2.id, 3],
        ],
      );
      const mismatch = assertProblem(
        await http.call('author', {
          method: 'PUT',
          url: `/api/exams/${exam.id}/questions/order`,
          payload: { questionIds: [q3.id, q1.id] },
        }),
        400,
        'question_order_mismatch',
      );
      assert.ok((mismatch.errors ?? []).length > 0);
      const deleted = await http.call('author', {
        method: 'DELETE',
        url: `/api/exams/${exam.id}/questions/${q1.id}`,
      });
      assert.equal(deleted.statusCode, 204);
      assert.equal(deleted.body, '');
      assertProblem(
        await http.call('author', {
          method: 'DELETE',
          url: `/api/exams/${exam.id}/questions/${q1.id}`,
        }),
        404,
        'question_not_found',
      );
      assertProblem(
        await http.call('author', {
          method: 'PUT',
          url: `/api/exams/${exam.id}/questions/${unknownId}`,
          payload: { type: 'true_false', text: 'x', choices: [] },
        }),
        404,
        'question_not_found',
      );
      const edit = expectJson<Exam>(
        await http.call('author', { method: 'GET', url: `/api/exams/${exam.id}/edit` }),
        200,
      );
      assert.deepEqual(
        edit.questions.map((question) => [question.id, question.position]),
        [
          [q3.id, 1],
          [q2.id, 2],
        ],
      );
    });

    it('publishes with every problem listed, unpublishes, archives, and refuses edits in the wrong status', async () => {
      const exam = await createDraft(http, 'author', {}, [
        { type: 'single_choice', text: 'Broken', choices: [{ text: 'Only', correct: false }] },
      ]);
      const refused = assertProblem(
        await http.call('author', { method: 'POST', url: `/api/exams/${exam.id}/publish` }),
        409,
        'exam_not_publishable',
      );
      const rules = (refused as ProblemDetails & { problems: { rule: string }[] }).problems.map(
        (problem) => problem.rule,
      );
      assert.deepEqual(rules.sort(), ['needs_exactly_one_correct', 'too_few_choices']);

      const fixed = await createDraft(http);
      // An empty JSON body is as good as none.
      const published = expectJson<Exam>(
        await http.call('author', {
          method: 'POST',
          url: `/api/exams/${fixed.id}/publish`,
          headers: { 'content-type': 'application/json' },
          payload: '',
        }),
        200,
      );
      assert.equal(published.status, 'published');
      assertProblem(
        await http.call('author', {
          method: 'POST',
          url: `/api/exams/${fixed.id}/questions`,
          payload: { type: 'true_false', text: 'Late', choices: [] },
        }),
        409,
        'exam_not_editable',
      );
      const draft = expectJson<Exam>(
        await http.call('author', { method: 'POST', url: `/api/exams/${fixed.id}/unpublish` }),
        200,
      );
      assert.equal(draft.status, 'draft');
      const archived = expectJson<Exam>(
        await http.call('author', { method: 'POST', url: `/api/exams/${fixed.id}/archive` }),
        200,
      );
      assert.equal(archived.status, 'archived');
      assertProblem(
        await http.call('author', { method: 'POST', url: `/api/exams/${fixed.id}/publish` }),
        409,
        'invalid_status_transition',
      );
      assertProblem(
        await http.call('author', {
          method: 'PATCH',
          url: `/api/exams/${fixed.id}`,
          payload: { title: 'Too late' },
        }),
        409,
        'exam_not_editable',
      );
      for (const action of ['publish', 'unpublish', 'archive']) {
        assertProblem(
          await http.call('author', { method: 'POST', url: `/api/exams/${unknownId}/${action}` }),
          404,
          'exam_not_found',
        );
      }
    });

    it('deletes an unattempted exam, archives an attempted one, 404s an unknown one', async () => {
      const fresh = await createPublished(http);
      const gone = await http.call('author', { method: 'DELETE', url: `/api/exams/${fresh.id}` });
      assert.equal(gone.statusCode, 204);
      assertProblem(
        await http.call('author', { method: 'GET', url: `/api/exams/${fresh.id}/edit` }),
        404,
        'exam_not_found',
      );
      const attempted = await createPublished(http);
      await startAttempt(http, attempted.id);
      const archived = await http.call('author', {
        method: 'DELETE',
        url: `/api/exams/${attempted.id}`,
      });
      assert.equal(archived.statusCode, 204);
      const kept = expectJson<Exam>(
        await http.call('author', { method: 'GET', url: `/api/exams/${attempted.id}/edit` }),
        200,
      );
      assert.equal(kept.status, 'archived');
      assertProblem(
        await http.call('author', { method: 'DELETE', url: `/api/exams/${unknownId}` }),
        404,
        'exam_not_found',
      );
    });

    it('never answers 500 when an exam is deleted while learners start it', async () => {
      for (let round = 0; round < 5; round++) {
        const exam = await createPublished(http);
        const responses = await Promise.all([
          http.call('learner', { method: 'POST', url: `/api/exams/${exam.id}/attempts` }),
          http.call('author', { method: 'DELETE', url: `/api/exams/${exam.id}` }),
          http.call('otherLearner', { method: 'POST', url: `/api/exams/${exam.id}/attempts` }),
          http.call('takerClient', { method: 'POST', url: `/api/exams/${exam.id}/attempts` }),
        ]);
        for (const response of responses) {
          assert.ok([201, 204, 404].includes(response.statusCode), response.body);
        }
      }
    });
  });

  it('documents every exams route in the OpenAPI document with its problems', async () => {
    const document = expectJson<{
      paths: Record<
        string,
        Record<string, { summary?: string; tags?: string[]; responses: Record<string, unknown> }>
      >;
    }>(await http.call('anonymous', { method: 'GET', url: '/api/openapi.json' }), 200);
    const expected: [string, string, string[]][] = [
      ['get', '/api/exams', ['200', '400']],
      ['get', '/api/exams/{examId}', ['200', '400', '404']],
      ['post', '/api/exams', ['201', '400', '401', '403']],
      ['get', '/api/my/exams', ['200', '400', '401', '403']],
      ['get', '/api/exams/{examId}/edit', ['200', '400', '401', '403', '404']],
      ['patch', '/api/exams/{examId}', ['200', '400', '401', '403', '404', '409']],
      ['delete', '/api/exams/{examId}', ['204', '400', '401', '403', '404']],
      ['post', '/api/exams/{examId}/questions', ['201', '400', '401', '403', '404', '409']],
      ['put', '/api/exams/{examId}/questions/order', ['200', '400', '401', '403', '404', '409']],
      [
        'put',
        '/api/exams/{examId}/questions/{questionId}',
        ['200', '400', '401', '403', '404', '409'],
      ],
      [
        'delete',
        '/api/exams/{examId}/questions/{questionId}',
        ['204', '400', '401', '403', '404', '409'],
      ],
      ['post', '/api/exams/{examId}/publish', ['200', '400', '401', '403', '404', '409']],
      ['post', '/api/exams/{examId}/unpublish', ['200', '400', '401', '403', '404', '409']],
      ['post', '/api/exams/{examId}/archive', ['200', '400', '401', '403', '404', '409']],
      ['post', '/api/exams/{examId}/attempts', ['200', '201', '400', '401', '403', '404', '409']],
      ['get', '/api/exams/{examId}/attempts', ['200', '400', '401', '403', '404']],
      ['get', '/api/attempts/{attemptId}', ['200', '400', '401', '403', '404']],
      ['put', '/api/attempts/{attemptId}/answers', ['200', '400', '401', '403', '404', '409']],
      ['post', '/api/attempts/{attemptId}/submit', ['200', '400', '401', '403', '404', '409']],
      ['get', '/api/me/attempts', ['200', '400', '401', '403']],
    ];
    for (const [method, path, statuses] of expected) {
      const operation = document.paths[path]?.[method];
      assert.ok(operation, `${method} ${path} is documented`);
      assert.ok(operation.summary, `${method} ${path} has a summary`);
      assert.ok(operation.tags?.length, `${method} ${path} has tags`);
      assert.deepEqual(Object.keys(operation.responses).sort(), statuses, `${method} ${path}`);
      for (const status of statuses.filter((code) => Number(code) >= 400)) {
        assert.deepEqual(
          (operation.responses[status] as { content: unknown }).content,
          {
            'application/problem+json': {
              schema: { $ref: '#/components/schemas/ProblemDetails' },
            },
          },
          `${method} ${path} ${status}`,
        );
      }
    }
  });
});
