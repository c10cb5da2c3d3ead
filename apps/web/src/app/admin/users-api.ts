import { HttpClient, HttpParams } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { firstValueFrom } from 'rxjs';

// TODO(contracts): move to @assay/contracts when the server lands; these follow the admin API
// contract agreed for issue 5 (GET /api/users, PATCH /api/users/{userId}).

/** An account role; each grants the permissions listed in shared/PRODUCT.md. */
export type UserRole = 'learner' | 'instructor' | 'admin';

/** One account as an admin sees it. */
export interface AdminUser {
  readonly id: string;
  readonly username: string;
  readonly email: string;
  readonly displayName: string;
  readonly role: UserRole;
  readonly disabled: boolean;
  readonly createdAt: string;
}

/** One page of `GET /api/users`; `nextCursor` is `null` on the last page. */
export interface AdminUserPage {
  readonly items: readonly AdminUser[];
  readonly nextCursor: string | null;
}

/** `PATCH /api/users/{userId}`: a new role, or disabling / enabling the account. */
export interface UpdateUserBody {
  readonly role?: UserRole;
  readonly disabled?: boolean;
}

/** The users endpoints; every call needs `manage:users`. */
@Injectable({ providedIn: 'root' })
export class UsersApi {
  private readonly http = inject(HttpClient);

  list(query: { q?: string; cursor?: string | null; limit?: number }): Promise<AdminUserPage> {
    let params = new HttpParams();
    if (query.q) params = params.set('q', query.q);
    if (query.cursor) params = params.set('cursor', query.cursor);
    if (query.limit !== undefined) params = params.set('limit', query.limit);
    return firstValueFrom(this.http.get<AdminUserPage>('/api/users', { params }));
  }

  /** Fails with 409 `last_admin` when it would leave no enabled admin. */
  update(userId: string, body: UpdateUserBody): Promise<AdminUser> {
    return firstValueFrom(
      this.http.patch<AdminUser>(`/api/users/${encodeURIComponent(userId)}`, body),
    );
  }
}
