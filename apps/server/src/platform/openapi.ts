import { ProblemDetails, problemCatalog, type ErrorCode } from '@assay/contracts';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import fp from 'fastify-plugin';
import { Type } from 'typebox';
import serverPackage from '../../package.json' with { type: 'json' };

/** A documented error response: problem details, referencing the shared schema. */
function problemResponse(description: string) {
  return {
    description,
    content: { 'application/problem+json': { schema: Type.Ref('ProblemDetails') } },
  };
}

/** What a route's documentation says about a code unless the route says otherwise. */
const commonNotes: Readonly<Partial<Record<ErrorCode, string>>> = {
  validation_failed: 'The request is invalid: `errors` lists every offending field',
  rate_limited: 'Too many requests: retry after `Retry-After` seconds',
};

/** The HTTP status the catalogue gives a code. */
type StatusOf<Code extends ErrorCode> = (typeof problemCatalog)[Code]['status'];

/**
 * The documented problem responses of a route, from the catalogue: one entry per status, whose
 * description names each code with its title (or the route's own words for it in `notes`).
 * Use as `response: { 200: Exam, ...problems(['validation_failed', 'exam_not_found']) }`.
 */
export function problems<const Code extends ErrorCode>(
  codes: readonly Code[],
  notes: Readonly<Partial<Record<ErrorCode, string>>> = {},
): { [S in StatusOf<Code>]: ReturnType<typeof problemResponse> } {
  const byStatus = new Map<number, string[]>();
  for (const code of codes) {
    const { status, title } = problemCatalog[code];
    const said = `${notes[code] ?? commonNotes[code] ?? title} (\`${code}\`)`;
    byStatus.set(status, [...(byStatus.get(status) ?? []), said]);
  }
  return Object.fromEntries(
    [...byStatus].map(([status, said]) => [status, problemResponse(said.join('; '))]),
  ) as { [S in StatusOf<Code>]: ReturnType<typeof problemResponse> };
}

const problemSchemaRef = { $ref: '#/components/schemas/ProblemDetails' };

/** The parts of a generated OpenAPI operation the completion below reads and writes. */
interface Operation {
  operationId?: string;
  security?: Record<string, string[]>[];
  parameters?: unknown[];
  requestBody?: unknown;
  responses?: Record<string, unknown>;
  'x-permission'?: string;
}

const httpMethods = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);
const safeMethods = new Set(['get', 'head', 'options', 'trace']);

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/**
 * `GET /api/exams/{examId}/questions` → `getExamQuestions`: the method, then the path's words
 * without `/api` and the parameters, a collection named before a parameter in the singular.
 */
function derivedOperationId(method: string, path: string): string {
  const segments = path.split('/').filter((segment) => segment !== '');
  const words: string[] = [];
  segments.forEach((segment, index) => {
    if (segment.startsWith('{') || (index === 0 && segment === 'api')) return;
    const beforeParameter = segments[index + 1]?.startsWith('{') === true;
    const word = beforeParameter && /[^s]s$/.test(segment) ? segment.slice(0, -1) : segment;
    words.push(...word.split(/[^A-Za-z0-9]+/).filter((part) => part !== ''));
  });
  return method.toLowerCase() + words.map(capitalize).join('');
}

function problem(description: string) {
  return { description, content: { 'application/problem+json': { schema: problemSchemaRef } } };
}

/**
 * The problems every route may answer because of the platform rather than its own logic, as
 * the operation shows them: 400 when it takes parameters or a body (validation, or a malformed
 * path), 401 when it takes credentials (a bad token is refused even where they are optional),
 * 403 when it needs a permission or is an unsafe method that accepts the session cookie (CSRF).
 */
function platformProblems(method: string, operation: Operation): Record<string, unknown> {
  const problems: Record<string, unknown> = {};
  if ((operation.parameters?.length ?? 0) > 0 || operation.requestBody !== undefined) {
    problems['400'] = problem('The request does not match this operation\u2019s schema');
  }
  const security = operation.security ?? [];
  if (security.length > 0) {
    const optional = security.some((scheme) => Object.keys(scheme).length === 0);
    problems['401'] = problem(
      optional
        ? 'The credentials sent are invalid or expired'
        : 'The credentials are missing, invalid or expired',
    );
  }
  const permission = operation['x-permission'];
  const csrf = !safeMethods.has(method) && security.some((scheme) => 'session' in scheme);
  if (permission !== undefined || csrf) {
    const reasons = [
      ...(permission === undefined ? [] : [`The caller lacks the \`${permission}\` permission`]),
      ...(csrf ? ['the session cookie came without the matching X-XSRF-TOKEN header'] : []),
    ];
    problems['403'] = problem(capitalize(reasons.join('; or ')));
  }
  return problems;
}

/**
 * Completes each operation of the generated document for client generators and linters:
 * - `operationId`: the route schema's own, else derived from the method and path (two routes
 *   that would share one need their own: Redocly's lint, run by the tests, refuses twins);
 * - `security: []` where the route declares none — the authenticate plugin marks every route
 *   that takes a caller, so the others are public;
 * - the platform's problem responses that the route does not declare itself.
 */
function completeOperations<T extends { paths?: object }>(document: T): T {
  for (const [path, item] of Object.entries(document.paths ?? {}) as [string, object][]) {
    for (const [method, value] of Object.entries(item)) {
      if (!httpMethods.has(method)) continue;
      const operation = value as Operation;
      operation.operationId ??= derivedOperationId(method, path);
      operation.security ??= [];
      operation.responses = { ...platformProblems(method, operation), ...operation.responses };
    }
  }
  return document;
}

/** Options of the OpenAPI plugin. */
export interface OpenApiOptions {
  /** Where users reach the server; the document's only `servers` entry. */
  readonly publicUrl: string;
  /** `components.securitySchemes` (the identity feature's bearer and cookie schemes). */
  readonly securitySchemes?: Readonly<Record<string, unknown>>;
}

/**
 * The OpenAPI 3.1 document, generated from the route schemas, at `GET /api/openapi.json`, and
 * a reference page at `/api/docs`. Register before any route, so every route is seen.
 */
export const openApiPlugin = fp<OpenApiOptions>(
  async (app, options) => {
    app.addSchema(ProblemDetails);
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'Assay API',
          version: serverPackage.version,
          license: { name: serverPackage.license, identifier: serverPackage.license },
          description:
            'The REST API of Assay. Errors are RFC 9457 problem details ' +
            '(`application/problem+json`) with a stable `code`.',
        },
        servers: [{ url: options.publicUrl }],
        components: { securitySchemes: { ...options.securitySchemes } as never },
      },
      // Shared schemas keep their $id as their name under components/schemas.
      refResolver: {
        buildLocalReference: (json, _baseUri, _fragment, index) =>
          typeof json.$id === 'string' ? json.$id : `def-${String(index)}`,
      },
      transformObject: (generated) =>
        'openapiObject' in generated
          ? completeOperations(generated.openapiObject)
          : generated.swaggerObject,
    });
    await app.register(swaggerUi, {
      routePrefix: '/api/docs',
      validatorUrl: false,
      // BaseLayout: no top bar, whose Swagger logo needs an inline style our CSP refuses.
      uiConfig: { layout: 'BaseLayout', deepLinking: true, defaultModelsExpandDepth: 1 },
    });
    app.get('/api/openapi.json', { schema: { hide: true } }, () => app.swagger());
  },
  { name: 'openapi', fastify: '5.x' },
);
