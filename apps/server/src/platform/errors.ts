import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import {
  ErrorCode,
  problemCatalog,
  problemTypePrefix,
  type FieldError,
  type ProblemDetails,
} from '@assay/contracts';
import type {
  FastifyError,
  FastifyReply,
  FastifyRequest,
  FastifySchemaValidationError,
} from 'fastify';
import fp from 'fastify-plugin';
import { databaseOutageKind, databaseRetryAfterSeconds } from './database-availability.ts';

/**
 * An expected failure of a domain operation, with its code from the problem catalogue. Services
 * throw these — never HTTP errors — and the error handler turns them into problem details with
 * the code's status. Each feature names the ones it raises in its `*-errors.ts`.
 */
export class DomainError extends Error {
  readonly code: ErrorCode;
  /** Extension members of the problem details, e.g. `{ permission: 'manage:exams' }`. */
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(code: ErrorCode, message: string, details?: Readonly<Record<string, unknown>>) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.details = details;
  }

  /** The HTTP status of this error's code. */
  get status(): number {
    return problemCatalog[this.code].status;
  }
}

/**
 * `validation_failed` for input of the right shape that breaks a domain rule, listing every
 * offending field as a request that fails its schema does.
 */
export function validationFailed(message: string, errors: readonly FieldError[]): DomainError {
  return new DomainError(ErrorCode.validation_failed, message, { errors });
}

export const problemContentType = 'application/problem+json; charset=utf-8';

/** Builds the problem details for `code` about `request`. */
export function problemFor(
  request: FastifyRequest,
  code: ErrorCode,
  detail: string,
  options: { status?: number; extensions?: Readonly<Record<string, unknown>> } = {},
): ProblemDetails {
  const { status = problemCatalog[code].status, extensions = {} } = options;
  return {
    ...extensions,
    type: `${problemTypePrefix}${code}`,
    title: problemCatalog[code].title,
    status,
    detail,
    code,
    instance: request.url.split('?', 1)[0] ?? '/',
    requestId: request.id,
  };
}

/** Sends problem details as `application/problem+json`. */
export function sendProblem(reply: FastifyReply, problem: ProblemDetails): FastifyReply {
  if (problem.code === ErrorCode.database_unavailable) {
    reply.header('retry-after', String(databaseRetryAfterSeconds));
  }
  // Serialised here rather than by a route's response schema so extension members survive.
  return reply
    .status(problem.status)
    .header('content-type', problemContentType)
    .send(JSON.stringify(problem));
}

const fastifyCodes: Readonly<Record<string, { code: ErrorCode; detail: string }>> = {
  FST_ERR_CTP_INVALID_JSON_BODY: {
    code: ErrorCode.malformed_json,
    detail: 'The request body could not be parsed as JSON.',
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    code: ErrorCode.malformed_json,
    detail: 'The request body is empty but its Content-Type says JSON.',
  },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    code: ErrorCode.unsupported_media_type,
    detail: 'The Content-Type of the request body is not supported here.',
  },
  FST_ERR_CTP_BODY_TOO_LARGE: {
    code: ErrorCode.payload_too_large,
    detail: 'The request body is larger than the server accepts.',
  },
};

const codeByStatus: Readonly<Record<number, ErrorCode>> = {
  404: ErrorCode.not_found,
  409: ErrorCode.conflict,
  413: ErrorCode.payload_too_large,
  415: ErrorCode.unsupported_media_type,
  429: ErrorCode.rate_limited,
};

function isFastifyError(error: unknown): error is FastifyError {
  return error instanceof Error && 'statusCode' in error && typeof error.statusCode === 'number';
}

function fieldErrors(validation: readonly FastifySchemaValidationError[]): FieldError[] {
  return validation.map((error) => {
    const missing = (error.params as { missingProperty?: unknown }).missingProperty;
    if (error.keyword === 'required' && typeof missing === 'string') {
      return { field: `${error.instancePath}/${escapePointer(missing)}`, message: 'is required' };
    }
    const extra = (error.params as { additionalProperty?: unknown }).additionalProperty;
    if (error.keyword === 'additionalProperties' && typeof extra === 'string') {
      return { field: `${error.instancePath}/${escapePointer(extra)}`, message: 'is not allowed' };
    }
    return { field: error.instancePath || '/', message: error.message ?? 'is invalid' };
  });
}

