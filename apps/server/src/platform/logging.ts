import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { LogController, type FastifyServerOptions } from 'fastify';
import fp from 'fastify-plugin';
import type { DestinationStream } from 'pino';
import type { LogLevel } from '../config.ts';

const requestIdHeader = 'x-request-id';
// Accept a caller's (or proxy's) id only if it is short and harmless in logs and headers.
const acceptableRequestId = /^[A-Za-z0-9._:-]{1,128}$/;

/** The request id: a valid incoming `x-request-id`, otherwise a new UUID. */
export function requestIdFor(request: IncomingMessage): string {
  const incoming = request.headers[requestIdHeader];
  return typeof incoming === 'string' && acceptableRequestId.test(incoming)
    ? incoming
    : randomUUID();
}

const probePaths = new Set(['/healthz', '/readyz']);

/** Paths pino replaces with `[redacted]`: credentials must never reach the log. */
export const redactedLogPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-xsrf-token"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
];

// Query parameters that carry credentials: an authorization code on the way back from the
// provider, an ID token in a logout hint, a token someone put in a URL.
const credentialParameter =
  /([?&](?:code|id_token_hint|id_token|access_token|refresh_token|token|client_secret|client_assertion)=)[^&#]*/gi;

/** `url` with the values of credential-carrying query parameters replaced by `[redacted]`. */
export function loggableUrl(url: string): string {
  return url.includes('?') ? url.replace(credentialParameter, '$1[redacted]') : url;
}

interface LoggedRequest {
  readonly method: string;
  readonly url: string;
  readonly host?: string;
  readonly ip?: string;
  readonly socket?: { readonly remotePort?: number };
}

/** The Fastify options that set up pino JSON logging with request ids. */
export function loggingOptions(
  level: LogLevel,
  stream?: DestinationStream,
): Pick<FastifyServerOptions, 'logger' | 'genReqId' | 'requestIdHeader' | 'logController'> {
  return {
    logger: {
      level,
      redact: { paths: redactedLogPaths, censor: '[redacted]' },
      // Fastify's request serializer, with query-string credentials redacted.
      serializers: {
        req: (request: LoggedRequest) => ({
          method: request.method,
          url: loggableUrl(request.url),
          host: request.host,
          remoteAddress: request.ip,
          remotePort: request.socket?.remotePort,
        }),
      },
      ...(stream === undefined ? {} : { stream }),
    },
    requestIdHeader: false,
    genReqId: requestIdFor,
    logController: new LogController({
      requestIdLogLabel: 'requestId',
      // Orchestrators probe these every few seconds; a failing /readyz logs its own warning.
      disableRequestLogging: (request) => probePaths.has(request.url),
    }),
  };
}

/** Echoes the request id in the `x-request-id` response header. */
export const requestIdPlugin = fp(
  (app, _options, done) => {
    app.addHook('onRequest', (request, reply, hookDone) => {
      reply.header(requestIdHeader, request.id);
      hookDone();
    });
    done();
  },
  { name: 'request-id', fastify: '5.x' },
);
