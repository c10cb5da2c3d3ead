import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import type {
  AttemptResult,
  AttemptView,
  AuthorAttemptPage,
  MyAttemptPage,
  ReviewPolicy,
  SaveAnswersResult,
} from '@assay/contracts';
import {
  EXPLANATIONS,
  assertNoAnswerKey,
  assertProblem,
  choiceIds,
  createPublished,
  expectJson,
  rightAnswers,
  saveAnswers,
  startAttempt,
  startExamsHttp,
  submitAttempt,
  type ExamsHttp,
} from '../support/exam-fixture.ts';
import { forSuite } from '../support/suite.ts';

const unknownId = '00000000-0000-4000-8000-000000000000';
const minute = 60_000;
/** The server's grace after a deadline (attempts/deadline.ts). */
const graceMs = 2_000;

describe('attempts over HTTP', () => {
  const http = forSuite(startExamsHttp);

  it('starts (201), resumes (200) the same attempt, saves, submits and lists it, with no answer key on the way', async () => {
    const exam = await createPublished(http, 'author', { timeLimitMinutes: 10 });
    const startResponse = await http.call('learner', {
      method: 'POST',
      url: `/api/exams/${exam.id}/attempts`,
    });
    const attempt = expectJson<AttemptView>(startResponse, 201);
    assert.equal(startResponse.headers.location, `/api/attempts/${attempt.id}`);
    assertNoAnswerKey(startResponse, 'start');
    assert.equal(attempt.state, 'in_progress');
    assert.equal(attempt.questions.length, 3);
    assert.equal(attempt.serverNow, http.clock.now().toISOString());
    assert.equal(
      attempt.deadline,
      new Date(http.clock.now().getTime() + 10 * minute).toISOString(),
    );

    http.clock.advance(minute);
    const resumeResponse = await http.call('learner', {
      method: 'POST',
      url: `/api/exams/${exam.id}/attempts`,
    });
    const resumed = expectJson<AttemptView>(resumeResponse, 200);
    assertNoAnswerKey(resumeResponse, 'resume');
    assert.equal(resumed.id, attempt.id);
    assert.deepEqual(resumed.questions, attempt.questions);

    const saveResponse = await saveAnswers(http, 'learner', attempt.id, rightAnswers(attempt));
    const saved = expectJson<SaveAnswersResult>(saveResponse, 200);
    assertNoAnswerKey(saveResponse, 'save');
    assert.equal(saved.answeredCount, 3);

    // A stale write (lower revision) changes nothing and returns the newer answer.
    const stale = expectJson<SaveAnswersResult>(
      await saveAnswers(http, 'learner', attempt.id, [
        { ...choiceIds(attempt, 'What is 2 + 2?', 'Five'), revision: 0 },
      ]),
      200,
    );
    assert.deepEqual(stale.answers, [rightAnswers(attempt)[0]]);

    const getResponse = await http.call('learner', {
      method: 'GET',
      url: `/api/attempts/${attempt.id}`,
    });
    assertNoAnswerKey(getResponse, 'GET attempt');
    assert.equal(expectJson<AttemptView>(getResponse, 200).answers.length, 3);

    const submitResponse = await submitAttempt(http, attempt.id);
    const result = expectJson<AttemptResult>(submitResponse, 200);
    assert.equal(result.score, 4);
    assert.equal(result.maxScore, 4);
    assert.equal(result.passed, true);
    assert.equal(result.state, 'submitted');
    assert.equal(result.durationSeconds, 60);

    assertProblem(await submitAttempt(http, attempt.id), 409, 'attempt_closed');
    assertProblem(
      await saveAnswers(http, 'learner', attempt.id, rightAnswers(attempt, 5)),
      409,
      'attempt_closed',
    );

    const history = expectJson<MyAttemptPage>(
      await http.call('learner', { method: 'GET', url: '/api/me/attempts' }),
      200,
    );
    const row = history.items.find((item) => item.attemptId === attempt.id);
    assert.equal(row?.score, 4);
    assert.equal(row.state, 'submitted');
    const results = expectJson<AuthorAttemptPage>(
      await http.call('author', { method: 'GET', url: `/api/exams/${exam.id}/attempts` }),
      200,
    );
    assert.deepEqual(
      results.items.map((item) => [item.attemptId, item.score, item.durationSeconds]),
      [[attempt.id, 4, 60]],
    );
    assert.equal(
      expectJson<MyAttemptPage>(
        await http.call('otherLearner', { method: 'GET', url: '/api/me/attempts' }),
        200,
      ).items.length,
      0,
    );
  });

  for (const policy of [
    'score_only',
    'show_correctness',
    'show_answers',
  ] satisfies ReviewPolicy[]) {
    it(`reveals after submission exactly what ${policy} allows`, async () => {
      const exam = await createPublished(http, 'author', { reviewPolicy: policy, passMark: 60 });
      const attempt = await startAttempt(http, exam.id);
      const [first] = rightAnswers(attempt);
      assert.ok(first);
      await saveAnswers(http, 'learner', attempt.id, [first]);
      const submitted = await submitAttempt(http, attempt.id);
      const fetched = await http.call('learner', {
        method: 'GET',
        url: `/api/attempts/${attempt.id}`,
      });
      const history = await http.call('learner', { method: 'GET', url: '/api/me/attempts' });
      assertNoAnswerKey(history, 'history');
      for (const [where, response] of [
        ['submit', submitted],
        ['GET after submit', fetched],
      ] as const) {
        assert.equal(response.statusCode, 200, response.body);
        const result =
          where === 'submit' ? response.json<AttemptResult>() : response.json<AttemptView>().result;
        assert.ok(result);
        assert.equal(result.score, 2);
        assert.equal(result.passed, false);
        if (policy === 'show_answers') {
          for (const text of EXPLANATIONS) assert.ok(response.body.includes(text), where);
          assert.match(response.body, /"correct":true/);
        } else {
          assertNoAnswerKey(response, `${where} under ${policy}`);
        }
        if (policy === 'score_only') {
          assert.equal(result.questions, undefined, where);
        } else {
          const correctness = result.questions?.map((question) => question.answeredCorrectly);
          assert.deepEqual(correctness?.filter(Boolean).length, 1, where);
        }
      }
    });
  }

  it('refuses bad answers with fields, unknown attempts with 404, and another learner’s attempt with 404', async () => {
    const exam = await createPublished(http);
    const attempt = await startAttempt(http, exam.id);
    const other = await startAttempt(http, (await createPublished(http)).id, 'otherLearner');
    const invalid = assertProblem(
      await saveAnswers(http, 'learner', attempt.id, [
        {
          questionId: choiceIds(attempt, 'What is 2 + 2?').questionId,
          choiceIds: choiceIds(attempt, 'Which are prime?', 'Two').choiceIds,
          revision: 1,
        },
        { questionId: unknownId, choiceIds: [], revision: 1 },
      ]),
      400,
      'invalid_answer',
    );
    assert.deepEqual(
      invalid.errors?.map((error) => error.field),
      ['/answers/0/choiceIds', '/answers/1/questionId'],
    );
    const schema = assertProblem(
      await saveAnswers(http, 'learner', attempt.id, [
        { questionId: 'x', choiceIds: 'all', revision: -1 },
      ]),
      400,
      'validation_failed',
    );
    const fields = new Set(schema.errors?.map((error) => error.field));
    // A string is not taken for a list of one: JSON bodies keep their types.
    for (const field of ['/answers/0/questionId', '/answers/0/choiceIds', '/answers/0/revision']) {
      assert.ok(fields.has(field), `${field} in ${JSON.stringify(schema.errors)}`);
    }
    for (const [method, suffix] of [
      ['GET', ''],
      ['PUT', '/answers'],
      ['POST', '/submit'],
    ] as const) {
      const payload = method === 'PUT' ? { answers: rightAnswers(attempt) } : undefined;
      for (const id of [unknownId, other.id]) {
        assertProblem(
          await http.call('learner', { method, url: `/api/attempts/${id}${suffix}`, payload }),
          404,
          'attempt_not_found',
        );
      }
    }
    assertProblem(
      await http.call('learner', { method: 'POST', url: `/api/exams/${unknownId}/attempts` }),
      404,
      'exam_not_found',
    );
  });

  it('keeps drafts closed to learners and tells their author', async () => {
    const exam = await createPublished(http);
    await http.call('author', { method: 'POST', url: `/api/exams/${exam.id}/unpublish` });
    assertProblem(
      await http.call('learner', { method: 'POST', url: `/api/exams/${exam.id}/attempts` }),
      404,
      'exam_not_found',
    );
    assertProblem(
      await http.call('author', { method: 'POST', url: `/api/exams/${exam.id}/attempts` }),
      409,
      'exam_not_published',
    );
  });

  it('enforces max attempts', async () => {
    const exam = await createPublished(http, 'author', { maxAttempts: 2 });
    for (let round = 0; round < 2; round++) {
      const attempt = await startAttempt(http, exam.id);
      expectJson<AttemptResult>(await submitAttempt(http, attempt.id), 200);
    }
    const problem = assertProblem(
      await http.call('learner', { method: 'POST', url: `/api/exams/${exam.id}/attempts` }),
      409,
      'max_attempts_reached',
    );
    assert.equal((problem as { maxAttempts?: number }).maxAttempts, 2);
    // Another learner still has both.
    await startAttempt(http, exam.id, 'otherLearner');
  });

  it('refuses saves after the deadline and grades what was saved in time', async () => {
    const exam = await createPublished(http, 'author', { timeLimitMinutes: 5 });
    const attempt = await startAttempt(http, exam.id);
    const [first] = rightAnswers(attempt);
    assert.ok(first);
    expectJson<SaveAnswersResult>(await saveAnswers(http, 'learner', attempt.id, [first]), 200);
    // Within the grace period a save still counts.
    http.clock.advance(5 * minute + graceMs);
    expectJson<SaveAnswersResult>(
      await saveAnswers(http, 'learner', attempt.id, rightAnswers(attempt, 2).slice(1, 2)),
      200,
    );
    http.clock.advance(1);
    assertProblem(
      await saveAnswers(http, 'learner', attempt.id, rightAnswers(attempt, 3).slice(2)),
      409,
      'deadline_passed',
    );
    const view = expectJson<AttemptView>(
      await http.call('learner', { method: 'GET', url: `/api/attempts/${attempt.id}` }),
      200,
    );
    assert.equal(view.state, 'expired');
    assert.equal(view.result?.score, 3, 'the two answers saved in time');
    assert.equal(view.result.submittedAt, attempt.deadline);
    assertProblem(await submitAttempt(http, attempt.id), 409, 'attempt_closed');
  });

  it('grades an abandoned attempt on next access: GET, and a new start', async () => {
    const exam = await createPublished(http, 'author', { timeLimitMinutes: 1 });
    const attempt = await startAttempt(http, exam.id, 'otherLearner');
    await saveAnswers(http, 'otherLearner', attempt.id, rightAnswers(attempt));
    http.clock.advance(2 * minute);
    const restarted = await http.call('otherLearner', {
      method: 'POST',
      url: `/api/exams/${exam.id}/attempts`,
    });
    const fresh = expectJson<AttemptView>(restarted, 201);
    assert.notEqual(fresh.id, attempt.id);
    const old = expectJson<AttemptView>(
      await http.call('otherLearner', { method: 'GET', url: `/api/attempts/${attempt.id}` }),
      200,
    );
    assert.equal(old.state, 'expired');
    assert.equal(old.result?.score, 4);
  });

  it('scores exactly once under concurrent submits', async () => {
    const exam = await createPublished(http);
    const attempt = await startAttempt(http, exam.id);
    await saveAnswers(http, 'learner', attempt.id, rightAnswers(attempt));
    const responses = await Promise.all(
      Array.from({ length: 12 }, () => submitAttempt(http, attempt.id)),
    );
    const ok = responses.filter((response) => response.statusCode === 200);
    assert.equal(ok.length, 1);
    assert.equal(ok[0]?.json<AttemptResult>().score, 4);
    for (const response of responses.filter((candidate) => candidate.statusCode !== 200)) {
      assertProblem(response, 409, 'attempt_closed');
    }
    const rows = await http.testApp.app.db
      .selectFrom('attempts')
      .select(['state', 'score', 'version'])
      .where('exam_id', '=', exam.id)
      .execute();
    assert.equal(rows.length, 1);
    assert.deepEqual(
      rows.map((row) => [row.state, row.score]),
      [['submitted', 4]],
    );
  });
});

describe('the periodic sweep of overdue attempts', () => {
  let http: ExamsHttp;

  before(async () => {
    // A sweep every second, so the test does not wait long.
    http = await startExamsHttp({ ATTEMPT_SWEEP_INTERVAL_SECONDS: '1' });
  });
  after(() => http.close());

  it('grades expired attempts in the periodic sweep, with what was saved', async () => {
    const exam = await createPublished(http, 'author', { timeLimitMinutes: 1 });
    const attempt = await startAttempt(http, exam.id, 'takerClient');
    await saveAnswers(http, 'takerClient', attempt.id, rightAnswers(attempt).slice(0, 1));
    http.clock.advance(minute + graceMs + 1);
    const db = http.testApp.app.db;
    const stateOf = () =>
      db
        .selectFrom('attempts')
        .select(['state', 'score'])
        .where('id', '=', attempt.id)
        .executeTakeFirstOrThrow();
    const deadline = Date.now() + 5_000;
    while ((await stateOf()).state === 'in_progress' && Date.now() < deadline) await delay(100);
    assert.deepEqual(await stateOf(), { state: 'expired', score: 2 });
  });
});
