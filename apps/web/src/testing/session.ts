import type { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import type { BffUser } from '@assay/contracts';
import { Auth } from '../app/core/auth/auth';

/**
 * Starts the app's session as it starts in a browser that holds a session cookie (see
 * `provideSessionCookie`): `/bff/user` answers with `user`.
 */
export async function signIn(http: HttpTestingController, user: BffUser): Promise<void> {
  const loading = TestBed.inject(Auth).load();
  http.expectOne('/bff/user').flush(user);
  await loading;
}
