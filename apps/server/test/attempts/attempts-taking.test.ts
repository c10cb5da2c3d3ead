import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type {
  AttemptResult,
  AttemptView,
  AuthorAttemptPage,
  Exam,
  MyAttemptPage,
  QuestionBody,
  SaveAnswersResult,
} from '@assay/contracts';
import {
  assertProblem,
  choiceIds,
  createDraft,
  createPublished,
  expectJson,
  rightAnswers,
  saveAnswers,
  startAttempt,
  startExamsHttp,
  startTimedAttemptWithFirstAnswer,
  submitAttempt,
  type Caller,
  type ExamsHttp,
} from '../support/exam-fixture.ts';

const minute = 60_000;
/** The server's grace after a deadline (attempts/deadline.ts). */
const graceMs = 2_000;

/** Eight single-choice questions of four choices: 8! question orders, 4! choice orders each. */
const EIGHT_QUESTIONS: readonly QuestionBody[] = Array.from({ length: 8 }, (_, q) => ({
  type: 'single_choice',
  text: `Question ${String(q + 1)}`,
  choices: ['A', 'B', 'C', 'D'].map((letter) => ({
    text: `${String(q + 1)}${letter}`,
    correct: letter === 'A',
  })),
}));

/** An attempt's order: question texts, and each question's choice texts. */
function orderOf(attempt: AttemptView): string {
  return attempt.questions
    .map((question) => `${question.text}: ${question.choices.map((c) => c.text).join(',')}`)
    .join(' | ');
}

async function publish(http: ExamsHttp, exam: Exam): Promise<Exam> {
  return expectJson<Exam>(
    await http.call('author', { method: 'POST', url: `/api/exams/${exam.id}/publish` }),
    200,
  );
}

