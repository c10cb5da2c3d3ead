import { HttpErrorResponse } from '@angular/common/http';
import { ApiError } from '../core/http/api-error';

/**
 * The failed request as an `ApiError`: the app's interceptor already makes one of every
 * HttpClient error; a bare `HttpErrorResponse` (no interceptor, as in some tests) is converted.
 */
export function asApiError(error: unknown): ApiError | null {
  if (error instanceof ApiError) return error;
  if (error instanceof HttpErrorResponse) return ApiError.fromResponse(error);
  return null;
}

/** A sentence to show for a failed request, unless the interceptor has already said it. */
export function problemMessage(error: unknown, fallback: string): string {
  return asApiError(error)?.message ?? fallback;
}
