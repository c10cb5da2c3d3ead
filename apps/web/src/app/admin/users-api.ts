import { HttpClient, HttpParams } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type { ListUsersQuery, UpdateUserBody, UserPage, UserSummary } from '@assay/contracts';
import { firstValueFrom } from 'rxjs';

/** The users endpoints (`GET /api/users`, `PATCH /api/users/{userId}`); every call needs `manage:users`. */
@Injectable({ providedIn: 'root' })
export class UsersApi {
  private readonly http = inject(HttpClient);

  list(query: ListUsersQuery): Promise<UserPage> {
    let params = new HttpParams();
    if (query.q) params = params.set('q', query.q);
    if (query.cursor) params = params.set('cursor', query.cursor);
    if (query.limit !== undefined) params = params.set('limit', query.limit);
    return firstValueFrom(this.http.get<UserPage>('/api/users', { params }));
  }

  /** Fails with 409 `last_admin` when it would leave no enabled admin. */
  update(userId: string, body: UpdateUserBody): Promise<UserSummary> {
    return firstValueFrom(
      this.http.patch<UserSummary>(`/api/users/${encodeURIComponent(userId)}`, body),
    );
  }
}