describe('taking an exam over HTTP', () => {
  let http: ExamsHttp;

  before(async () => {
    // No periodic sweep during these tests: what is graded here is graded on access.
    http = await startExamsHttp({ ATTEMPT_SWEEP_INTERVAL_SECONDS: '86400' });
  });
  after(() => http.close());

  describe('order', () => {
    it('shuffles questions and choices per attempt, and keeps each attempt’s order', async () => {
      const exam = await publish(
        http,
        await createDraft(
          http,
          'author',
          { shuffleQuestions: true, shuffleChoices: true },
          EIGHT_QUESTIONS,
        ),
      );
      const callers: Caller[] = ['learner', 'otherLearner', 'takerClient', 'author', 'admin'];
      const orders = new Set<string>();
      const choiceOrders = new Set<string>();
      for (const caller of callers) {
        const attempt = await startAttempt(http, exam.id, caller);
        assert.deepEqual(
          attempt.questions.map((question) => question.text).sort(),
          EIGHT_QUESTIONS.map((question) => question.text).sort(),
        );
        for (const question of attempt.questions) {
          assert.deepEqual(question.choices.map((choice) => choice.text.slice(-1)).sort(), [
            'A',
            'B',
            'C',
            'D',
          ]);
        }
        assert.deepEqual(
          attempt.questions.map((question) => question.position),
          [1, 2, 3, 4, 5, 6, 7, 8],
        );
        orders.add(attempt.questions.map((question) => question.text).join());
        choiceOrders.add(
          attempt.questions
            .map((question) => question.choices.map((choice) => choice.text))
            .sort()
            .join(),
        );
        // Resuming and reading show this attempt's order again, not a new one.
        http.clock.advance(1000);
        const resumed = await startAttempt(http, exam.id, caller);
        const read = expectJson<AttemptView>(
          await http.call(caller, { method: 'GET', url: `/api/attempts/${attempt.id}` }),
          200,
        );
        assert.equal(resumed.id, attempt.id);
        assert.equal(orderOf(resumed), orderOf(attempt));
        assert.equal(orderOf(read), orderOf(attempt));
      }
      // Five attempts in one order would be a 1 in 40320⁴ chance; in one choice order, 1 in 24³².
      assert.ok(orders.size > 1, 'questions are shuffled per attempt');
      assert.ok(choiceOrders.size > 1, 'choices are shuffled per attempt');
    });

    it('keeps the author’s order when shuffling is off', async () => {
      const exam = await publish(http, await createDraft(http, 'author', {}, EIGHT_QUESTIONS));
      const authorOrder = exam.questions
        .map((question) => `${question.text}: ${question.choices.map((c) => c.text).join(',')}`)
        .join(' | ');
      for (const caller of ['learner', 'otherLearner'] as const) {
        assert.equal(orderOf(await startAttempt(http, exam.id, caller)), authorOrder);
      }
    });
  });

  describe('autosave', () => {
    it('keeps per question the answer with the highest revision; stale and repeated writes change nothing', async () => {
      const exam = await createPublished(http);
      const attempt = await startAttempt(http, exam.id);
      const four = choiceIds(attempt, 'What is 2 + 2?', 'Four');
      const five = choiceIds(attempt, 'What is 2 + 2?', 'Five');
      const primes = choiceIds(attempt, 'Which are prime?', 'Two', 'Three');

      const saved = (response: Awaited<ReturnType<typeof saveAnswers>>) =>
        expectJson<SaveAnswersResult>(response, 200);
      assert.deepEqual(
        saved(await saveAnswers(http, 'learner', attempt.id, [{ ...five, revision: 3 }])).answers,
        [{ ...five, revision: 3 }],
      );
      // A retry of the same request, and another answer with the same revision: no change.
      for (const answer of [
        { ...five, revision: 3 },
        { ...four, revision: 3 },
      ]) {
        assert.deepEqual(saved(await saveAnswers(http, 'learner', attempt.id, [answer])).answers, [
          { ...five, revision: 3 },
        ]);
      }
      // A late request with an older revision next to a fresh answer to another question.
      const mixed = saved(
        await saveAnswers(http, 'learner', attempt.id, [
          { ...four, revision: 2 },
          { ...primes, revision: 1 },
        ]),
      );
      assert.deepEqual(
        [...mixed.answers].sort((a, b) => a.revision - b.revision),
        [
          { ...primes, revision: 1 },
          { ...five, revision: 3 },
        ],
      );
      assert.equal(mixed.answeredCount, 2);

      // Clock-sized revisions (Date.now()) and the largest allowed one survive both engines.
      const now = 1_764_000_000_000;
      saved(await saveAnswers(http, 'learner', attempt.id, [{ ...four, revision: now }]));
      saved(await saveAnswers(http, 'learner', attempt.id, [{ ...five, revision: now - 1 }]));
      const top = Number.MAX_SAFE_INTEGER;
      saved(
        await saveAnswers(http, 'learner', attempt.id, [
          { ...primes, choiceIds: [], revision: top },
        ]),
      );
      const view = expectJson<AttemptView>(
        await http.call('learner', { method: 'GET', url: `/api/attempts/${attempt.id}` }),
        200,
      );
      assert.deepEqual(
        [...view.answers].sort((a, b) => a.revision - b.revision),
        [
          { ...four, revision: now },
          { ...primes, choiceIds: [], revision: top },
        ],
      );
      assert.equal(view.answeredCount, 1, 'an emptied answer is not an answer');
      const result = expectJson<AttemptResult>(await submitAttempt(http, attempt.id), 200);
      assert.equal(result.score, 2, 'graded on the newest answers');
    });

    it('keeps the newest answer when saves of one question race', async () => {
      const exam = await createPublished(http);
      const attempt = await startAttempt(http, exam.id);
      const texts = ['Four', 'Five', 'Twenty-two'];
      for (let round = 0; round < 3; round++) {
        const base = round * 100;
        // Revisions base+1 … base+12 sent at once, newest first, so the oldest tends to run last.
        const revisions = Array.from({ length: 12 }, (_, i) => base + 12 - i);
        const responses = await Promise.all(
          revisions.map((revision) =>
            saveAnswers(http, 'learner', attempt.id, [
              { ...choiceIds(attempt, 'What is 2 + 2?', texts[revision % 3] ?? ''), revision },
            ]),
          ),
        );
        for (const response of responses) assert.equal(response.statusCode, 200, response.body);
        const view = expectJson<AttemptView>(
          await http.call('learner', { method: 'GET', url: `/api/attempts/${attempt.id}` }),
          200,
        );
        const newest = base + 12;
        assert.deepEqual(view.answers, [
          { ...choiceIds(attempt, 'What is 2 + 2?', texts[newest % 3] ?? ''), revision: newest },
        ]);
      }
    });

    it('never loses an answer it acknowledged to a racing submit, nor saves one after grading', async () => {
      for (let round = 0; round < 8; round++) {
        const exam = await createPublished(http);
        const attempt = await startAttempt(http, exam.id);
        const [first, second, third] = rightAnswers(attempt);
        assert.ok(first && second && third);
        expectJson<SaveAnswersResult>(
          await saveAnswers(http, 'learner', attempt.id, [second, third]),
          200,
        );
        const [saved, submitted] = await Promise.all([
          saveAnswers(http, 'learner', attempt.id, [first]),
          submitAttempt(http, attempt.id),
        ]);
        const result = expectJson<AttemptResult>(submitted, 200);
        if (saved.statusCode === 200) {
          assert.equal(result.score, 4, `round ${String(round)}: the acknowledged answer counts`);
        } else {
          assertProblem(saved, 409, 'attempt_closed');
          assert.equal(result.score, 2, `round ${String(round)}: nothing saved after grading`);
        }
        const view = expectJson<AttemptView>(
          await http.call('learner', { method: 'GET', url: `/api/attempts/${attempt.id}` }),
          200,
        );
        assert.equal(view.result?.score, result.score);
      }
    });
  });

  describe('grading', () => {
    it('gives single choice and true/false full points or none, multiple choice all or nothing', async () => {
      const exam = await createPublished(http, 'author', { maxAttempts: 3 });
      const cases: [string, [string, ...string[]][], number][] = [
        [
          'all right',
          [
            ['What is 2 + 2?', 'Four'],
            ['Which are prime?', 'Two', 'Three'],
            ['The sky is blue.', 'True'],
          ],
          4,
        ],
        [
          'part of the primes',
          [
            ['What is 2 + 2?', 'Four'],
            ['Which are prime?', 'Two'],
            ['The sky is blue.', 'False'],
          ],
          2,
        ],
        [
          'a prime too many',
          [
            ['What is 2 + 2?', 'Five'],
            ['Which are prime?', 'Two', 'Three', 'Nine'],
            ['The sky is blue.', 'True'],
          ],
          1,
        ],
      ];
      for (const [name, picks, score] of cases) {
        const attempt = await startAttempt(http, exam.id);
        expectJson<SaveAnswersResult>(
          await saveAnswers(
            http,
            'learner',
            attempt.id,
            picks.map(([question, ...choices]) => ({
              ...choiceIds(attempt, question, ...choices),
              revision: 1,
            })),
          ),
          200,
        );
        const result = expectJson<AttemptResult>(await submitAttempt(http, attempt.id), 200);
        assert.deepEqual([result.score, result.maxScore], [score, 4], name);
        assert.equal(result.passed, score * 100 >= 50 * 4, name);
      }
    });
  });

  describe('requests', () => {
    it('submits with no body, an empty JSON body or an empty object alike', async () => {
      const exam = await createPublished(http, 'author', { maxAttempts: 3 });
      for (const extra of [
        {},
        { headers: { 'content-type': 'application/json' }, payload: '' },
        { payload: {} },
      ]) {
        const attempt = await startAttempt(http, exam.id);
        const result = expectJson<AttemptResult>(
          await http.call('learner', {
            method: 'POST',
            url: `/api/attempts/${attempt.id}/submit`,
            ...extra,
          }),
          200,
        );
        assert.equal(result.state, 'submitted');
      }
    });

    it('refuses malformed attempt ids and bodies with the fields named', async () => {
      for (const [method, suffix] of [
        ['GET', ''],
        ['PUT', '/answers'],
        ['POST', '/submit'],
      ] as const) {
        const problem = assertProblem(
          await http.call('learner', {
            method,
            url: `/api/attempts/not-an-id${suffix}`,
            ...(method === 'PUT' ? { payload: { answers: [] } } : {}),
          }),
          400,
          'validation_failed',
        );
        const fields = (problem.errors ?? []).map((error) => error.field);
        assert.ok(fields.includes('/attemptId'), `${method}: ${JSON.stringify(problem.errors)}`);
      }
      const exam = await createPublished(http);
      const attempt = await startAttempt(http, exam.id);
      const empty = assertProblem(
        await saveAnswers(http, 'learner', attempt.id, []),
        400,
        'validation_failed',
      );
      assert.deepEqual(
        (empty.errors ?? []).map((error) => error.field),
        ['/answers'],
      );
      // Two answers to one question in one request: refused whole, on both engines.
      const [first] = rightAnswers(attempt);
      assert.ok(first);
      const twice = assertProblem(
        await saveAnswers(http, 'learner', attempt.id, [first, { ...first, revision: 2 }]),
        400,
        'invalid_answer',
      );
      assert.deepEqual(
        (twice.errors ?? []).map((error) => error.field),
        ['/answers/1/questionId'],
      );
      const view = expectJson<AttemptView>(
        await http.call('learner', { method: 'GET', url: `/api/attempts/${attempt.id}` }),
        200,
      );
      assert.deepEqual(view.answers, []);
    });
  });

  describe('time', () => {
    it('grades a submit that comes after the deadline as expired, with what was saved in time', async () => {
      const { attempt } = await startTimedAttemptWithFirstAnswer(http, 5);
      http.clock.advance(5 * minute + graceMs + 1);
      const result = expectJson<AttemptResult>(await submitAttempt(http, attempt.id), 200);
      assert.deepEqual(
        [result.state, result.score, result.submittedAt, result.durationSeconds],
        ['expired', 2, attempt.deadline, 300],
      );
    });

    it('records an attempt the page submits as its countdown reaches zero as expired, everywhere', async () => {
      const { exam, attempt } = await startTimedAttemptWithFirstAnswer(http, 1);
      // The page's submit at zero reaches the server inside the grace after the deadline.
      http.clock.advance(minute + graceMs / 2);
      const result = expectJson<AttemptResult>(
        await submitAttempt(http, attempt.id, 'learner', { timeUp: true }),
        200,
      );
      assert.deepEqual(
        [result.state, result.score, result.submittedAt, result.durationSeconds],
        ['expired', 2, attempt.deadline, 60],
      );
      const view = expectJson<AttemptView>(
        await http.call('learner', { method: 'GET', url: `/api/attempts/${attempt.id}` }),
        200,
      );
      assert.deepEqual([view.state, view.result?.state], ['expired', 'expired']);
      const history = expectJson<MyAttemptPage>(
        await http.call('learner', { method: 'GET', url: '/api/me/attempts' }),
        200,
      );
      assert.equal(history.items.find((row) => row.attemptId === attempt.id)?.state, 'expired');
      const results = expectJson<AuthorAttemptPage>(
        await http.call('author', { method: 'GET', url: `/api/exams/${exam.id}/attempts` }),
        200,
      );
      assert.deepEqual(
        results.items.map((item) => [item.attemptId, item.state, item.submittedAt]),
        [[attempt.id, 'expired', attempt.deadline]],
      );
    });

    it('keeps a submit the learner pressed just before zero as submitted, inside the grace', async () => {
      const exam = await createPublished(http, 'author', { timeLimitMinutes: 1 });
      const attempt = await startAttempt(http, exam.id);
      http.clock.advance(minute + graceMs / 2);
      const result = expectJson<AttemptResult>(
        await submitAttempt(http, attempt.id, 'learner', { timeUp: false }),
        200,
      );
      assert.deepEqual([result.state, result.durationSeconds], ['submitted', 61]);
    });

    it('ends a timed-out attempt the learner comes back to as expired, on reading or resuming', async () => {
      const exam = await createPublished(http, 'author', { timeLimitMinutes: 1, maxAttempts: 3 });
      const read = await startAttempt(http, exam.id, 'otherLearner');
      http.clock.advance(minute + graceMs + 1);
      const view = expectJson<AttemptView>(
        await http.call('otherLearner', { method: 'GET', url: `/api/attempts/${read.id}` }),
        200,
      );
      assert.deepEqual(
        [view.state, view.result?.state, view.result?.submittedAt],
        ['expired', 'expired', read.deadline],
      );
      const resumed = await startAttempt(http, exam.id, 'otherLearner');
      http.clock.advance(minute + graceMs + 1);
      const next = await startAttempt(http, exam.id, 'otherLearner');
      assert.notEqual(next.id, resumed.id);
      const history = expectJson<MyAttemptPage>(
        await http.call('otherLearner', { method: 'GET', url: '/api/me/attempts' }),
        200,
      );
      assert.deepEqual(
        history.items
          .filter((row) => row.examId === exam.id)
          .map((row) => [row.attemptId, row.state]),
        [
          [next.id, 'in_progress'],
          [resumed.id, 'expired'],
          [read.id, 'expired'],
        ],
      );
    });

    it('refuses a submit body with anything but timeUp', async () => {
      const exam = await createPublished(http);
      const attempt = await startAttempt(http, exam.id);
      for (const payload of [{ timeUp: 'yes' }, { reason: 'time_up' }]) {
        assertProblem(
          await submitAttempt(http, attempt.id, 'learner', payload),
          400,
          'validation_failed',
        );
      }
    });

    it('grades abandoned attempts when the learner opens their history', async () => {
      const exam = await createPublished(http, 'author', { timeLimitMinutes: 1 });
      const attempt = await startAttempt(http, exam.id, 'otherLearner');
      expectJson<SaveAnswersResult>(
        await saveAnswers(http, 'otherLearner', attempt.id, rightAnswers(attempt)),
        200,
      );
      http.clock.advance(minute + graceMs + 1);
      const history = expectJson<MyAttemptPage>(
        await http.call('otherLearner', { method: 'GET', url: '/api/me/attempts' }),
        200,
      );
      const row = history.items.find((item) => item.attemptId === attempt.id);
      assert.deepEqual(
        [row?.state, row?.score, row?.passed, row?.submittedAt],
        ['expired', 4, true, attempt.deadline],
      );
    });

    it('grades abandoned attempts when the author opens the results', async () => {
      const exam = await createPublished(http, 'author', { timeLimitMinutes: 1 });
      const attempt = await startAttempt(http, exam.id, 'learner');
      expectJson<SaveAnswersResult>(
        await saveAnswers(http, 'learner', attempt.id, rightAnswers(attempt).slice(0, 1)),
        200,
      );
      http.clock.advance(minute + graceMs + 1);
      const results = expectJson<AuthorAttemptPage>(
        await http.call('author', { method: 'GET', url: `/api/exams/${exam.id}/attempts` }),
        200,
      );
      assert.deepEqual(
        results.items.map((item) => [item.attemptId, item.state, item.score, item.durationSeconds]),
        [[attempt.id, 'expired', 2, 60]],
      );
    });
  });

  describe('results for authors', () => {
    it('lists every graded attempt with learner, score and duration, newest first, for owner and admin', async () => {
      const exam = await createPublished(http);
      const lena = await startAttempt(http, exam.id, 'learner');
      const script = await startAttempt(http, exam.id, 'takerClient');
      await startAttempt(http, exam.id, 'otherLearner'); // still in progress: not a result
      expectJson<SaveAnswersResult>(
        await saveAnswers(http, 'learner', lena.id, rightAnswers(lena)),
        200,
      );
      http.clock.advance(30_000);
      await submitAttempt(http, lena.id);
      http.clock.advance(60_000);
      await submitAttempt(http, script.id, 'takerClient');

      const issuer = http.testApp.config.identity.issuer;
      for (const caller of ['author', 'admin'] as const) {
        const page = expectJson<AuthorAttemptPage>(
          await http.call(caller, { method: 'GET', url: `/api/exams/${exam.id}/attempts` }),
          200,
        );
        assert.deepEqual(
          page.items.map((row) => [
            row.attemptId,
            row.learnerName,
            row.state,
            row.score,
            row.maxScore,
            row.percentage,
            row.passed,
            row.durationSeconds,
          ]),
          [
            [script.id, null, 'submitted', 0, 4, 0, false, 90],
            [lena.id, 'Lena Learner', 'submitted', 4, 4, 100, true, 30],
          ],
          caller,
        );
        const [scriptRow, lenaRow] = page.items;
        assert.ok(scriptRow && lenaRow);
        // A machine client is known by its client id; a person by their account's subject.
        assert.equal(scriptRow.learnerSubject, 'lms-taker');
        assert.match(lenaRow.learnerSubject, /^[0-9a-f-]{36}$/);
        assert.deepEqual([scriptRow.learnerIssuer, lenaRow.learnerIssuer], [issuer, issuer]);
        assert.equal(page.nextCursor, null);
      }
      const first = expectJson<AuthorAttemptPage>(
        await http.call('author', { method: 'GET', url: `/api/exams/${exam.id}/attempts?limit=1` }),
        200,
      );
      assert.deepEqual(
        first.items.map((row) => row.attemptId),
        [script.id],
      );
      assert.ok(first.nextCursor);
      const second = expectJson<AuthorAttemptPage>(
        await http.call('author', {
          method: 'GET',
          url: `/api/exams/${exam.id}/attempts?limit=1&cursor=${first.nextCursor}`,
        }),
        200,
      );
      assert.deepEqual(
        second.items.map((row) => row.attemptId),
        [lena.id],
      );
      assert.equal(second.nextCursor, null);
    });
  });

  describe('concurrency', () => {
    it('opens exactly one attempt when a learner starts several times at once', async () => {
      const exam = await createPublished(http);
      const responses = await Promise.all(
        Array.from({ length: 8 }, () =>
          http.call('learner', { method: 'POST', url: `/api/exams/${exam.id}/attempts` }),
        ),
      );
      const statuses = responses.map((response) => response.statusCode).sort();
      assert.deepEqual(statuses, [200, 200, 200, 200, 200, 200, 200, 201]);
      const ids = new Set(responses.map((response) => response.json<AttemptView>().id));
      assert.equal(ids.size, 1);
      const rows = await http.testApp.app.db
        .selectFrom('attempts')
        .select('id')
        .where('exam_id', '=', exam.id)
        .execute();
      assert.equal(rows.length, 1);
    });
  });
});
