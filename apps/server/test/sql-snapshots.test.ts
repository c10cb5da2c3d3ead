/*
 * SQL snapshots: the statements each repository method sends, on the engine under test.
 *
 * Every public method of every repository runs here on a real migrated database, and the SQL
 * it sends is compared with `test/sql-snapshots/<repository>.<engine>.sql` (parameters appear
 * as placeholders, `?` or `$n`, so the files hold no values). A changed query fails this test
 * until its snapshot is updated, so the change shows in the diff for a reviewer.
 *
 * To update the snapshots after changing a query, run it on both engines with
 * UPDATE_SQL_SNAPSHOTS=1 (from the repository root, with Node 24 from node_modules/.bin):
 *   UPDATE_SQL_SNAPSHOTS=1 ASSAY_TEST_DB=sqlite node --test apps/server/test/sql-snapshots.test.ts
 *   UPDATE_SQL_SNAPSHOTS=1 ASSAY_TEST_DB=postgres ASSAY_TEST_POSTGRES_URL=postgres://… \
 *     node --test apps/server/test/sql-snapshots.test.ts
 * then review the diff of apps/server/test/sql-snapshots/ and commit it with the change.
 *
 * A repository method without a case below fails the coverage test: add one.
 *
 * Statements are recorded by a query-builder plugin. Prepared queries build and compile on
 * every run on an instance with plugins, so their SQL is recorded too; it is the same text the
 * cached compilation sends. Transaction control (begin/commit) is not recorded.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { Kysely } from 'kysely';
import { createQueryId, type RootOperationNode } from 'kysely';
import { AttemptsRepository } from '../src/attempts/attempts.repository.ts';
import { ExamsRepository, type ExamRow } from '../src/exams/exams.repository.ts';
import { AccountsRepository } from '../src/identity/accounts/accounts.repository.ts';
import { RateLimitsRepository } from '../src/identity/accounts/rate-limits.repository.ts';
import { ClientsRepository } from '../src/identity/clients/clients.repository.ts';
import { SecretsRepository } from '../src/identity/provider/secrets.repository.ts';
import { SigningKeysRepository } from '../src/identity/provider/signing-keys.repository.ts';
import { BffSessionsRepository } from '../src/identity/session/bff-sessions.repository.ts';
import type { Database } from '../src/platform/database-schema.ts';
import { SecretsKeyring } from '../src/platform/secrets-key.ts';
import { testEngine } from './support/database.ts';
import { StatementLog } from './support/statement-log.ts';
import { createExamsTestDatabase } from './support/exams-database.ts';

const snapshotsFolder = path.join(import.meta.dirname, 'sql-snapshots');
const updating = process.env.UPDATE_SQL_SNAPSHOTS === '1';
const engine = testEngine();

const t0 = '2026-11-22T10:00:00.000Z';
const t1 = '2026-11-22T10:05:00.000Z';
const t2 = '2026-11-22T11:00:00.000Z';
const learner = { subject: 'learner-1', issuer: 'http://localhost:3000/oidc' };
const owner = { subject: 'author-1', issuer: 'http://localhost:3000/oidc' };

function exam(id: string, status: ExamRow['status']): ExamRow {
  return {
    id,
    owner_subject: owner.subject,
    owner_issuer: owner.issuer,
    owner_name: 'Ada Author',
    title: `Exam ${id}`,
    description: 'A short description',
    long_description: 'A longer description',
    search_text: `exam ${id}`,
    status,
    time_limit_minutes: 30,
    max_attempts: 3,
    pass_mark: 50,
    shuffle_questions: 0,
    shuffle_choices: 0,
    review_policy: 'show_answers',
    question_count: 0,
    max_score: 0,
    created_at: t0,
    updated_at: t0,
    published_at: status === 'published' ? t0 : null,
    archived_at: null,
  };
}

function question(n: number) {
  return {
    type: 'single_choice' as const,
    text: `Question ${n}`,
    points: 1,
    explanation: `Because ${n}`,
    choices: [1, 2, 3].map((c) => ({ id: `q${n}-c${c}`, text: `Choice ${c}`, correct: c === 1 })),
  };
}

function attempt(id: string, number: number) {
  return {
    id,
    exam_id: 'exam-published',
    learner_subject: learner.subject,
    learner_issuer: learner.issuer,
    learner_name: 'Lee Learner',
    state: 'in_progress' as const,
    number,
    seed: 7,
    question_set_id: 'set-1',
    question_order: '["q1"]',
    started_at: t0,
    deadline: t2,
    submitted_at: null,
    score: null,
    max_score: null,
    passed: null,
    result_json: null,
    version: 1,
    updated_at: t0,
  };
}

const closing = {
  state: 'submitted' as const,
  submittedAt: t1,
  score: 1,
  maxScore: 1,
  passed: true,
  resultJson: '{}',
};

function account(id: string, role: 'learner' | 'admin') {
  return {
    id,
    username: `user-${id}`,
    email: `${id}@example.test`,
    display_name: `User ${id}`,
    password_hash: '$argon2id$fixture',
    role,
    disabled: 0 as const,
    created_at: t0,
    updated_at: t0,
  };
}

function signingKey(kid: string, activeFrom: string) {
  return {
    kid,
    alg: 'ES256',
    private_jwk: '{"kty":"EC"}',
    created_at: activeFrom,
    active_from: activeFrom,
    retired_at: null,
    not_after: null,
  };
}

/**
 * A method's case: calls the method (in some cases with several inputs that change the SQL).
 * `unrecorded` is the same repository without the recorder, for setting up data.
 */
