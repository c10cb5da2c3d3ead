import assert from 'node:assert/strict';
import net from 'node:net';
import { before, describe, it } from 'node:test';
import { ErrorCode, type ProblemDetails } from '@assay/contracts';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { Type } from 'typebox';
import { DomainError } from '../src/platform/errors.ts';
import { createTestApp, LogCapture } from './support/app.ts';
import { machineTokenFor } from './support/auth.ts';
import { forSuite } from './support/suite.ts';

const testRoutes: FastifyPluginAsyncTypebox = (app) => {
  app.post(
    '/api/test/items',
    {
      schema: {
        body: Type.Object(
          {
            title: Type.String({ minLength: 1 }),
            count: Type.Integer({ minimum: 1 }),
            tags: Type.Optional(Type.Array(Type.String())),
          },
          { additionalProperties: false },
        ),
        querystring: Type.Object({ dryRun: Type.Optional(Type.Boolean()) }),
      },
    },
    (request) => ({ created: request.body.title }),
  );
  app.get('/api/test/boom', () => {
    throw new Error('connection to 10.0.0.7 refused; password=hunter2');
  });
  app.get('/api/test/missing', () => {
    throw new DomainError(ErrorCode.not_found, 'No such exam.');
  });
  app.get('/api/test/forbidden', () => {
    throw new DomainError(ErrorCode.insufficient_permission, 'This requires manage:exams.', {
      permission: 'manage:exams',
    });
  });
  app.get('/api/test/conflict', () => {
    throw new DomainError(ErrorCode.conflict, 'The attempt was already submitted.');
  });
  return Promise.resolve();
};

function problemOf(response: LightMyRequestResponse): ProblemDetails {
  assert.match(String(response.headers['content-type']), /^application\/problem\+json/);
  return response.json<ProblemDetails>();
}

