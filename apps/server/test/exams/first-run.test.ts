import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { ExamSummaryPage } from '@assay/contracts';
import { SAMPLE_EXAMS } from '../../src/exams/sample-exams.ts';
import { fixtureWebDist } from '../support/app.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { startScript } from '../support/processes.ts';

/** Runs server.ts until it listens, asks for the catalog, and stops it. */
async function catalogAfterStart(
  database: TestDatabase,
  env: Record<string, string> = {},
): Promise<ExamSummaryPage> {
  const server = startScript('server.ts', [], {
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_URL: database.url,
    WEB_DIST_DIR: fixtureWebDist,
    ...env,
  });
  try {
    const address = await new Promise<string>((resolve, reject) => {
      let output = '';
      server.child.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString('utf8');
        const match = /"address":"(http:\/\/[^"]+)"/.exec(output);
        if (match?.[1]) resolve(match[1]);
      });
      void server.finished.then((result) => {
        reject(new Error(`server exited early (${String(result.code)}): ${result.stderr}`));
      });
    });
    const response = await fetch(`${address}/api/exams`);
    assert.equal(response.status, 200);
    return (await response.json()) as ExamSummaryPage;
  } finally {
    server.child.kill('SIGTERM');
    await server.finished;
  }
}

describe('first run: sample exams', () => {
  let database: TestDatabase;

  beforeEach(async () => {
    database = await createTestDatabase();
  });
  afterEach(() => database.destroy());

  it('fills an empty database with the published samples, once', async () => {
    const first = await catalogAfterStart(database);
    assert.deepEqual(
      first.items.map((item) => item.title),
      SAMPLE_EXAMS.map((sample) => sample.title),
    );
    for (const item of first.items) {
      assert.equal(item.authorName, 'Assay samples');
      assert.ok(item.questionCount >= 5, item.title);
    }
    const second = await catalogAfterStart(database);
    assert.equal(second.items.length, SAMPLE_EXAMS.length, 'a restart adds nothing');
  });

  it('leaves the catalog empty with SEED_SAMPLE_EXAMS=false', async () => {
    const catalog = await catalogAfterStart(database, { SEED_SAMPLE_EXAMS: 'false' });
    assert.deepEqual(catalog.items, []);
  });
});
