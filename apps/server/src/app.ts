import type {
  FastifyPluginAsyncTypebox,
  TypeBoxTypeProvider,
} from '@fastify/type-provider-typebox';
import { AjvCompiler, type ValidatorFactory } from '@fastify/ajv-compiler';
import Fastify from 'fastify';
import type { Kysely } from 'kysely';
import type { DestinationStream } from 'pino';
import { systemClock, type Clock } from './platform/clock.ts';
import type { Config } from './config.ts';
import { attemptsPlugin } from './attempts/index.ts';
import { createExamLookup, examsPlugin } from './exams/index.ts';
import { identityPlugin, securitySchemes, type IdentityTuning } from './identity/index.ts';
import type { Database } from './platform/database-schema.ts';
import { createDatabase, dbPlugin } from './platform/db.ts';
import {
  answerClientError,
  errorsPlugin,
  problemFromError,
  sendProblem,
} from './platform/errors.ts';
import { healthRoutes } from './platform/health.ts';
import { loggingOptions, requestIdPlugin } from './platform/logging.ts';
import { openApiPlugin } from './platform/openapi.ts';
import { securityHeadersPlugin } from './platform/security-headers.ts';
import { webAppPlugin } from './platform/web.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** The configuration the app was built with. */
    config: Config;
  }
}

/** Options of `buildApp`. */
export interface BuildAppOptions {
  /** An open database (already migrated by the caller); by default one is opened from config. */
  readonly db?: Kysely<Database>;
  /** Where log lines go instead of stdout (tests capture them). */
  readonly logStream?: DestinationStream;
  /** Registers extra routes after the platform and before the web app (tests use it). */
  readonly register?: FastifyPluginAsyncTypebox;
  /** The clock exam deadlines are set and enforced by; tests pass one they move by hand. */
  readonly clock?: Clock;
  /** Identity timings tests shorten (signing-key reload interval). */
  readonly identity?: IdentityTuning;
}

const maxBodyBytes = 1024 * 1024;

const validatorPool = AjvCompiler();

/** What Fastify hands a validator compiler, and what the pool's compilers take. */
interface RouteSchemaDefinition {
  readonly schema: unknown;
  readonly httpPart?: string;
}
type ValidatorCompiler = (route: RouteSchemaDefinition) => unknown;
type ValidatorOptions = NonNullable<Parameters<typeof validatorPool>[1]>;

/**
 * Fastify's validators, with one difference: a JSON body must have the types its schema names
 * (`{"passMark": "80"}` or `{"disabled": 1}` is 400, not read as 80 or true). Query strings and
 * path parameters are text, and are still read as their schema's types (`?limit=20`).
 */
function buildValidators(
  externalSchemas: Parameters<typeof validatorPool>[0],
  options: ValidatorOptions = {},
): ValidatorCompiler {
  // The pool's types call its result `(schema) => …`; it takes the route definition.
  const compilerOf = (customOptions: ValidatorOptions['customOptions']) =>
    validatorPool(externalSchemas, {
      ...options,
      customOptions,
    } as ValidatorOptions) as unknown as ValidatorCompiler;
  const forText = compilerOf(options.customOptions);
  const forJson = compilerOf({ ...options.customOptions, coerceTypes: false });
  return (route) => (route.httpPart === 'body' ? forJson : forText)(route);
}

/** Builds the whole application, ready to `listen` or `inject`. Never listens itself. */
export async function buildApp(config: Config, options: BuildAppOptions = {}) {
  const app = Fastify({
    ...loggingOptions(config.logLevel, options.logStream),
    bodyLimit: maxBodyBytes,
    return503OnClosing: true,
    // Fastify's default is no limit at all, so a client trickling its body would hold a
    // connection for ever. Node honours the limits only when the server is created with them
    // (Fastify's `requestTimeout` sets them afterwards, too late), and checks them every
    // connectionsCheckingInterval (30 s by default): a shorter limit is checked every quarter.
    requestTimeout: config.requestTimeoutMs,
    http: {
      requestTimeout: config.requestTimeoutMs,
      headersTimeout: Math.min(60_000, config.requestTimeoutMs),
      connectionsCheckingInterval: Math.min(30_000, Math.ceil(config.requestTimeoutMs / 4)),
    },
    // Behind a reverse proxy, client addresses (rate limits) come from X-Forwarded-For.
    trustProxy: config.trustProxy,
    // Report every invalid field, not only the first, and refuse members a schema does not name
    // (Fastify's default drops them silently, so a typo such as `passmark` would look like success).
    ajv: { customOptions: { allErrors: true, removeAdditional: false } },
    schemaController: {
      compilersFactory: { buildValidator: buildValidators as unknown as ValidatorFactory },
    },
    // Malformed URLs never reach a route; answer them as problem details too.
    frameworkErrors: (error, request, reply) => {
      sendProblem(reply, problemFromError(error, request));
    },
    // Nor do requests Node's HTTP parser refuses.
    clientErrorHandler: answerClientError,
  }).withTypeProvider<TypeBoxTypeProvider>();

  const db =
    options.db ??
    createDatabase(config.database, {
      onBackgroundError: (error) => {
        app.log.warn({ err: error }, 'The database failed in the background');
      },
    });

  app.decorate('config', config);
  try {
    await app.register(requestIdPlugin);
    await app.register(securityHeadersPlugin, { https: config.publicUrl.startsWith('https:') });
    await app.register(errorsPlugin);
    await app.register(dbPlugin, { db });
    await app.register(openApiPlugin, { publicUrl: config.publicUrl, securitySchemes });
    await app.register(healthRoutes);
    // Before every feature: it adds the `authenticate` hook to their routes.
    await app.register(identityPlugin, {
      config,
      ...(options.identity === undefined ? {} : { tuning: options.identity }),
    });
    // Feature plugins are registered here, each in its own encapsulated context; one feature
    // reaches another only through what this composition root hands it.
    const clock = options.clock ?? systemClock;
    await app.register(examsPlugin, { clock });
    await app.register(attemptsPlugin, {
      exams: createExamLookup(db),
      clock,
      sweepIntervalSeconds: config.exams.attemptSweepIntervalSeconds,
    });
    if (options.register !== undefined) await app.register(options.register);
    await app.register(webAppPlugin, { distDir: config.webDistDir });
    await app.ready();
  } catch (error) {
    await app.close();
    throw error;
  }
  return app;
}

/** The application instance `buildApp` returns. */
export type App = Awaited<ReturnType<typeof buildApp>>;
