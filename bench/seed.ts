// A database filled through the services in this process, and its busy service calls.
import type { Kysely } from 'kysely';
import type { AttemptView } from '@assay/contracts';
import { AttemptsRepository } from '../apps/server/src/attempts/attempts.repository.ts';
import { AttemptsService } from '../apps/server/src/attempts/attempts.service.ts';
import { ExamsRepository } from '../apps/server/src/exams/exams.repository.ts';
import { ExamsService } from '../apps/server/src/exams/exams.service.ts';
import { createExamLookup } from '../apps/server/src/exams/index.ts';
import type { Database } from '../apps/server/src/platform/database-schema.ts';
import { migrateToLatest } from '../apps/server/src/platform/migrations.ts';
import type { Principal } from '../apps/server/src/platform/principal.ts';

function person(subject: string, permissions: string[]): Principal {
  return {
    kind: 'user',
    subject,
    issuer: 'http://localhost:3000/oidc',
    clientId: 'assay-web',
    displayName: subject,
    roles: [],
    scope: [],
    permissions,
  };
}

/** One learner's attempt in progress and how to save answers to it. */
export interface LearnerAttempt {
  /** Saves the answer to the next question, with a new revision (a real write every time). */
  saveNext(): Promise<unknown>;
}

/** The seeded database's busy calls. */
export interface SeededCalls {
  readonly 'catalog page': () => Promise<unknown>;
  readonly 'resume an attempt': () => Promise<unknown>;
  readonly 'save an answer': () => Promise<unknown>;
  /** Attempts in progress, one per learner, at the first exam. */
  readonly attempts: readonly LearnerAttempt[];
}

/**
 * Migrates `db`, fills it much as `npm run bench` does (by default 25 published exams, enough
 * for a full catalog page; the first, which the attempts are at, has 20 questions, the others
 * one), and starts `learners` attempts.
 */
export async function seedExams(
  db: Kysely<Database>,
  { learners = 16, exams: examCount = 25 } = {},
): Promise<SeededCalls> {
  await migrateToLatest(db);
  const exams = new ExamsService(new ExamsRepository(db));
  const attemptsService = new AttemptsService(new AttemptsRepository(db), createExamLookup(db));
  const author = person('author', ['manage:exams']);
  const examIds: string[] = [];
  for (let n = 1; n <= examCount; n++) {
    const exam = await exams.createExam(author, {
      title: `Benchmark exam ${String(n)}`,
      description: 'Twenty questions, four choices each.',
      passMark: 50,
    });
    for (let q = 1; q <= (n === 1 ? 20 : 1); q++) {
      await exams.addQuestion(author, exam.id, {
        type: 'single_choice',
        text: `Question ${String(q)}: which choice is the second one?`,
        explanation: 'The second choice is the second one.',
        choices: [1, 2, 3, 4].map((c) => ({ text: `Choice ${String(c)}`, correct: c === 2 })),
      });
    }
    await exams.publishExam(author, exam.id);
    examIds.push(exam.id);
  }
  const examId = examIds[0] ?? '';
  const attempts: LearnerAttempt[] = [];
  for (let n = 1; n <= learners; n++) {
    const learner = person(`learner-${String(n)}`, ['take:exams']);
    const { attempt } = await attemptsService.startOrResumeAttempt(learner, examId);
    attempts.push(answering(attemptsService, learner, attempt));
  }
  const first = person('learner-1', ['take:exams']);
  const firstAttempt = attempts[0] as LearnerAttempt;
  return {
    'catalog page': () => exams.listCatalog({}),
    'resume an attempt': () => attemptsService.startOrResumeAttempt(first, examId),
    'save an answer': () => firstAttempt.saveNext(),
    attempts,
  };
}

function answering(
  service: AttemptsService,
  learner: Principal,
  attempt: AttemptView,
): LearnerAttempt {
  let revision = 0;
  return {
    saveNext: () => {
      revision++;
      const question = attempt.questions[revision % attempt.questions.length];
      const choice = question?.choices[revision % 4];
      return service.saveAnswers(learner, attempt.id, {
        answers: [{ questionId: question?.id ?? '', choiceIds: [choice?.id ?? ''], revision }],
      });
    },
  };
}
