import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AttemptView, ReviewPolicy } from '@assay/contracts';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import {
  EXPLANATIONS,
  assertNoAnswerKey,
  choiceIds,
  createPublished,
  expectJson,
  rightAnswers,
  startExamsHttp,
  type Caller,
  type ExamsHttp,
} from '../support/exam-fixture.ts';

const minute = 60_000;
const unknownId = '00000000-0000-4000-8000-000000000000';

/** One response a learner received, and whether the attempt it concerns was graded by then. */
interface Seen {
  readonly where: string;
  readonly graded: boolean;
  readonly response: LightMyRequestResponse;
}

/*
 * Every response a learner gets on the way through an exam — the catalog, start, resume,
 * saves (accepted, stale, refused), reads, history, the deadline, submit, the refusals after
 * it — checked for the answer key: no `correct`, no `explanation`, no explanation text. After
 * grading, only the result itself (submit and reading the graded attempt) may show them, and
 * only under `show_answers`.
 */
describe('no learner-facing response carries the answer key', () => {
  let http: ExamsHttp;

  before(async () => {
    http = await startExamsHttp();
  });
  after(() => http.close());

  for (const policy of [
    'score_only',
    'show_correctness',
    'show_answers',
  ] satisfies ReviewPolicy[]) {
    it(`under ${policy}, before and after grading`, async () => {
      const exam = await createPublished(http, 'author', {
        reviewPolicy: policy,
        timeLimitMinutes: 5,
        maxAttempts: 2,
        shuffleQuestions: true,
        shuffleChoices: true,
      });
      const seen: Seen[] = [];
      const as = async (
        caller: Caller,
        where: string,
        graded: boolean,
        options: InjectOptions,
      ): Promise<LightMyRequestResponse> => {
        const response = await http.call(caller, options);
        assert.ok(response.statusCode < 500, `${where}: ${response.body}`);
        seen.push({ where, graded, response });
        return response;
      };
      const start = { method: 'POST', url: `/api/exams/${exam.id}/attempts` } as const;

      await as('anonymous', 'catalog', false, { method: 'GET', url: '/api/exams?limit=100' });
      await as('learner', 'catalog search', false, { method: 'GET', url: '/api/exams?q=sky' });
      await as('anonymous', 'exam page', false, { method: 'GET', url: `/api/exams/${exam.id}` });

      // The first attempt runs out of time.
      const first = expectJson<AttemptView>(await as('learner', 'start', false, start), 201);
      await as('learner', 'resume', false, start);
      const answers = `/api/attempts/${first.id}/answers`;
      const [q1, q2] = rightAnswers(first);
      assert.ok(q1 && q2);
      await as('learner', 'save', false, {
        method: 'PUT',
        url: answers,
        payload: { answers: [q1] },
      });
      await as('learner', 'stale save', false, {
        method: 'PUT',
        url: answers,
        payload: { answers: [{ ...q1, revision: 0 }] },
      });
      await as('learner', 'invalid answer', false, {
        method: 'PUT',
        url: answers,
        payload: { answers: [{ ...q2, questionId: q1.questionId }] },
      });
      await as('learner', 'invalid body', false, {
        method: 'PUT',
        url: answers,
        payload: { answers: [{ questionId: 'x' }] },
      });
      await as('learner', 'read in progress', false, {
        method: 'GET',
        url: `/api/attempts/${first.id}`,
      });
      await as('learner', 'history in progress', false, { method: 'GET', url: '/api/me/attempts' });
      await as('otherLearner', 'another learner reads it', false, {
        method: 'GET',
        url: `/api/attempts/${first.id}`,
      });
      http.clock.advance(6 * minute);
      await as('learner', 'save after the deadline', true, {
        method: 'PUT',
        url: answers,
        payload: { answers: [q2] },
      });
      await as('learner', 'read expired', true, {
        method: 'GET',
        url: `/api/attempts/${first.id}`,
      });

      // The second is submitted.
      const second = expectJson<AttemptView>(await as('learner', 'start again', false, start), 201);
      const secondAnswers = `/api/attempts/${second.id}/answers`;
      await as('learner', 'save all', false, {
        method: 'PUT',
        url: secondAnswers,
        payload: { answers: rightAnswers(second) },
      });
      await as('learner', 'read before submit', false, {
        method: 'GET',
        url: `/api/attempts/${second.id}`,
      });
      await as('learner', 'submit', true, {
        method: 'POST',
        url: `/api/attempts/${second.id}/submit`,
      });
      await as('learner', 'second submit', true, {
        method: 'POST',
        url: `/api/attempts/${second.id}/submit`,
      });
      await as('learner', 'save after submit', true, {
        method: 'PUT',
        url: secondAnswers,
        payload: { answers: [{ ...choiceIds(second, 'The sky is blue.', 'False'), revision: 9 }] },
      });
      await as('learner', 'read submitted', true, {
        method: 'GET',
        url: `/api/attempts/${second.id}`,
      });
      await as('learner', 'history', true, { method: 'GET', url: '/api/me/attempts' });
      await as('learner', 'no attempts left', true, start);
      await as('learner', 'unknown attempt', true, {
        method: 'GET',
        url: `/api/attempts/${unknownId}`,
      });
      await as('learner', 'catalog afterwards', true, { method: 'GET', url: '/api/exams' });

      const results = new Set(['read expired', 'submit', 'read submitted']);
      for (const { where, graded, response } of seen) {
        if (policy === 'show_answers' && graded && results.has(where)) {
          assert.equal(response.statusCode, 200, `${where}: ${response.body}`);
          for (const text of EXPLANATIONS) assert.ok(response.body.includes(text), where);
          assert.match(response.body, /"correct":true/, where);
        } else {
          assertNoAnswerKey(response, `${where} (${policy})`);
        }
      }
      assert.deepEqual(
        seen.map(({ where, response }) => `${where} ${String(response.statusCode)}`),
        [
          'catalog 200',
          'catalog search 200',
          'exam page 200',
          'start 201',
          'resume 200',
          'save 200',
          'stale save 200',
          'invalid answer 400',
          'invalid body 400',
          'read in progress 200',
          'history in progress 200',
          'another learner reads it 404',
          'save after the deadline 409',
          'read expired 200',
          'start again 201',
          'save all 200',
          'read before submit 200',
          'submit 200',
          'second submit 409',
          'save after submit 409',
          'read submitted 200',
          'history 200',
          'no attempts left 409',
          'unknown attempt 404',
          'catalog afterwards 200',
        ],
      );
    });
  }
});
