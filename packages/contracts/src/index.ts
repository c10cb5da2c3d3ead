import { Type, type Static } from 'typebox';
import { examProblemCatalog } from './exams.ts';
import { identityProblemCatalog } from './identity.ts';

// Every export of the package is listed in this file, so the server (run by Node's type
// stripping) and the web app (bundled by the Angular CLI) import exactly the same module.
// The pure modules (limits, exam rules) are also entries of their own (package.json `exports`),
// so a web page that needs only them does not bundle TypeBox.
export * from './limits.ts';
export * from './exam-rules.ts';
export * from './exams.ts';
export * from './attempts.ts';
export * from './identity.ts';
export * from './users.ts';
export * from './pages.ts';

/**
 * The catalogue of stable error codes. Each entry is the `code` member of a problem details
 * response, with the HTTP status it is sent with and the problem type's short, human-readable
 * title (RFC 9457 §3.1.3: the same for every occurrence of the type). Codes never change meaning
 * once released; clients branch on them, not on `title` or `detail`.
 */
export const problemCatalog = {
  /** A request part (body, query string, path or headers) does not match the route's schema. */
  validation_failed: { status: 400, title: 'The request is invalid' },
  /** The body claims to be JSON but cannot be parsed, or is empty. */
  malformed_json: { status: 400, title: 'The request body is not valid JSON' },
  /** Any other request the server cannot make sense of (bad URL, bad Content-Length …). */
  bad_request: { status: 400, title: 'The request cannot be processed' },
  /** The request did not arrive completely in time; the connection is closed. */
  request_timeout: { status: 408, title: 'The request took too long to arrive' },
  /** The request line and headers are larger than the server accepts. */
  request_header_too_large: { status: 431, title: 'The request headers are too large' },
  /** The request has no `Authorization` header where a bearer token is required. */
  authorization_header_missing: { status: 401, title: 'Authorization header is expected' },
  /** The `Authorization` header is not `Bearer <JWT>`, or the token cannot be verified. */
  invalid_header: { status: 401, title: 'Authorization header is invalid' },
  /** The access token has expired. */
  token_expired: { status: 401, title: 'Token expired' },
  /** The access token's claims are wrong (issuer, audience, type …). */
  invalid_claims: { status: 401, title: 'Incorrect claims' },
  /** The caller is authenticated but lacks the permission the operation needs. */
  insufficient_permission: { status: 403, title: 'Permission not granted' },
  /** A cookie-authenticated unsafe request without a matching `X-XSRF-TOKEN` header. */
  csrf_token_invalid: { status: 403, title: 'CSRF token missing or invalid' },
  /** The resource does not exist, or the caller may not know that it exists. */
  not_found: { status: 404, title: 'Not found' },
  /** The request conflicts with the resource's current state. */
  conflict: { status: 409, title: 'Conflict' },
  /** The request body is larger than the server accepts. */
  payload_too_large: { status: 413, title: 'The request body is too large' },
  /** The request body's media type is not one the route accepts. */
  unsupported_media_type: { status: 415, title: 'Unsupported media type' },
  /** Too many requests from this client; retry after the `Retry-After` header. */
  rate_limited: { status: 429, title: 'Too many requests' },
  /** An unexpected server error. Details are in the server log under the request id. */
  internal_error: { status: 500, title: 'Internal server error' },
  /** The server is starting up or shutting down. */
  service_unavailable: { status: 503, title: 'Service unavailable' },
  /** The database does not answer. */
  database_unavailable: { status: 503, title: 'The database is unavailable' },
  /** The server runs, but the web app has not been built (`npm run build`). */
  web_app_not_built: { status: 503, title: 'The web app has not been built' },
  ...examProblemCatalog,
  ...identityProblemCatalog,
} as const satisfies Record<string, { readonly status: number; readonly title: string }>;

/** A stable, snake_case error code: the `code` member of every problem details response. */
export type ErrorCode = keyof typeof problemCatalog;

/** The error codes by name, so code reads `ErrorCode.not_found` rather than a bare string. */
export const ErrorCode: { readonly [Code in ErrorCode]: Code } = Object.freeze(
  Object.fromEntries(Object.keys(problemCatalog).map((code) => [code, code])) as {
    [Code in ErrorCode]: Code;
  },
);

/**
 * The codes of a missing or refused bearer token: always 401, with a `WWW-Authenticate` header.
 * A caller that is known but lacks a permission gets 403 `insufficient_permission` instead.
 */
export const BEARER_ERROR_CODES = [
  'authorization_header_missing',
  'invalid_header',
  'token_expired',
  'invalid_claims',
] as const satisfies readonly ErrorCode[];

/** One of `BEARER_ERROR_CODES`. */
export type BearerErrorCode = (typeof BEARER_ERROR_CODES)[number];

/** The URI prefix of every problem `type`: the full type is `urn:assay:problem:<code>`. */
export const problemTypePrefix = 'urn:assay:problem:';

/** One offending field of a request that failed validation. */
export const FieldError = Type.Object(
  {
    /** JSON pointer (RFC 6901) to the field inside the request part named by `detail`. */
    field: Type.String({ description: 'JSON pointer to the field, e.g. `/title`' }),
    /** What is wrong with the field, in English. */
    message: Type.String({ description: 'What is wrong with the field' }),
  },
  { additionalProperties: false },
);
export type FieldError = Static<typeof FieldError>;

/**
 * An RFC 9457 problem details object, sent as `application/problem+json` for every error
 * response. Codes may carry extension members (documented with the code).
 */
export const ProblemDetails = Type.Object(
  {
    /** `urn:assay:problem:<code>`: identifies the problem type. */
    type: Type.String({ description: 'Problem type URI: `urn:assay:problem:<code>`' }),
    /** Short summary of the problem type; the same for every occurrence of the type. */
    title: Type.String({ description: 'Short summary of the problem type' }),
    /** The HTTP status code of the response. */
    status: Type.Integer({ minimum: 400, maximum: 599, description: 'HTTP status code' }),
    /** Explanation specific to this occurrence, in English. Never contains internals. */
    detail: Type.String({ description: 'Explanation specific to this occurrence' }),
    /** Stable error code; see `ErrorCode`. */
    code: Type.String({ description: 'Stable error code, e.g. `not_found`' }),
    /** The path of the request that failed. */
    instance: Type.Optional(Type.String({ description: 'Path of the failed request' })),
    /** The request id, also sent as the `x-request-id` response header and logged. */
    requestId: Type.String({ description: 'Request id, as in the `x-request-id` header' }),
    /** For `validation_failed`: every offending field. */
    errors: Type.Optional(Type.Array(FieldError, { description: 'Offending fields' })),
  },
  { $id: 'ProblemDetails', additionalProperties: true },
);
export type ProblemDetails = Static<typeof ProblemDetails>;

/** The answer of `GET /healthz`: the process is alive. */
export const HealthStatus = Type.Object(
  { status: Type.Literal('ok') },
  { additionalProperties: false },
);
export type HealthStatus = Static<typeof HealthStatus>;

/** The answer of `GET /readyz` when the server can serve requests (the database answers). */
export const ReadinessStatus = Type.Object(
  { status: Type.Literal('ready') },
  { additionalProperties: false },
);
export type ReadinessStatus = Static<typeof ReadinessStatus>;
