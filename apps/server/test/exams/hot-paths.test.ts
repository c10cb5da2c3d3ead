import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { Kysely } from 'kysely';
import type { AttemptView, QuestionBody } from '@assay/contracts';
import { AttemptsRepository } from '../../src/attempts/attempts.repository.ts';
import { AttemptsService } from '../../src/attempts/attempts.service.ts';
import { ExamsRepository, type ExamsDatabase } from '../../src/exams/exams.repository.ts';
import { ExamsService } from '../../src/exams/exams.service.ts';
import { createExamLookup } from '../../src/exams/index.ts';
import { ManualClock, createExamsTestDatabase } from '../support/exams-database.ts';
import { testPrincipal } from '../support/principal.ts';
import { StatementLog } from '../support/statement-log.ts';

/*
 * How many statements the busy paths send to the database, and what they read. These are the
 * paths the benchmark measures (submit, the authenticated read, the catalog) and the autosave:
 * a statement more is a round trip more on PostgreSQL and a turn more of SQLite's single
 * connection. Runs on the engine chosen by ASSAY_TEST_DB.
 */

/** `kind table…` of each statement, e.g. `SelectQueryNode attempts exams`. */
function describeStatements(statements: readonly string[]): string[] {
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
const author = testPrincipal({
  subject: 'author',
  issuer,
  permissions: ['take:exams', 'manage:exams'],
});
const learner = testPrincipal({ subject: 'learner', issuer, permissions: ['take:exams'] });
const otherLearner = testPrincipal({
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

function answersTo(attempt: AttemptView, revision = 1) {
  return attempt.questions.map((q) => ({
    questionId: q.id,
    choiceIds: [q.choices[1]?.id ?? ''],
    revision,
  }));
}

describe('statements on the busy paths', () => {
  let db: Kysely<ExamsDatabase>;
  let destroy: () => Promise<void>;
  const log = new StatementLog();
  /** The statements `work` sent, each as its operation tree in JSON. */
  const sentJson = async (work: () => Promise<unknown>) =>
    (await log.during(work)).map((node) => JSON.stringify(node));
  let exams: ExamsService;
  let attempts: AttemptsService;
  let examId: string;

  before(async () => {
    ({ db, destroy } = await createExamsTestDatabase());
    const logged = db.withPlugin(log);
    const clock = new ManualClock();
    exams = new ExamsService(new ExamsRepository(logged), clock);
    attempts = new AttemptsService(new AttemptsRepository(logged), createExamLookup(logged), {
      clock,
    });
  });
  after(() => destroy());
  beforeEach(async () => {
    const exam = await exams.createExam(author, {
      title: 'Twenty questions',
      longDescription: 'LONG-MARKDOWN '.repeat(100),
      timeLimitMinutes: 30,
    });
    for (let n = 1; n <= 20; n++) await exams.addQuestion(author, exam.id, question(n));
    await exams.publishExam(author, exam.id);
    examId = exam.id;
  });

  it('grades a submit in three statements: read, answers, conditional write', async () => {
    const { attempt } = await attempts.startOrResumeAttempt(learner, examId);
    await attempts.saveAnswers(learner, attempt.id, { answers: answersTo(attempt) });
    const statements = await sentJson(() => attempts.submitAttempt(learner, attempt.id));
    assert.deepEqual(describeStatements(statements), [
      'SelectQueryNode attempts exams',
      'SelectQueryNode attempt_answers',
      'UpdateQueryNode attempts',
    ]);
    const stored = await db
      .selectFrom('attempts')
      .select(['state', 'score', 'max_score'])
      .where('id', '=', attempt.id)
      .executeTakeFirstOrThrow();
    assert.deepEqual(stored, { state: 'submitted', score: 20, max_score: 20 });
  });

  it('reads an attempt in progress in two statements, a graded one in one', async () => {
    const { attempt } = await attempts.startOrResumeAttempt(learner, examId);
    await attempts.saveAnswers(learner, attempt.id, { answers: answersTo(attempt) });
    const reading = await sentJson(() => attempts.getAttempt(learner, attempt.id));
    assert.deepEqual(describeStatements(reading), [
      'SelectQueryNode attempts exams',
      'SelectQueryNode attempt_answers',
    ]);
    // The exam's long description is not what an attempt shows.
    assert.ok(!reading.some((json) => json.includes('"long_description"')));
    await attempts.submitAttempt(learner, attempt.id);
    const graded = await sentJson(() => attempts.getAttempt(learner, attempt.id));
    assert.deepEqual(describeStatements(graded), ['SelectQueryNode attempts exams']);
  });

  it('saves any number of answers in one write of answers', async () => {
    const { attempt } = await attempts.startOrResumeAttempt(learner, examId);
    const statements = await sentJson(() =>
      attempts.saveAnswers(learner, attempt.id, { answers: answersTo(attempt) }),
    );
    assert.deepEqual(describeStatements(statements), [
      'SelectQueryNode attempts exams',
      'UpdateQueryNode attempts',
      'InsertQueryNode attempt_answers',
      'SelectQueryNode attempt_answers',
    ]);
    const saved = await attempts.getAttempt(learner, attempt.id);
    assert.equal(saved.answeredCount, 20);
  });

  it('resumes an attempt without reading the exam’s questions again', async () => {
    const started = await sentJson(() => attempts.startOrResumeAttempt(learner, examId));
    assert.ok(describeStatements(started).some((line) => line.endsWith(' questions')));
    const resumed = await sentJson(() => attempts.startOrResumeAttempt(learner, examId));
    assert.deepEqual(describeStatements(resumed), [
      'SelectQueryNode exams',
      'SelectQueryNode attempts exams',
      'SelectQueryNode attempt_answers',
    ]);
  });

  it('lists my exams with their attempt counts in one statement, however many exams', async () => {
    const { attempt } = await attempts.startOrResumeAttempt(learner, examId);
    await attempts.submitAttempt(learner, attempt.id);
    await attempts.startOrResumeAttempt(otherLearner, examId);
    const second = await exams.createExam(author, { title: 'Second' });
    let page: Awaited<ReturnType<ExamsService['listMyExams']>> | undefined;
    const statements = await sentJson(async () => {
      page = await exams.listMyExams(author, {});
    });
    assert.deepEqual(describeStatements(statements), ['SelectQueryNode attempts exams']);
    const counts = new Map(page?.items.map((item) => [item.id, item.attemptCount]));
    assert.equal(counts.get(examId), 1, 'the submitted attempt, not the one in progress');
    assert.equal(counts.get(second.id), 0);
  });

  it('lists exams and attempts without long descriptions, frozen questions or results', async () => {
    const { attempt } = await attempts.startOrResumeAttempt(learner, examId);
    await attempts.submitAttempt(learner, attempt.id);
    const heavy = ['"long_description"', '"search_text"', '"questions_json"', '"result_json"'];
    for (const [name, work] of [
      ['catalog', () => exams.listCatalog({})],
      ['my exams', () => exams.listMyExams(author, {})],
      ['my attempts', () => attempts.listMyAttempts(learner, {})],
      ['exam attempts', () => attempts.listExamAttempts(author, examId, {})],
    ] as const) {
      const statements = await sentJson(work);
      const listing = statements.filter((json) => json.startsWith('{"kind":"SelectQueryNode"'));
      assert.ok(listing.length > 0, name);
      const last = listing.at(-1) ?? '';
      assert.ok(!last.includes('"SelectAllNode"'), `${name} selects every column`);
      for (const column of heavy) assert.ok(!last.includes(column), `${name} reads ${column}`);
    }
  });
});
