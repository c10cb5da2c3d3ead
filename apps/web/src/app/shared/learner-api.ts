import { HttpClient, HttpParams } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type {
  AttemptResult,
  AttemptView,
  ExamDetail,
  ExamSummaryPage,
  MyAttemptPage,
  SaveAnswersBody,
  SaveAnswersResult,
  SubmitAttemptBody,
} from '@assay/contracts';
import { firstValueFrom } from 'rxjs';

/** The catalog and the attempt endpoints a learner uses (issue 4's API). */
@Injectable({ providedIn: 'root' })
export class LearnerApi {
  private readonly http = inject(HttpClient);

  listExams(query: {
    q?: string;
    cursor?: string | null;
    limit?: number;
  }): Promise<ExamSummaryPage> {
    let params = new HttpParams();
    if (query.q) params = params.set('q', query.q);
    if (query.cursor) params = params.set('cursor', query.cursor);
    if (query.limit) params = params.set('limit', query.limit);
    return firstValueFrom(this.http.get<ExamSummaryPage>('/api/exams', { params }));
  }

  getExam(examId: string): Promise<ExamDetail> {
    return firstValueFrom(this.http.get<ExamDetail>(`/api/exams/${encodeURIComponent(examId)}`));
  }

  /** Starts an attempt, or returns the learner's attempt in progress at this exam. */
  startAttempt(examId: string): Promise<AttemptView> {
    return firstValueFrom(
      this.http.post<AttemptView>(`/api/exams/${encodeURIComponent(examId)}/attempts`, null),
    );
  }

  getAttempt(attemptId: string): Promise<AttemptView> {
    return firstValueFrom(
      this.http.get<AttemptView>(`/api/attempts/${encodeURIComponent(attemptId)}`),
    );
  }

  saveAnswers(attemptId: string, body: SaveAnswersBody): Promise<SaveAnswersResult> {
    return firstValueFrom(
      this.http.put<SaveAnswersResult>(
        `/api/attempts/${encodeURIComponent(attemptId)}/answers`,
        body,
      ),
    );
  }

  /** `timeUp`: the countdown reached zero, so the attempt ends as expired, not submitted. */
  submitAttempt(attemptId: string, body: SubmitAttemptBody = null): Promise<AttemptResult> {
    return firstValueFrom(
      this.http.post<AttemptResult>(`/api/attempts/${encodeURIComponent(attemptId)}/submit`, body),
    );
  }

  myAttempts(query: { cursor?: string | null; limit?: number }): Promise<MyAttemptPage> {
    let params = new HttpParams();
    if (query.cursor) params = params.set('cursor', query.cursor);
    if (query.limit) params = params.set('limit', query.limit);
    return firstValueFrom(this.http.get<MyAttemptPage>('/api/me/attempts', { params }));
  }
}
