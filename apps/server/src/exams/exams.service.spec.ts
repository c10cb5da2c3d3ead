import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import type { QuestionBody } from '@assay/contracts';
import { DomainError } from '../platform/errors.ts';
import { findPublishProblems } from './exam-rules.ts';
import { ExamsRepository } from './exams.repository.ts';
import { ExamsService } from './exams.service.ts';
import { SAMPLE_EXAMS, seedSampleExams } from './sample-exams.ts';
import { ManualClock, useEmptiedExamsDatabase } from '../../test/support/exams-database.ts';
import { testPrincipal } from '../../test/support/principal.ts';

const issuer = 'http://localhost:3000/oidc';
const author = testPrincipal({
  subject: 'author-1',
  issuer,
  permissions: ['take:exams', 'manage:exams'],
  displayName: 'Ada Author',
});
const otherAuthor = { ...author, subject: 'author-2', displayName: 'Other' };
const admin = testPrincipal({
  subject: 'admin-1',
  issuer,
  permissions: ['take:exams', 'manage:exams', 'manage:users'],
});

const singleChoice = (text: string): QuestionBody => ({
  type: 'single_choice',
  text,
  explanation: `Why ${text}`,
  choices: [
    { text: 'right', correct: true },
    { text: 'wrong', correct: false },
  ],
});