describe('errors are problem details', () => {
  const logs = new LogCapture();
  const testApp = forSuite(() => createTestApp({ register: testRoutes, logs }));

  it('answers an unknown route with 404 not_found', async () => {
    const response = await testApp.app.inject({ method: 'DELETE', url: '/api/nothing?x=1' });
    assert.equal(response.statusCode, 404);
    const problem = problemOf(response);
    assert.equal(problem.code, 'not_found');
    assert.equal(problem.type, 'urn:assay:problem:not_found');
    assert.equal(problem.status, 404);
    assert.equal(problem.instance, '/api/nothing');
    assert.equal(problem.requestId, response.headers['x-request-id']);
    assert.match(problem.detail, /DELETE \/api\/nothing/);
  });

  const unreadable: { name: string; request: InjectOptions; status: number; code: string }[] = [
    {
      name: 'answers a malformed URL with a 400 problem',
      request: { method: 'GET', url: '/api/%E0%A4%A' },
      status: 400,
      code: 'bad_request',
    },
    {
      name: 'answers malformed JSON with 400 malformed_json',
      request: {
        method: 'POST',
        url: '/api/test/items',
        headers: { 'content-type': 'application/json' },
        payload: '{"title": "Algebra",',
      },
      status: 400,
      code: 'malformed_json',
    },
    {
      name: 'answers an unsupported media type with 415',
      request: {
        method: 'POST',
        url: '/api/test/items',
        headers: { 'content-type': 'application/xml' },
        payload: '<item/>',
      },
      status: 415,
      code: 'unsupported_media_type',
    },
    {
      name: 'answers a body over 1 MiB with 413',
      request: {
        method: 'POST',
        url: '/api/test/items',
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify({ title: 'x'.repeat(1024 * 1024), count: 1 }),
      },
      status: 413,
      code: 'payload_too_large',
    },
  ];
  for (const { name, request, status, code } of unreadable) {
    it(name, async () => {
      const response = await testApp.app.inject(request);
      assert.equal(response.statusCode, status);
      assert.equal(problemOf(response).code, code);
    });
  }

  it('lists every invalid and missing field of a body', async () => {
    const response = await testApp.app.inject({
      method: 'POST',
      url: '/api/test/items',
      payload: { title: '', tags: ['ok', { nested: true }] },
    });
    assert.equal(response.statusCode, 400);
    const problem = problemOf(response);
    assert.equal(problem.code, 'validation_failed');
    assert.match(problem.detail, /request body/);
    const fields = new Map(problem.errors?.map((error) => [error.field, error.message]));
    assert.equal(fields.get('/count'), 'is required');
    assert.match(fields.get('/title') ?? '', /fewer than 1 characters/);
    assert.match(fields.get('/tags/1') ?? '', /string/);
  });

  it('names the query string when it is the invalid part', async () => {
    const response = await testApp.app.inject({
      method: 'POST',
      url: '/api/test/items?dryRun=perhaps',
      payload: { title: 'Algebra', count: 1 },
    });
    const problem = problemOf(response);
    assert.equal(problem.code, 'validation_failed');
    assert.match(problem.detail, /query string/);
    assert.deepEqual(
      problem.errors?.map((error) => error.field),
      ['/dryRun'],
    );
  });

  it('accepts a valid body (the route really works)', async () => {
    const response = await testApp.app.inject({
      method: 'POST',
      url: '/api/test/items',
      payload: { title: 'Algebra', count: 2 },
    });
    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.json(), { created: 'Algebra' });
  });

  it('maps domain errors to their status, code and extension members', async () => {
    const missing = await testApp.app.inject({ method: 'GET', url: '/api/test/missing' });
    assert.equal(missing.statusCode, 404);
    assert.equal(problemOf(missing).detail, 'No such exam.');

    const forbidden = await testApp.app.inject({ method: 'GET', url: '/api/test/forbidden' });
    assert.equal(forbidden.statusCode, 403);
    const problem = problemOf(forbidden);
    assert.equal(problem.code, 'insufficient_permission');
    assert.equal((problem as Record<string, unknown>)['permission'], 'manage:exams');
    assert.match(problem.detail, /manage:exams/);

    const conflict = await testApp.app.inject({ method: 'GET', url: '/api/test/conflict' });
    assert.equal(conflict.statusCode, 409);
    assert.equal(problemOf(conflict).code, 'conflict');
  });

  it('hides the internals of a 500 and logs them with the request id', async () => {
    const response = await testApp.app.inject({
      method: 'GET',
      url: '/api/test/boom',
      headers: { 'x-request-id': 'trace-500-check' },
    });
    assert.equal(response.statusCode, 500);
    assert.equal(response.headers['x-request-id'], 'trace-500-check');
    const problem = problemOf(response);
    assert.equal(problem.code, 'internal_error');
    assert.equal(problem.requestId, 'trace-500-check');
    assert.doesNotMatch(response.body, /hunter2|10\.0\.0\.7|at .*\.ts/);

    const logged = logs.lines.find(
      (line) => line['level'] === 50 && line['requestId'] === 'trace-500-check',
    );
    assert.ok(logged, 'the error is logged at level error with the request id');
    assert.match(JSON.stringify(logged['err']), /password=hunter2/);
  });

  it('replaces an unacceptable incoming request id with a fresh one', async () => {
    const response = await testApp.app.inject({
      method: 'GET',
      url: '/healthz',
      headers: { 'x-request-id': 'bad id\twith "quotes"' },
    });
    assert.match(
      String(response.headers['x-request-id']),
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    );
  });

  it('never writes credentials to the log', async () => {
    await testApp.app.inject({
      method: 'GET',
      url: '/api/test/boom',
      headers: { authorization: 'Bearer eyJ.secret-token.sig', cookie: '__Host-session=s3cr3t' },
    });
    const log = JSON.stringify(logs.lines);
    assert.doesNotMatch(log, /secret-token|s3cr3t/);
  });
});

/** Sends `request` as raw bytes and returns what came back until the server closed. */
function rawHttp(port: number, request: string): Promise<{ head: string; body: string }> {
  return new Promise((resolve, reject) => {
    let received = '';
    const socket = net.connect(port, '127.0.0.1', () => {
      // Not `end`: a half-closed connection would let the server drop the request unanswered.
      socket.write(request);
    });
    socket.setTimeout(10_000, () => socket.destroy(new Error('no answer within 10 s')));
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('utf8')));
    socket.on('error', reject);
    socket.on('close', () => {
      const split = received.indexOf('\r\n\r\n');
      resolve({ head: received.slice(0, split), body: received.slice(split + 4) });
    });
  });
}

