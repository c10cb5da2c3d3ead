import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AttemptView, Exam } from '@assay/contracts';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import {
  CALLERS,
  assertNoAnswerKey,
  createDraft,
  createPublished,
  expectJson,
  rightAnswers,
  startAttempt,
  startExamsHttp,
  type ExamsHttp,
} from './support/exam-fixture.ts';

/** What a cell's request works on: made fresh for every cell, by the author and the learner. */
interface Scene {
  readonly exam: Exam;
  readonly attempt?: AttemptView;
}

interface Row {
  readonly route: string;
  /** The exam's state the route is tried on. */
  readonly scene: 'draft' | 'published' | 'attempted';
  readonly request: (scene: Scene) => InjectOptions;
  /** Expected status per caller, in the order of `CALLERS`. */
  readonly expected: readonly number[];
}

const question = {
  type: 'true_false',
  text: 'Water is wet.',
  choices: [
    { text: 'True', correct: true },
    { text: 'False', correct: false },
  ],
};

function attemptOf(scene: Scene): AttemptView {
  assert.ok(scene.attempt);
  return scene.attempt;
}

/*
 * The authorization matrix: every route × every caller. Columns, in order:
 * anonymous, learner, another learner, author (instructor owning the exam), another author
 * (instructor), admin, machine client with `take:exams`, machine client with `manage:exams`.
 * The attempt routes work on the learner's attempt; "another" caller's id answers 404.
 */
// prettier-ignore
const MATRIX: readonly Row[] = [
  //                                                                                                     anon learn other author oAuth admin take  manage
  { route: 'GET /api/exams',                          scene: 'published', request: () => ({ method: 'GET', url: '/api/exams' }),                                        expected: [200, 200, 200, 200, 200, 200, 200, 200] },
  { route: 'GET /api/exams/{id}',                     scene: 'published', request: (s) => ({ method: 'GET', url: `/api/exams/${s.exam.id}` }),                          expected: [200, 200, 200, 200, 200, 200, 200, 200] },
  { route: 'POST /api/exams',                         scene: 'draft',     request: () => ({ method: 'POST', url: '/api/exams', payload: { title: 'New' } }),             expected: [401, 403, 403, 201, 201, 201, 403, 201] },
  { route: 'GET /api/my/exams',                       scene: 'draft',     request: () => ({ method: 'GET', url: '/api/my/exams' }),                                     expected: [401, 403, 403, 200, 200, 200, 403, 200] },
  { route: 'GET /api/exams/{id}/edit',                scene: 'draft',     request: (s) => ({ method: 'GET', url: `/api/exams/${s.exam.id}/edit` }),                     expected: [401, 403, 403, 200, 404, 200, 403, 404] },
  { route: 'PATCH /api/exams/{id}',                   scene: 'published', request: (s) => ({ method: 'PATCH', url: `/api/exams/${s.exam.id}`, payload: { title: 'X' } }), expected: [401, 403, 403, 200, 404, 200, 403, 404] },
  { route: 'DELETE /api/exams/{id}',                  scene: 'attempted', request: (s) => ({ method: 'DELETE', url: `/api/exams/${s.exam.id}` }),                      expected: [401, 403, 403, 204, 404, 204, 403, 404] },
  { route: 'POST /api/exams/{id}/questions',          scene: 'draft',     request: (s) => ({ method: 'POST', url: `/api/exams/${s.exam.id}/questions`, payload: question }), expected: [401, 403, 403, 201, 404, 201, 403, 404] },
  { route: 'PUT /api/exams/{id}/questions/{qid}',     scene: 'draft',     request: (s) => ({ method: 'PUT', url: `/api/exams/${s.exam.id}/questions/${s.exam.questions[0]?.id ?? ''}`, payload: question }), expected: [401, 403, 403, 200, 404, 200, 403, 404] },
  { route: 'DELETE /api/exams/{id}/questions/{qid}',  scene: 'draft',     request: (s) => ({ method: 'DELETE', url: `/api/exams/${s.exam.id}/questions/${s.exam.questions[0]?.id ?? ''}` }), expected: [401, 403, 403, 204, 404, 204, 403, 404] },
  { route: 'PUT /api/exams/{id}/questions/order',     scene: 'draft',     request: (s) => ({ method: 'PUT', url: `/api/exams/${s.exam.id}/questions/order`, payload: { questionIds: s.exam.questions.map((q) => q.id).reverse() } }), expected: [401, 403, 403, 200, 404, 200, 403, 404] },
  { route: 'POST /api/exams/{id}/publish',            scene: 'draft',     request: (s) => ({ method: 'POST', url: `/api/exams/${s.exam.id}/publish` }),                 expected: [401, 403, 403, 200, 404, 200, 403, 404] },
  { route: 'POST /api/exams/{id}/unpublish',          scene: 'published', request: (s) => ({ method: 'POST', url: `/api/exams/${s.exam.id}/unpublish` }),               expected: [401, 403, 403, 200, 404, 200, 403, 404] },
  { route: 'POST /api/exams/{id}/archive',            scene: 'published', request: (s) => ({ method: 'POST', url: `/api/exams/${s.exam.id}/archive` }),                 expected: [401, 403, 403, 200, 404, 200, 403, 404] },
  { route: 'GET /api/exams/{id}/attempts',            scene: 'attempted', request: (s) => ({ method: 'GET', url: `/api/exams/${s.exam.id}/attempts` }),                 expected: [401, 403, 403, 200, 404, 200, 403, 404] },
  { route: 'POST /api/exams/{id}/attempts',           scene: 'published', request: (s) => ({ method: 'POST', url: `/api/exams/${s.exam.id}/attempts` }),                expected: [401, 201, 201, 201, 201, 201, 201, 403] },
  { route: 'GET /api/attempts/{id}',                  scene: 'attempted', request: (s) => ({ method: 'GET', url: `/api/attempts/${attemptOf(s).id}` }),                 expected: [401, 200, 404, 404, 404, 404, 404, 403] },
  { route: 'PUT /api/attempts/{id}/answers',          scene: 'attempted', request: (s) => ({ method: 'PUT', url: `/api/attempts/${attemptOf(s).id}/answers`, payload: { answers: rightAnswers(attemptOf(s)) } }), expected: [401, 200, 404, 404, 404, 404, 404, 403] },
  { route: 'POST /api/attempts/{id}/submit',          scene: 'attempted', request: (s) => ({ method: 'POST', url: `/api/attempts/${attemptOf(s).id}/submit` }),         expected: [401, 200, 404, 404, 404, 404, 404, 403] },
  { route: 'GET /api/me/attempts',                    scene: 'attempted', request: () => ({ method: 'GET', url: '/api/me/attempts' }),                                  expected: [401, 200, 200, 200, 200, 200, 200, 403] },
];

