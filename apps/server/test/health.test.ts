import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ProblemDetails } from '@assay/contracts';
import { createTestApp } from './support/app.ts';
import { forSuite } from './support/suite.ts';

describe('health, readiness and the API documentation', () => {
  const testApp = forSuite(createTestApp);

  it('GET /healthz answers ok', async () => {
    const response = await testApp.app.inject({ method: 'GET', url: '/healthz' });
    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.json(), { status: 'ok' });
  });

  it('GET /readyz answers ready while the database answers', async () => {
    const response = await testApp.app.inject({ method: 'GET', url: '/readyz' });
    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.json(), { status: 'ready' });
  });

  it('GET /api/openapi.json is an OpenAPI 3.1 document with the health routes', async () => {
    const response = await testApp.app.inject({ method: 'GET', url: '/api/openapi.json' });
    assert.equal(response.statusCode, 200);
    const document = response.json<{
      openapi: string;
      servers: { url: string }[];
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
      components: { schemas: Record<string, unknown> };
    }>();
    assert.equal(document.openapi, '3.1.0');
    assert.deepEqual(document.servers, [{ url: testApp.config.publicUrl }]);
    assert.ok(document.paths['/healthz']?.['get']);
    const readyz = document.paths['/readyz']?.['get'];
    assert.ok(readyz);
    assert.deepEqual(readyz.responses['503'], {
      description: 'The database does not answer (`database_unavailable`)',
      content: {
        'application/problem+json': { schema: { $ref: '#/components/schemas/ProblemDetails' } },
      },
    });
    assert.ok(document.components.schemas['ProblemDetails']);
    assert.equal(document.paths['/*'], undefined, 'the web app fallback is not API');
  });

  it('GET /api/docs is an HTML reference page with local assets only', async () => {
    const response = await testApp.app.inject({ method: 'GET', url: '/api/docs' });
    assert.equal(response.statusCode, 200);
    assert.match(String(response.headers['content-type']), /^text\/html/);
    assert.doesNotMatch(response.body, /(src|href)="https?:/);
    const script = await testApp.app.inject({
      method: 'GET',
      url: '/api/docs/static/swagger-ui-bundle.js',
    });
    assert.equal(script.statusCode, 200);
  });

  // Last: it destroys the database.
  it('GET /readyz answers 503 database_unavailable when the database is gone', async () => {
    await testApp.app.db.destroy();
    const response = await testApp.app.inject({ method: 'GET', url: '/readyz' });
    assert.equal(response.statusCode, 503);
    const problem = response.json<ProblemDetails>();
    assert.equal(problem.code, 'database_unavailable');
    assert.equal((await testApp.app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200);
  });
});