describe('errors over real HTTP, from the parsers', () => {
  const testApp = forSuite(createTestApp);
  let port: number;
  let authorization: string;

  before(async () => {
    authorization = `Bearer ${await machineTokenFor(testApp.app, ['manage:exams'])}`;
    const address = await testApp.app.listen({ port: 0, host: '127.0.0.1' });
    port = Number(new URL(address).port);
  });

  const createExam = (headers: string, body = '') =>
    'POST /api/exams HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n' +
    `Authorization: ${authorization}\r\n${headers}\r\n${body}`;
  const jsonBody = (body: string) =>
    createExam(
      `Content-Type: application/json\r\nContent-Length: ${String(Buffer.byteLength(body))}\r\n`,
      body,
    );
  const chunk = (text: string) => `${Buffer.byteLength(text).toString(16)}\r\n${text}\r\n`;

  const cases: { name: string; request: () => string; status: number; code: string }[] = [
    {
      name: 'malformed JSON',
      request: () => jsonBody('{"title": "Algebra",'),
      status: 400,
      code: 'malformed_json',
    },
    {
      name: 'JSON that would set a prototype',
      request: () => jsonBody('{"__proto__": {"admin": true}, "title": "x"}'),
      status: 400,
      code: 'malformed_json',
    },
    {
      name: 'an unsupported Content-Type',
      request: () =>
        createExam('Content-Type: application/xml\r\nContent-Length: 7\r\n', '<exam/>'),
      status: 415,
      code: 'unsupported_media_type',
    },
    {
      name: 'a Content-Length over 1 MiB',
      request: () =>
        createExam('Content-Type: application/json\r\nContent-Length: 2000000\r\n', '{}'),
      status: 413,
      code: 'payload_too_large',
    },
    {
      name: 'a chunked body over 1 MiB',
      request: () =>
        createExam(
          'Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n',
          chunk('x'.repeat(600_000)) + chunk('x'.repeat(600_000)) + '0\r\n\r\n',
        ),
      status: 413,
      code: 'payload_too_large',
    },
    {
      name: 'a malformed request line',
      request: () => 'GET /api/exams HTTP/1.1 and more\r\nHost: localhost\r\n\r\n',
      status: 400,
      code: 'bad_request',
    },
    {
      name: 'a malformed header',
      request: () => 'GET /api/exams HTTP/1.1\r\nHost: localhost\r\nBad Header: x\r\n\r\n',
      status: 400,
      code: 'bad_request',
    },
    {
      name: 'an invalid Content-Length',
      request: () => createExam('Content-Type: application/json\r\nContent-Length: 2x\r\n', '{}'),
      status: 400,
      code: 'bad_request',
    },
    {
      name: 'both Content-Length and Transfer-Encoding',
      request: () =>
        createExam(
          'Content-Type: application/json\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n',
          chunk('{}') + '0\r\n\r\n',
        ),
      status: 400,
      code: 'bad_request',
    },
    {
      name: 'headers over 16 KiB',
      request: () =>
        `GET /api/exams HTTP/1.1\r\nHost: localhost\r\nX-Padding: ${'a'.repeat(20_000)}\r\n\r\n`,
      status: 431,
      code: 'request_header_too_large',
    },
  ];

  for (const { name, request, status, code } of cases) {
    it(`answers ${name} with ${String(status)} ${code} as problem details`, async () => {
      const { head, body } = await rawHttp(port, request());
      assert.match(head, new RegExp(`^HTTP/1\\.1 ${String(status)} `));
      assert.match(head, /\r\ncontent-type: application\/problem\+json; charset=utf-8\r\n/i);
      const problem = JSON.parse(body) as ProblemDetails;
      assert.equal(problem.status, status);
      assert.equal(problem.code, code);
      assert.equal(problem.type, `urn:assay:problem:${code}`);
      assert.match(problem.requestId, /^[0-9a-f-]{36}$/);
      assert.doesNotMatch(body, /\bat \S+:\d+|node:internal|FST_ERR|HPE_/, 'no internals');
    });
  }
});

describe('a request that does not arrive in time', () => {
  const testApp = forSuite(() => createTestApp({ env: { REQUEST_TIMEOUT_MS: '1000' } }));

  it('answers a body trickled past REQUEST_TIMEOUT_MS with 408 request_timeout and closes', async () => {
    const authorization = `Bearer ${await machineTokenFor(testApp.app, ['manage:exams'])}`;
    const address = await testApp.app.listen({ port: 0, host: '127.0.0.1' });
    const started = performance.now();
    // An authorized request whose headers announce 100 bytes; one arrives, the rest never does.
    const { head, body } = await rawHttp(
      Number(new URL(address).port),
      'POST /api/exams HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n' +
        `Authorization: ${authorization}\r\nContent-Length: 100\r\n\r\n{`,
    );
    const waited = performance.now() - started;

    assert.match(head, /^HTTP\/1\.1 408 /);
    assert.match(head, /\r\ncontent-type: application\/problem\+json; charset=utf-8\r\n/i);
    const problem = JSON.parse(body) as ProblemDetails;
    assert.equal(problem.code, 'request_timeout');
    assert.equal(problem.status, 408);
    // Node checks the limit every quarter of it here, so the answer comes within 1.25 s or so.
    assert.ok(waited >= 1000 && waited < 5000, `answered after ${String(Math.round(waited))} ms`);
  });
});
