// SQLite on a full disk: writes answer 503 database_unavailable with Retry-After and leave
// nothing behind, /readyz says so although reads still work, the log says so once, and both
// recover by themselves when there is room again.
//
// The disk is "full" for real as far as SQLite goes: `PRAGMA max_page_count` caps the database
// at its current size, and SQLite raises SQLITE_FULL ("database or disk is full") exactly as
// when the file system has no room. SQLite only: the PostgreSQL run skips it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ProblemDetails } from '@assay/contracts';
import type { LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { createTestApp, LogCapture, type TestApp } from '../support/app.ts';
import { bearer, machineTokenFor } from '../support/auth.ts';
import { testEngine } from '../support/database.ts';

function unavailable(response: LightMyRequestResponse): ProblemDetails {
  assert.equal(response.statusCode, 503, response.body);
  assert.match(String(response.headers['content-type']), /^application\/problem\+json/);
  assert.match(String(response.headers['retry-after']), /^\d+$/);
  const problem = response.json<ProblemDetails>();
  assert.equal(problem.code, 'database_unavailable');
  assert.doesNotMatch(response.body, /SQLITE|disk is full|\.ts:\d+/, 'no internals');
  return problem;
}

describe('SQLite with a full disk', { skip: testEngine() !== 'sqlite' && 'SQLite only' }, () => {
  let testApp: TestApp;
  const logs = new LogCapture();
  let headers: Record<string, string>;
  let examId: string;

  before(async () => {
    testApp = await createTestApp({ logs });
    headers = bearer(await machineTokenFor(testApp.app, ['manage:exams']));
    const created = await testApp.app.inject({
      method: 'POST',
      url: '/api/exams',
      headers,
      payload: { title: 'Before the disk filled' },
    });
    assert.equal(created.statusCode, 201);
    examId = created.json<{ id: string }>().id;
  });
  after(() => testApp.close());

  const setMaxPages = async (pages: number | 'current') => {
    const db = testApp.app.db;
    const limit =
      pages === 'current'
        ? (await sql<{ page_count: number }>`pragma page_count`.execute(db)).rows[0]?.page_count
        : pages;
    await sql.raw(`pragma max_page_count = ${String(limit)}`).execute(db);
  };
  const count = async (table: 'exams' | 'questions' | 'readiness_probes') =>
    Number(
      (
        await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(
          testApp.app.db,
        )
      ).rows[0]?.n,
    );
  const question = {
    type: 'single_choice',
    text: 'Where did the space go? '.repeat(400),
    choices: [
      { text: 'Logs', correct: true },
      { text: 'Nowhere', correct: false },
    ],
  };

  it('answers writes 503 until there is room, and /readyz says so', async () => {
    const examsBefore = await count('exams');
    const questionsBefore = await count('questions');
    await setMaxPages('current');

    // A single statement, and a transaction of several (SQLite rolls that back by itself).
    const created = await testApp.app.inject({
      method: 'POST',
      url: '/api/exams',
      headers,
      payload: { title: 'After the disk filled', longDescription: 'x'.repeat(40_000) },
    });
    unavailable(created);
    for (let i = 0; i < 3; i++) {
      const added = await testApp.app.inject({
        method: 'POST',
        url: `/api/exams/${examId}/questions`,
        headers,
        payload: question,
      });
      unavailable(added);
    }
    assert.equal(await count('exams'), examsBefore, 'no exam half-written');
    assert.equal(await count('questions'), questionsBefore, 'no question half-written');

    // Reads still work; readiness does not pretend that is enough.
    const catalog = await testApp.app.inject({ method: 'GET', url: '/api/exams' });
    assert.equal(catalog.statusCode, 200);
    unavailable(await testApp.app.inject({ method: 'GET', url: '/readyz' }));
    unavailable(await testApp.app.inject({ method: 'GET', url: '/readyz' }));

    const errors = logs.lines.filter((line) => line['level'] === 50);
    assert.equal(errors.length, 1, 'the outage is logged once, not once per request');
    assert.match(String(errors[0]?.['msg']), /database is unavailable for writes/);
    assert.match(JSON.stringify(errors[0]?.['err']), /database or disk is full/);

    // Room again: readiness finds out by itself, without waiting for a user's write.
    await setMaxPages(1_000_000);
    const ready = await testApp.app.inject({ method: 'GET', url: '/readyz' });
    assert.equal(ready.statusCode, 200);
    assert.deepEqual(ready.json(), { status: 'ready' });
    const added = await testApp.app.inject({
      method: 'POST',
      url: `/api/exams/${examId}/questions`,
      headers,
      payload: question,
    });
    assert.equal(added.statusCode, 201, added.body);
    assert.equal(await count('questions'), questionsBefore + 1);
    assert.equal(await count('readiness_probes'), 0, 'the readiness probe leaves nothing');

    await testApp.app.close();
    const recovered = logs.lines.filter((line) =>
      /database answers again/.test(String(line['msg'])),
    );
    assert.equal(recovered.length, 1, 'the end of the outage is logged once');
    assert.equal(logs.lines.filter((line) => line['level'] === 50).length, 1);
  });
});