function escapePointer(segment: string): string {
  return segment.replaceAll('~', '~0').replaceAll('/', '~1');
}

const partNames: Readonly<Record<string, string>> = {
  body: 'request body',
  querystring: 'query string',
  params: 'path parameters',
  headers: 'request headers',
};

/** Maps any thrown value to problem details; logs what the client must not see. */
export function problemFromError(error: unknown, request: FastifyRequest): ProblemDetails {
  if (error instanceof DomainError) {
    return problemFor(request, error.code, error.message, { extensions: error.details });
  }
  if (isFastifyError(error)) {
    if (error.validation !== undefined) {
      const part = partNames[error.validationContext ?? 'body'] ?? 'request';
      return problemFor(request, ErrorCode.validation_failed, `The ${part} is invalid.`, {
        extensions: { errors: fieldErrors(error.validation) },
      });
    }
    const known = error.code in fastifyCodes ? fastifyCodes[error.code] : undefined;
    if (known !== undefined) return problemFor(request, known.code, known.detail);
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      const code = codeByStatus[status] ?? ErrorCode.bad_request;
      // Fastify's own 4xx messages describe the request, never the server.
      return problemFor(request, code, error.message, { status });
    }
  }
  if (databaseOutageKind(error) !== undefined) {
    // The outage is logged once, by DatabaseAvailability, rather than by every request it fails.
    return problemFor(
      request,
      ErrorCode.database_unavailable,
      'The database is unavailable. Try again in a few seconds.',
    );
  }
  request.log.error({ err: error }, 'Request failed with an unexpected error');
  return problemFor(
    request,
    ErrorCode.internal_error,
    `An unexpected error occurred. Quote request id ${request.id} when reporting it.`,
  );
}

const clientErrors: Readonly<Record<string, { code: ErrorCode; detail: string }>> = {
  HPE_HEADER_OVERFLOW: {
    code: ErrorCode.request_header_too_large,
    detail: 'The request line and headers are larger than the server accepts.',
  },
  ERR_HTTP_REQUEST_TIMEOUT: {
    code: ErrorCode.request_timeout,
    detail: 'The request did not arrive completely in time.',
  },
};

/**
 * Answers a request Node's HTTP parser refused before Fastify saw it (a malformed request line,
 * header or Content-Length, headers too large, a request too slow to arrive) with problem
 * details, as Fastify's `clientErrorHandler`; Fastify's own answer is plain JSON. The connection
 * is closed, since the parser cannot tell where the next request would start.
 */
export function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  // A reset connection has no one to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const known = error.code === undefined ? undefined : clientErrors[error.code];
  const code = known?.code ?? ErrorCode.bad_request;
  const { status, title } = problemCatalog[code];
  const problem: ProblemDetails = {
    type: `${problemTypePrefix}${code}`,
    title,
    status,
    detail: known?.detail ?? 'The request is not valid HTTP/1.1.',
    code,
    requestId: randomUUID(),
  };
  const body = JSON.stringify(problem);
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${String(status)} ${STATUS_CODES[status] ?? ''}\r\n` +
        `Content-Type: ${problemContentType}\r\n` +
        `Content-Length: ${String(Buffer.byteLength(body))}\r\n` +
        'X-Content-Type-Options: nosniff\r\n' +
        `X-Request-Id: ${problem.requestId}\r\n` +
        'Connection: close\r\n\r\n' +
        body,
    );
  }
  socket.destroy();
}

/** Answers 404 problem details for a request no route handles. */
export function sendNotFound(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const path = request.url.split('?', 1)[0] ?? '/';
  const detail = `There is nothing at ${request.method} ${path}.`;
  return sendProblem(reply, problemFor(request, ErrorCode.not_found, detail));
}

/**
 * The one error handler and the not-found handler: every error leaves the server as RFC 9457
 * problem details with a stable `code`.
 */
export const errorsPlugin = fp(
  (app, _options, done) => {
    app.setErrorHandler((error, request, reply) => {
      return sendProblem(reply, problemFromError(error, request));
    });
    app.setNotFoundHandler((request, reply) => sendNotFound(request, reply));
    done();
  },
  { name: 'errors', fastify: '5.x' },
);