type Case<R> = (repository: R, unrecorded: R) => Promise<unknown>;

interface Suite<R extends object> {
  readonly name: string;
  readonly type: abstract new (...args: never[]) => R;
  readonly make: (db: Kysely<Database>, keyring: SecretsKeyring) => R;
  /** Run in this order, on one database shared by every suite. */
  readonly cases: Readonly<Record<string, Case<R>>>;
}

function suite<R extends object>(s: Suite<R>): Suite<R> {
  return s;
}

const suites = [
  suite({
    name: 'exams',
    type: ExamsRepository,
    make: (db) => new ExamsRepository(db),
    cases: {
      insertExam: (r) => r.insertExam(exam('exam-draft', 'draft')),
      insertExamWithQuestions: async (r) => {
        const inserted = await r.insertExamWithQuestions(exam('exam-published', 'draft'), [
          { id: 'q1', ...question(1) },
        ]);
        assert.equal(inserted, true);
      },
      countExams: (r) => r.countExams(),
      findExam: (r) => r.findExam('exam-draft'),
      findQuestions: (r) => r.findQuestions('exam-published'),
      insertQuestion: async (r) => {
        await r.insertQuestion('exam-draft', 'd1', question(2), undefined, 100, t0);
        await r.insertQuestion('exam-draft', 'd2', question(3), 0, 100, t0);
      },
      replaceQuestion: (r) => r.replaceQuestion('exam-draft', 'd1', question(4), t1),
      reorderQuestions: (r) => r.reorderQuestions('exam-draft', ['d1', 'd2'], t1),
      deleteQuestion: (r) => r.deleteQuestion('exam-draft', 'd2', t1),
      updateExam: (r) =>
        r.updateExam('exam-draft', { title: 'Renamed', updated_at: t1 }, ['draft']),
      changeStatus: async (r) => {
        const published = await r.changeStatus('exam-published', 'draft', {
          status: 'published',
          published_at: t1,
          updated_at: t1,
        });
        assert.equal(published?.status, 'published');
      },
      listPublishedExams: async (r) => {
        await r.listPublishedExams({ limit: 20 });
        await r.listPublishedExams({
          limit: 20,
          search: 'exam',
          after: { sortKey: t0, id: 'exam-a' },
        });
      },
      listExamsOfOwner: async (r) => {
        await r.listExamsOfOwner(owner, { limit: 20 });
        await r.listExamsOfOwner(owner, {
          limit: 20,
          search: 'exam',
          after: { sortKey: t0, id: 'exam-a' },
        });
      },
      hasAttempts: (r) => r.hasAttempts('exam-published'),
      deleteOrArchiveExam: async (r) => {
        assert.equal(await r.deleteOrArchiveExam('exam-draft', t2), 'deleted');
      },
    },
  }),
  suite({
    name: 'attempts',
    type: AttemptsRepository,
    make: (db) => new AttemptsRepository(db),
    cases: {
      saveQuestionSet: (r) => r.saveQuestionSet('set-1', '[]', t0),
      findQuestionSet: (r) => r.findQuestionSet('set-1'),
      insertAttemptUnlessInProgress: async (r) => {
        assert.equal(await r.insertAttemptUnlessInProgress(attempt('a1', 1)), 'inserted');
      },
      findAttempt: (r) => r.findAttempt('a1'),
      findInProgressAttempt: (r) => r.findInProgressAttempt('exam-published', learner),
      countAttempts: (r) => r.countAttempts('exam-published', learner),
      saveAnswers: (r) =>
        r.saveAnswers('a1', [{ questionId: 'q1', choiceIds: ['q1-c1'], revision: 1 }], t1),
      findAnswers: (r) => r.findAnswers('a1'),
      findOverdueAttempts: async (r) => {
        await r.findOverdueAttempts(t2, 50);
        await r.findOverdueAttempts(t2, 50, { learner, examId: 'exam-published' });
      },
      closeAttemptAtVersion: async (r) => {
        assert.equal(await r.closeAttemptAtVersion('a1', 2, closing, t1), true);
      },
      closeAttemptLocked: async (r, unrecorded) => {
        await unrecorded.insertAttemptUnlessInProgress(attempt('a2', 2));
        assert.deepEqual(await r.closeAttemptLocked('a2', t1, () => closing), closing);
      },
      listLearnerAttempts: async (r) => {
        await r.listLearnerAttempts(learner, { limit: 20 });
        await r.listLearnerAttempts(learner, { limit: 20, after: { sortKey: t1, id: 'a2' } });
      },
      listGradedAttemptsOfExam: async (r) => {
        await r.listGradedAttemptsOfExam('exam-published', { limit: 20 });
        await r.listGradedAttemptsOfExam('exam-published', {
          limit: 20,
          after: { sortKey: t1, id: 'a2' },
        });
      },
    },
  }),
  suite({
    name: 'accounts',
    type: AccountsRepository,
    make: (db) => new AccountsRepository(db),
    cases: {
      insert: async (r) => {
        await r.insert(account('acc-1', 'admin'));
        await r.insert(account('acc-1', 'admin'));
      },
      findById: (r) => r.findById('acc-1'),
      findByUsername: (r) => r.findByUsername('user-acc-1'),
      findByLogin: (r) => r.findByLogin('acc-1@example.test'),
      setRole: (r) => r.setRole('acc-1', 'admin', t1),
      setDisabled: (r) => r.setDisabled('acc-1', false, t1),
      setPasswordHash: (r) => r.setPasswordHash('acc-1', '$argon2id$other', t1),
      search: async (r) => {
        await r.search({ limit: 20 });
        await r.search({ limit: 20, search: 'user', after: { sortKey: 'user-a', id: 'a' } });
      },
      change: (r) => r.change('acc-1', { role: 'admin', disabled: false }, t1, () => undefined),
      hasEnabledAdmin: (r) => r.hasEnabledAdmin(),
      list: (r) => r.list(),
    },
  }),
  suite({
    name: 'rate-limits',
    type: RateLimitsRepository,
    make: (db) => new RateLimitsRepository(db),
    cases: {
      hit: (r) => r.hit('sign-in:user-acc-1', 60, new Date(t0)),
      release: (r) => r.release('sign-in:user-acc-1', Date.parse(t1)),
      reset: (r) => r.reset('sign-in:user-acc-1'),
      deleteExpired: (r) => r.deleteExpired(new Date(t2)),
    },
  }),
  suite({
    name: 'clients',
    type: ClientsRepository,
    make: (db) => new ClientsRepository(db),
    cases: {
      insert: (r) =>
        r.insert({
          client_id: 'client-1',
          secret_hash: 'hash',
          name: 'Reporting',
          scopes: 'read:results',
          metadata: '{}',
          disabled: 0,
          created_at: t0,
          updated_at: t0,
        }),
      find: (r) => r.find('client-1'),
      list: (r) => r.list(),
    },
  }),
  suite({
    name: 'bff-sessions',
    type: BffSessionsRepository,
    make: (db) => new BffSessionsRepository(db),
    cases: {
      insert: (r) =>
        r.insert({
          id_hash: 'session-hash',
          subject: 'acc-1',
          tokens: 'tokens-1',
          csrf_token: 'csrf',
          access_expires_at: t1,
          created_at: t0,
          updated_at: t0,
          expires_at: t2,
        }),
      find: (r) => r.find('session-hash', t0),
      claimRefresh: (r) => r.claimRefresh('session-hash', 'tokens-1', t0, t1),
      replaceTokens: (r) =>
        r.replaceTokens('session-hash', 'tokens-1', {
          tokens: 'tokens-2',
          access_expires_at: t2,
          updated_at: t1,
        }),
      releaseRefresh: (r) => r.releaseRefresh('session-hash', t1),
      delete: (r) => r.delete('session-hash'),
      deleteBySubject: (r) => r.deleteBySubject('acc-1'),
      deleteExpired: (r) => r.deleteExpired(t2),
    },
  }),
  suite({
    name: 'secrets',
    type: SecretsRepository,
    make: (db, keyring) => new SecretsRepository(db, keyring),
    cases: {
      getOrCreate: async (r) => {
        await r.getOrCreate('cookie_secret', () => 'generated');
        await r.getOrCreate('cookie_secret', () => 'generated');
      },
      find: (r) => r.find('cookie_secret'),
      resealAll: (r) => r.resealAll(),
    },
  }),
  suite({
    name: 'signing-keys',
    type: SigningKeysRepository,
    make: (db, keyring) => new SigningKeysRepository(db, keyring),
    cases: {
      insertFirst: (r) => r.insertFirst(signingKey('key-1', t0)),
      listPublished: (r) => r.listPublished(t0),
      rotate: (r) => r.rotate(signingKey('key-2', t1), t2),
      deleteExpired: (r) => r.deleteExpired(t2),
      resealAll: (r) => r.resealAll(),
    },
  }),
] as const;

