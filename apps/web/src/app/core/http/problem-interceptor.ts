import type { HttpInterceptorFn } from '@angular/common/http';
import { HttpErrorResponse } from '@angular/common/http';
import { inject } from '@angular/core';
import { catchError, throwError } from 'rxjs';
import { Auth } from '../auth/auth';
import { Notifier } from '../notifier';
import { ApiError } from './api-error';

/**
 * Turns every failed request into an `ApiError`, and tells the user plainly when an API call was
 * refused: an ended session (401) offers to sign in again and come back here; a missing
 * permission (403) says so. Sign-in pages and `/bff/user` handle their own 401s.
 */
export const problemInterceptor: HttpInterceptorFn = (request, next) => {
  const auth = inject(Auth);
  const notifier = inject(Notifier);
  return next(request).pipe(
    catchError((error: unknown) => {
      if (!(error instanceof HttpErrorResponse)) return throwError(() => error);
      const apiError = ApiError.fromResponse(error);
      if (isApiCall(request.url)) {
        if (apiError.status === 401) {
          // Every later refusal (a retried save, say) is the same news: the session has ended.
          const wasSignedIn = auth.signedIn() || auth.sessionExpired();
          auth.sessionEnded();
          notifier.error(
            wasSignedIn
              ? 'Your session has expired — sign in again.'
              : 'You need to sign in to do that.',
            {
              label: 'Sign in',
              run: () => {
                auth.signIn();
              },
            },
          );
          apiError.notified = true;
        } else if (apiError.status === 403) {
          notifier.error("You don't have permission to do that.");
          apiError.notified = true;
        }
      }
      return throwError(() => apiError);
    }),
  );
};

function isApiCall(url: string): boolean {
  return url.startsWith('/api/');
}
