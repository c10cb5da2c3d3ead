import { HttpClient, HttpParams } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type {
  AuthoredExamPage,
  AuthorAttemptPage,
  CreateExamBody,
  Exam,
  QuestionBody,
  UpdateExamBody,
} from '@assay/contracts';
import { firstValueFrom } from 'rxjs';

/** A cursor-paged listing request. */
export interface PageRequest {
  readonly cursor?: string | null;
  readonly limit?: number;
}

/**
 * The authoring endpoints of the exams API (issue 4): an author's own exams with their answer
 * keys, questions, status changes and the attempts at an exam. Every call needs `manage:exams`;
 * the server checks ownership and answers 404 for another author's exam.
 */
@Injectable({ providedIn: 'root' })
export class AuthoringApi {
  private readonly http = inject(HttpClient);

  myExams(page: PageRequest = {}): Promise<AuthoredExamPage> {
    return firstValueFrom(
      this.http.get<AuthoredExamPage>('/api/my/exams', { params: pageParams(page) }),
    );
  }

  createExam(body: CreateExamBody): Promise<Exam> {
    return firstValueFrom(this.http.post<Exam>('/api/exams', body));
  }

  /** The full exam with its answer key, for its author or an admin. */
  examForEditing(examId: string): Promise<Exam> {
    return firstValueFrom(this.http.get<Exam>(`${examPath(examId)}/edit`));
  }

  updateExam(examId: string, body: UpdateExamBody): Promise<Exam> {
    return firstValueFrom(this.http.patch<Exam>(examPath(examId), body));
  }

  addQuestion(examId: string, body: QuestionBody): Promise<Exam> {
    return firstValueFrom(this.http.post<Exam>(`${examPath(examId)}/questions`, body));
  }

  replaceQuestion(examId: string, questionId: string, body: QuestionBody): Promise<Exam> {
    return firstValueFrom(
      this.http.put<Exam>(`${examPath(examId)}/questions/${encodeURIComponent(questionId)}`, body),
    );
  }

  async deleteQuestion(examId: string, questionId: string): Promise<void> {
    await firstValueFrom(
      this.http.delete(`${examPath(examId)}/questions/${encodeURIComponent(questionId)}`),
    );
  }

  reorderQuestions(examId: string, questionIds: readonly string[]): Promise<Exam> {
    return firstValueFrom(
      this.http.put<Exam>(`${examPath(examId)}/questions/order`, { questionIds }),
    );
  }

  /** Fails with `exam_not_publishable` (409) listing what breaks the publishing rules. */
  publish(examId: string): Promise<Exam> {
    return firstValueFrom(this.http.post<Exam>(`${examPath(examId)}/publish`, {}));
  }

  unpublish(examId: string): Promise<Exam> {
    return firstValueFrom(this.http.post<Exam>(`${examPath(examId)}/unpublish`, {}));
  }

  archive(examId: string): Promise<Exam> {
    return firstValueFrom(this.http.post<Exam>(`${examPath(examId)}/archive`, {}));
  }

  /** Graded attempts at the exam, most recently graded first. */
  attempts(examId: string, page: PageRequest = {}): Promise<AuthorAttemptPage> {
    return firstValueFrom(
      this.http.get<AuthorAttemptPage>(`${examPath(examId)}/attempts`, {
        params: pageParams(page),
      }),
    );
  }
}

function examPath(examId: string): string {
  return `/api/exams/${encodeURIComponent(examId)}`;
}

function pageParams(page: PageRequest): HttpParams {
  let params = new HttpParams();
  if (page.cursor) params = params.set('cursor', page.cursor);
  if (page.limit !== undefined) params = params.set('limit', page.limit);
  return params;
}