describe('ExamsService on SQLite', () => {
  const database = useEmptiedExamsDatabase();
  let clock: ManualClock;
  let repository: ExamsRepository;
  let service: ExamsService;

  beforeEach(() => {
    clock = new ManualClock();
    repository = new ExamsRepository(database.db);
    service = new ExamsService(repository, clock);
  });

  async function publishedExam(title: string, actor = author): Promise<string> {
    const exam = await service.createExam(actor, { title, description: `About ${title}` });
    await service.addQuestion(actor, exam.id, singleChoice('Q1'));
    await service.publishExam(actor, exam.id);
    clock.advance(1000);
    return exam.id;
  }

  it("creates a draft from the tutorial's body, with defaults", async () => {
    const exam = await service.createExam(author, {
      title: 'TypeScript Advanced Exam',
      description: 'Tricky questions about TypeScript.',
    });
    assert.match(exam.id, /^[0-9a-f-]{36}$/);
    assert.equal(exam.status, 'draft');
    assert.equal(exam.passMark, 50);
    assert.equal(exam.timeLimitMinutes, null);
    assert.equal(exam.authorName, 'Ada Author');
    assert.deepEqual(exam.questions, []);
  });

  it("answers another author's exam as missing, and lets admins in", async () => {
    const exam = await service.createExam(author, { title: 'Mine' });
    await assert.rejects(service.getExamForEditing(otherAuthor, exam.id), {
      code: 'exam_not_found',
    });
    await assert.rejects(service.updateExam(otherAuthor, exam.id, { title: 'Stolen' }), {
      code: 'exam_not_found',
    });
    await assert.rejects(service.deleteExam(otherAuthor, exam.id), { code: 'exam_not_found' });
    const updated = await service.updateExam(admin, exam.id, { title: 'Fixed by admin' });
    assert.equal(updated.title, 'Fixed by admin');
  });

  it('keeps question positions dense through insert, delete and reorder', async () => {
    const exam = await service.createExam(author, { title: 'Positions' });
    await service.addQuestion(author, exam.id, singleChoice('B'));
    await service.addQuestion(author, exam.id, singleChoice('C'));
    await service.addQuestion(author, exam.id, { ...singleChoice('A'), position: 1 });
    let current = await service.addQuestion(author, exam.id, singleChoice('D'));
    assert.deepEqual(
      current.questions.map((question) => [question.position, question.text]),
      [
        [1, 'A'],
        [2, 'B'],
        [3, 'C'],
        [4, 'D'],
      ],
    );
    assert.equal(current.questionCount, 4);
    assert.equal(current.maxScore, 4);

    const b = current.questions[1]!;
    await service.deleteQuestion(author, exam.id, b.id);
    current = await service.getExamForEditing(author, exam.id);
    assert.deepEqual(
      current.questions.map((question) => [question.position, question.text]),
      [
        [1, 'A'],
        [2, 'C'],
        [3, 'D'],
      ],
    );

    const reversed = current.questions.map((question) => question.id).reverse();
    current = await service.reorderQuestions(author, exam.id, { questionIds: reversed });
    assert.deepEqual(
      current.questions.map((question) => question.text),
      ['D', 'C', 'A'],
    );
    await assert.rejects(
      service.reorderQuestions(author, exam.id, { questionIds: reversed.slice(1) }),
      { code: 'question_order_mismatch' },
    );
    await assert.rejects(service.deleteQuestion(author, exam.id, b.id), {
      code: 'question_not_found',
    });
  });

  it('replaces a question with its choices and keeps the totals right', async () => {
    const exam = await service.createExam(author, { title: 'Replace' });
    const withQuestion = await service.addQuestion(author, exam.id, singleChoice('Old'));
    const questionId = withQuestion.questions[0]!.id;
    const replaced = await service.replaceQuestion(author, exam.id, questionId, {
      type: 'multiple_choice',
      text: 'New',
      points: 5,
      choices: [
        { text: 'x', correct: true },
        { text: 'y', correct: true },
        { text: 'z', correct: false },
      ],
    });
    const question = replaced.questions[0]!;
    assert.equal(question.text, 'New');
    assert.equal(question.explanation, '');
    assert.deepEqual(
      question.choices.map((choice) => [choice.text, choice.correct]),
      [
        ['x', true],
        ['y', true],
        ['z', false],
      ],
    );
    assert.equal(replaced.maxScore, 5);
  });

  it('refuses to publish with every problem listed, then publishes a fixed exam', async () => {
    const exam = await service.createExam(author, { title: 'Publish me' });
    await assert.rejects(service.publishExam(author, exam.id), (error: unknown) => {
      assert.equal((error as { code: string }).code, 'exam_not_publishable');
      return true;
    });
    await service.addQuestion(author, exam.id, {
      type: 'true_false',
      text: 'Broken',
      choices: [{ text: 'True', correct: true }],
    });
    await service.addQuestion(author, exam.id, {
      type: 'multiple_choice',
      text: 'Also broken',
      choices: [
        { text: 'a', correct: false },
        { text: 'b', correct: false },
      ],
    });
    await assert.rejects(service.publishExam(author, exam.id), (error: unknown) => {
      assert.ok(error instanceof DomainError);
      assert.equal(error.code, 'exam_not_publishable');
      const { problems } = error.details as {
        problems: { rule: string; questionPosition: number }[];
      };
      assert.deepEqual(
        problems.map((problem) => [problem.questionPosition, problem.rule]),
        [
          [1, 'true_false_needs_two_choices'],
          [2, 'needs_a_correct_choice'],
        ],
      );
      return true;
    });
    assert.equal((await service.getExamForEditing(author, exam.id)).status, 'draft');

    const broken = (await service.getExamForEditing(author, exam.id)).questions;
    await service.deleteQuestion(author, exam.id, broken[0]!.id);
    await service.deleteQuestion(author, exam.id, broken[1]!.id);
    await service.addQuestion(author, exam.id, singleChoice('Fine'));
    const published = await service.publishExam(author, exam.id);
    assert.equal(published.status, 'published');
    assert.equal(published.publishedAt, clock.now().toISOString());

    await assert.rejects(service.addQuestion(author, exam.id, singleChoice('Late')), {
      code: 'exam_not_editable',
    });
    // Details, unlike questions, change until the exam is archived.
    assert.equal(
      (await service.updateExam(author, exam.id, { title: 'Published me' })).title,
      'Published me',
    );
    const detail = await service.getPublishedExam(exam.id);
    assert.equal(detail.questionCount, 1);
    assert.equal(JSON.stringify(detail).includes('"correct"'), false);

    await service.unpublishExam(author, exam.id);
    await assert.rejects(service.getPublishedExam(exam.id), { code: 'exam_not_found' });
    await service.archiveExam(author, exam.id);
    await assert.rejects(service.publishExam(author, exam.id), {
      code: 'invalid_status_transition',
    });
    await assert.rejects(service.updateExam(author, exam.id, { title: 'Archived me' }), {
      code: 'exam_not_editable',
    });
  });

  it('pages through the catalog newest first without gaps or repeats', async () => {
    const ids: string[] = [];
    for (let index = 0; index < 5; index++) ids.push(await publishedExam(`Exam ${String(index)}`));
    await service.createExam(author, { title: 'Draft, not listed' });

    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 5; page++) {
      const result = await service.listCatalog({ limit: 2, ...(cursor && { cursor }) });
      seen.push(...result.items.map((item) => item.id));
      if (result.nextCursor === null) break;
      cursor = result.nextCursor;
    }
    assert.deepEqual(seen, [...ids].reverse());
    await assert.rejects(service.listCatalog({ cursor: 'bogus' }), { code: 'invalid_cursor' });
  });

  it('searches title and description case-insensitively, with wildcards taken literally', async () => {
    await publishedExam('Café Statistics');
    await publishedExam('100% Kotlin');
    await publishedExam('Plain');
    const titles = async (q: string) =>
      (await service.listCatalog({ q })).items.map((item) => item.title);
    assert.deepEqual(await titles('CAFÉ'), ['Café Statistics']);
    assert.deepEqual(await titles('about plain'), ['Plain']);
    assert.deepEqual(await titles('100%'), ['100% Kotlin']);
    assert.deepEqual(await titles('%'), ['100% Kotlin']);
    assert.deepEqual(await titles('_'), []);
  });

  it("lists an author's own exams in every status", async () => {
    await publishedExam('Published one');
    await service.createExam(author, { title: 'Draft one' });
    await service.createExam(otherAuthor, { title: 'Not mine' });
    const mine = await service.listMyExams(author, {});
    assert.deepEqual(
      mine.items.map((item) => [item.title, item.status]),
      [
        ['Draft one', 'draft'],
        ['Published one', 'published'],
      ],
    );
  });

  it('deletes an exam nobody attempted', async () => {
    const exam = await service.createExam(author, { title: 'Gone' });
    await service.addQuestion(author, exam.id, singleChoice('Q'));
    assert.equal(await service.deleteExam(author, exam.id), 'deleted');
    await assert.rejects(service.getExamForEditing(author, exam.id), { code: 'exam_not_found' });
    const orphans = await database.db.selectFrom('questions').select('id').execute();
    assert.deepEqual(orphans, []);
  });

  it('seeds the sample exams once, into an empty database only', async () => {
    for (const sample of SAMPLE_EXAMS) {
      const problems = findPublishProblems(
        sample.questions.map((question, index) => ({
          id: String(index),
          position: index + 1,
          type: question.type,
          choices: question.choices.map(([, correct]) => ({ correct })),
        })),
      );
      assert.deepEqual(problems, [], sample.title);
    }
    assert.equal(await seedSampleExams(repository), 3);
    assert.equal(await seedSampleExams(repository), 0);
    const catalog = await service.listCatalog({});
    assert.deepEqual(
      catalog.items.map((item) => [item.title, item.questionCount, item.authorName]),
      [
        ['TypeScript fundamentals', 10, 'Assay samples'],
        ['Web security basics', 8, 'Assay samples'],
        ['Introductory statistics', 8, 'Assay samples'],
      ],
    );
  });

  it('does not seed a database that already has exams', async () => {
    await service.createExam(author, { title: 'Existing' });
    assert.equal(await seedSampleExams(repository), 0);
  });
});