/** Callers that are never shown an answer key: whatever they call, no `correct`, no explanation. */
const keyless: ReadonlySet<string> = new Set([
  'anonymous',
  'learner',
  'otherLearner',
  'takerClient',
]);

/** Routes anyone may call, whose answers do not depend on the caller (the rest do). */
const PUBLIC_ROUTES: ReadonlySet<string> = new Set(['GET /api/exams', 'GET /api/exams/{id}']);

/**
 * What every answer carries whatever its status: a content type for any body (problems as
 * `application/problem+json`), and — when the route depends on who calls — `no-store`, so no
 * browser or shared cache keeps one caller's answer (an answer key, results), and a `Vary` on
 * the credentials.
 */
function headerMismatches(route: string, response: LightMyRequestResponse): string[] {
  const mismatches: string[] = [];
  const type = String(response.headers['content-type']).split(';')[0];
  const expectedType =
    response.body === ''
      ? 'undefined'
      : response.statusCode >= 400
        ? 'application/problem+json'
        : 'application/json';
  if (type !== expectedType) mismatches.push(`content-type ${type}, expected ${expectedType}`);
  if (!PUBLIC_ROUTES.has(route)) {
    if (response.headers['cache-control'] !== 'no-store') {
      mismatches.push(`cache-control ${String(response.headers['cache-control'])}`);
    }
    if (response.headers['vary'] !== 'Authorization, Cookie') {
      mismatches.push(`vary ${String(response.headers['vary'])}`);
    }
  }
  return mismatches;
}

/** The problem code each refusal must carry. */
const codeByStatus: Readonly<Record<number, string>> = {
  401: 'authorization_header_missing',
  403: 'insufficient_permission',
  404: '',
};

describe('authorization matrix: every route × every caller', () => {
  let http: ExamsHttp;

  before(async () => {
    http = await startExamsHttp();
  });
  after(() => http.close());

  async function makeScene(kind: Row['scene']): Promise<Scene> {
    if (kind === 'draft') return { exam: await createDraft(http) };
    const exam = await createPublished(http);
    if (kind === 'published') return { exam };
    return { exam, attempt: await startAttempt(http, exam.id, 'learner') };
  }

  it('lists every route of the exams feature', () => {
    const documented = Object.entries(
      (http.testApp.app.swagger() as { paths: Record<string, Record<string, unknown>> }).paths,
    )
      .flatMap(([path, operations]) =>
        Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
      )
      .filter((route) => /\/api\/(exams|my\/exams|attempts|me\/attempts)/.test(route))
      .map((route) =>
        route.replace(/\{examId\}|\{attemptId\}/g, '{id}').replace('{questionId}', '{qid}'),
      )
      .sort();
    assert.deepEqual(documented, MATRIX.map((row) => row.route).sort());
  });

  for (const row of MATRIX) {
    it(row.route, async () => {
      const mismatches: string[] = [];
      for (const [index, caller] of CALLERS.entries()) {
        const scene = await makeScene(row.scene);
        const response = await http.call(caller, row.request(scene));
        const expected = row.expected[index];
        for (const mismatch of headerMismatches(row.route, response)) {
          mismatches.push(`${caller} (${String(response.statusCode)}): ${mismatch}`);
        }
        if (keyless.has(caller)) {
          try {
            assertNoAnswerKey(response, `${row.route} as ${caller}`);
          } catch (error) {
            mismatches.push((error as Error).message);
          }
        }
        if (response.statusCode !== expected) {
          mismatches.push(
            `${caller}: expected ${String(expected)}, got ${String(response.statusCode)} ${response.body}`,
          );
          continue;
        }
        if (response.statusCode >= 400) {
          const problem = response.json<{ code: string }>();
          const code = codeByStatus[response.statusCode];
          if (code === '') {
            if (!/_not_found$/.test(problem.code))
              mismatches.push(`${caller}: code ${problem.code}`);
          } else if (problem.code !== code) {
            mismatches.push(`${caller}: code ${problem.code}, expected ${String(code)}`);
          }
        }
      }
      assert.deepEqual(mismatches, []);
    });
  }

  it('answers 401 with a WWW-Authenticate challenge and 403 naming the permission', async () => {
    const exam = await createPublished(http);
    const anonymous = await http.call('anonymous', {
      method: 'POST',
      url: `/api/exams/${exam.id}/attempts`,
    });
    assert.equal(anonymous.statusCode, 401);
    assert.match(String(anonymous.headers['www-authenticate']), /^Bearer /);
    const forbidden = expectJson<{ code: string; permission: string }>(
      await http.call('learner', { method: 'POST', url: '/api/exams', payload: { title: 'No' } }),
      403,
    );
    assert.equal(forbidden.permission, 'manage:exams');
  });
});
