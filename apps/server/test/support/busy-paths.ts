import assert from 'node:assert/strict';
import { after, before, beforeEach } from 'node:test';
import type { Kysely } from 'kysely';
import type { AttemptView, QuestionBody } from '@assay/contracts';
import { AttemptsRepository } from '../../src/attempts/attempts.repository.ts';
import { AttemptsService } from '../../src/attempts/attempts.service.ts';
import { ExamsRepository, type ExamsDatabase } from '../../src/exams/exams.repository.ts';
import { ExamsService } from '../../src/exams/exams.service.ts';
import { createExamLookup } from '../../src/exams/index.ts';
import { ManualClock, createExamsTestDatabase } from './exams-database.ts';
import { testPrincipal } from './principal.ts';
import { StatementLog } from './statement-log.ts';

/*
 * What the busy-path tests of exams and attempts share: how many statements a path sends to the
 * database, and what they read. These are the paths the benchmark measures (submit, the
 * authenticated read, the catalog) and the autosave: a statement more is a round trip more on
 * PostgreSQL and a turn more of SQLite's single connection. Runs on the engine chosen by
 * ASSAY_TEST_DB.
 */

/** `kind table…` of each statement, e.g. `SelectQueryNode attempts exams`. */
export function describeStatements(statements: readonly string[]): string[] {
  return statements.map((json) => {
    const kind = /^\{"kind":"(\w+)"/.exec(json)?.[1] ?? '?';
    const tables = [
      ...new Set(
        [...json.matchAll(/"kind":"TableNode","table":\{[^}]*"identifier":\{[^}]*"name":"(\w+)"/g)]
          .map((match) => match[1] ?? '')
          .filter((name) => name !== 'excluded'),
      ),
    ].sort();
    return [kind, ...tables].join(' ');
  });
}

const issuer = 'http://localhost:3000/oidc';
export const author = testPrincipal({
  subject: 'author',
  issuer,
  permissions: ['take:exams', 'manage:exams'],
});
export const learner = testPrincipal({ subject: 'learner', issuer, permissions: ['take:exams'] });
export const otherLearner = testPrincipal({
  subject: 'other-learner',
  issuer,
  permissions: ['take:exams'],
});

function question(n: number): QuestionBody {
  return {
    type: 'single_choice',
    text: `Question ${n}`,
    explanation: `Because ${n}`,
    choices: [1, 2, 3, 4].map((c) => ({ text: `Choice ${c}`, correct: c === 2 })),
  };
}

/** The right answer to every question of `attempt`. */
export function answersTo(attempt: AttemptView, revision = 1) {
  return attempt.questions.map((q) => ({
    questionId: q.id,
    choiceIds: [q.choices[1]?.id ?? ''],
    revision,
  }));
}

/** The services under test, on a database whose statements are logged. */
export interface BusyPaths {
  readonly db: Kysely<ExamsDatabase>;
  readonly exams: ExamsService;
  readonly attempts: AttemptsService;
  /** A published exam of twenty questions, made afresh for each test. */
  readonly examId: string;
  /** The statements `work` sent, each as its operation tree in JSON. */
  readonly sentJson: (work: () => Promise<unknown>) => Promise<string[]>;
}

/** Sets up {@link BusyPaths} for the tests of the calling `describe` (read it inside a test). */
export function useBusyPaths(): BusyPaths {
  const log = new StatementLog();
  let destroy: () => Promise<void> = () => Promise.resolve();
  const paths = {
    sentJson: async (work: () => Promise<unknown>) =>
      (await log.during(work)).map((node) => JSON.stringify(node)),
  } as { -readonly [K in keyof BusyPaths]: BusyPaths[K] };
  before(async () => {
    let db: Kysely<ExamsDatabase>;
    ({ db, destroy } = await createExamsTestDatabase());
    const logged = db.withPlugin(log);
    const clock = new ManualClock();
    paths.db = db;
    paths.exams = new ExamsService(new ExamsRepository(logged), clock);
    paths.attempts = new AttemptsService(new AttemptsRepository(logged), createExamLookup(logged), {
      clock,
    });
  });
  after(() => destroy());
  beforeEach(async () => {
    const exam = await paths.exams.createExam(author, {
      title: 'Twenty questions',
      longDescription: 'LONG-MARKDOWN '.repeat(100),
      timeLimitMinutes: 30,
    });
    for (let n = 1; n <= 20; n++) await paths.exams.addQuestion(author, exam.id, question(n));
    await paths.exams.publishExam(author, exam.id);
    paths.examId = exam.id;
  });
  return paths;
}

/**
 * Checks that the listing `name` (its last select) names its columns and reads none of the heavy
 * ones: long descriptions, search text, frozen questions, results.
 */
export function assertLeanListing(name: string, statements: readonly string[]): void {
  const heavy = ['"long_description"', '"search_text"', '"questions_json"', '"result_json"'];
  const listing = statements.filter((json) => json.startsWith('{"kind":"SelectQueryNode"'));
  assert.ok(listing.length > 0, name);
  const last = listing.at(-1) ?? '';
  assert.ok(!last.includes('"SelectAllNode"'), `${name} selects every column`);
  for (const column of heavy) assert.ok(!last.includes(column), `${name} reads ${column}`);
}
