import type { AuthorQuestion, Exam } from '@assay/contracts';
import { DEFAULT_EXAM_SETTINGS } from '@assay/contracts/limits';

/** The id of `authoredExam`. */
export const AUTHORED_EXAM_ID = '00000000-0000-4000-8000-0000000000e1';

/**
 * An exam as its author edits it (`GET /api/exams/:examId/edit`): a draft with the settings of a
 * new exam, holding `questions`, with the counts they make.
 */
export function authoredExam(questions: AuthorQuestion[], overrides: Partial<Exam> = {}): Exam {
  return {
    id: AUTHORED_EXAM_ID,
    title: 'TypeScript Advanced Exam',
    description: 'Tricky questions about TypeScript.',
    longDescription: '',
    status: 'draft',
    ...DEFAULT_EXAM_SETTINGS,
    ownerSubject: 'author',
    ownerIssuer: 'http://localhost/oidc',
    authorName: 'Ada',
    questionCount: questions.length,
    maxScore: questions.reduce((sum, q) => sum + q.points, 0),
    createdAt: '2026-11-22T10:00:00.000Z',
    updatedAt: '2026-11-22T10:00:00.000Z',
    publishedAt: null,
    archivedAt: null,
    questions,
    ...overrides,
  };
}