/** The snapshot file's text: each method's statements under a heading. */
function render(name: string, statements: ReadonlyMap<string, readonly string[]>): string {
  const sections = [...statements].map(
    ([method, sqls]) => `-- ${name}.${method}\n${sqls.map((s) => `${s};\n`).join('')}`,
  );
  return `-- SQL sent by the ${name} repository on ${engine}. Generated by sql-snapshots.test.ts.\n\n${sections.join('\n')}`;
}

describe(`SQL snapshots on ${engine}`, () => {
  let db: Kysely<Database>;
  let destroy: () => Promise<void>;
  const keyring = new SecretsKeyring({ current: randomBytes(32), source: { kind: 'environment' } });

  before(async () => {
    ({ db, destroy } = await createExamsTestDatabase());
  });
  after(() => destroy());

  it('covers every repository class under src', async () => {
    const src = path.join(import.meta.dirname, '../src');
    const files = (await readdir(src, { recursive: true })).filter((file) =>
      file.endsWith('.repository.ts'),
    );
    const covered = new Set<unknown>(suites.map((s) => s.type));
    for (const file of files) {
      const exported = (await import(pathToFileURL(path.join(src, file)).href)) as Record<
        string,
        unknown
      >;
      for (const [name, value] of Object.entries(exported)) {
        if (typeof value === 'function' && name.endsWith('Repository')) {
          assert.ok(covered.has(value), `${file}: ${name} needs a suite in sql-snapshots.test.ts`);
        }
      }
    }
  });

  it('has a case for every public method of every repository', () => {
    for (const { name, type, cases } of suites) {
      const methods = Object.getOwnPropertyNames(type.prototype).filter(
        (method) => method !== 'constructor',
      );
      assert.deepEqual(
        [...methods].sort(),
        Object.keys(cases).sort(),
        `${name}: every method needs a case in sql-snapshots.test.ts (and only those)`,
      );
    }
  });

  for (const { name, make, cases } of suites as readonly Suite<object>[]) {
    it(`${name} sends the SQL in sql-snapshots/${name}.${engine}.sql`, async () => {
      const log = new StatementLog();
      const sqlOf = (node: RootOperationNode) =>
        db.getExecutor().compileQuery(node, createQueryId()).sql;
      const repository = make(db.withPlugin(log), keyring);
      const unrecorded = make(db, keyring);
      const statements = new Map<string, string[]>();
      for (const [method, run] of Object.entries(cases)) {
        const sent = await log.during(() => run(repository, unrecorded));
        assert.ok(sent.length > 0, `${name}.${method} sent no statement`);
        statements.set(method, sent.map(sqlOf));
      }
      const file = path.join(snapshotsFolder, `${name}.${engine}.sql`);
      const actual = render(name, statements);
      if (updating) {
        await writeFile(file, actual);
        return;
      }
      const expected = await readFile(file, 'utf8').catch(() => '');
      assert.equal(
        actual,
        expected,
        `The SQL of ${name} changed. If that is intended, run this test with ` +
          `UPDATE_SQL_SNAPSHOTS=1 on both engines (ASSAY_TEST_DB=sqlite and postgres), then ` +
          `review the diff of apps/server/test/sql-snapshots/ and commit it.`,
      );
    });
  }
});
