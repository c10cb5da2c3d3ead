import type { HttpErrorResponse } from '@angular/common/http';
import type { FieldError, ProblemDetails } from '@assay/contracts';

/**
 * A failed request, as the UI needs it: the HTTP status, the server's stable `code`, a message a
 * person can read, the offending fields of a validation error and, when rate-limited, how long to
 * wait. Every HttpClient error reaches callers as one of these (see `problemInterceptor`).
 */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  /** Set once the user has been told (the interceptor reports 401 and 403 on API calls). */
  notified = false;

  constructor(
    /** HTTP status; 0 when the server could not be reached. */
    readonly status: number,
    /** The problem's stable code (`not_found`, `rate_limited` …), or `network_error`. */
    readonly code: string,
    message: string,
    readonly fieldErrors: readonly FieldError[] = [],
    /** Seconds to wait before retrying, for 429 answers. */
    readonly retryAfterSeconds?: number,
    /**
     * The problem's extension members, as received (e.g. `problems` of `exam_not_publishable`).
     * Unchecked: read them with care.
     */
    readonly extensions: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
  }

  static fromResponse(response: HttpErrorResponse): ApiError {
    if (response.status === 0) {
      return new ApiError(
        0,
        'network_error',
        'Assay could not be reached. Check your connection and try again.',
      );
    }
    const problem = asProblem(response.error);
    const retryAfter =
      numberOrUndefined(problem?.retryAfter) ??
      numberOrUndefined(response.headers.get('retry-after'));
    return new ApiError(
      response.status,
      typeof problem?.code === 'string' ? problem.code : `http_${response.status}`,
      readableMessage(response.status, problem),
      Array.isArray(problem?.errors) ? problem.errors : [],
      retryAfter,
      problem ? extensionMembers(problem) : {},
    );
  }
}

/** A problem document as received; `retryAfter` is the extension member of `rate_limited`. */
type ReceivedProblem = Partial<ProblemDetails> & { readonly retryAfter?: unknown };

function asProblem(body: unknown): ReceivedProblem | undefined {
  if (typeof body === 'string') {
    try {
      return asProblem(JSON.parse(body));
    } catch {
      return undefined;
    }
  }
  return typeof body === 'object' && body !== null ? body : undefined;
}

const STANDARD_MEMBERS = new Set([
  'type',
  'title',
  'status',
  'detail',
  'code',
  'instance',
  'requestId',
  'errors',
]);

function extensionMembers(problem: ReceivedProblem): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(problem).filter(([member]) => !STANDARD_MEMBERS.has(member)),
  );
}

function readableMessage(status: number, problem: ReceivedProblem | undefined): string {
  // 5xx details are deliberately vague on the server; say something useful instead.
  if (status >= 500) return 'Something went wrong on the server. Try again in a moment.';
  return problem?.detail ?? problem?.title ?? `The request failed (HTTP ${status}).`;
}

function numberOrUndefined(value: unknown): number | undefined {
  const number = typeof value === 'string' ? Number(value) : value;
  return typeof number === 'number' && Number.isFinite(number) && number >= 0
    ? Math.ceil(number)
    : undefined;
}
