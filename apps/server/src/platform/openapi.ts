import { ProblemDetails } from '@assay/contracts';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import fp from 'fastify-plugin';
import { Type } from 'typebox';
import serverPackage from '../../package.json' with { type: 'json' };

/**
 * A documented error response of a route: problem details, referencing the shared schema.
 * Use as `response: { 404: problemResponse('No such exam') }`.
 */
export function problemResponse(description: string) {
  return {
    description,
    content: { 'application/problem+json': { schema: Type.Ref('ProblemDetails') } },
  };
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
