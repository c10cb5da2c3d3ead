import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import openapiTS, { astToString } from 'openapi-typescript';
import { createTestApp, type TestApp } from '../support/app.ts';

const root = path.resolve(import.meta.dirname, '../../../..');

/** Runs a Node script of the workspace to its end: its exit code and output. */
async function runNode(
  script: string,
  args: readonly string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv },
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [path.join(root, script), ...args], {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const [code] = (await once(child, 'close')) as [number | null];
  return { code, stdout, stderr };
}

interface LintReport {
  totals: { errors: number; warnings: number };
  problems: { ruleId: string; severity: string; location: { pointer: string }[] }[];
}

// A client others would write: one typed call, and misuses the generated types must refuse.
const clientSource = `import createClient from 'openapi-fetch';
import type { operations, paths } from './assay-api.ts';

const client = createClient<paths>({ baseUrl: 'https://assay.school.test' });

export async function examTitle(examId: string): Promise<string> {
  const { data, error } = await client.GET('/api/exams/{examId}', {
    params: { path: { examId } },
  });
  if (error !== undefined) return error.code;
  return data.title;
}

// An operation is found by its id, and its answer has a type.
type PublicExam = operations['getExam']['responses'][200]['content']['application/json'];
export const sample: Pick<PublicExam, 'title'> = { title: 'Algebra' };

export async function misuses(): Promise<void> {
  // @ts-expect-error the exam's id is a required path parameter
  await client.GET('/api/exams/{examId}', { params: { path: {} } });
  // @ts-expect-error a title is text
  await client.POST('/api/exams', { body: { title: 42 } });
}
`;

describe('the OpenAPI document, as linters and client generators read it', () => {
  let testApp: TestApp;
  let dir: string;
  let document: string;

  before(async () => {
    // A real deployment's address: Redocly warns about a localhost or example.com server.
    testApp = await createTestApp({ env: { PUBLIC_URL: 'https://assay.school.test' } });
    const response = await testApp.app.inject({ method: 'GET', url: '/api/openapi.json' });
    assert.equal(response.statusCode, 200);
    document = response.body;
    dir = await mkdtemp(path.join(tmpdir(), 'assay-openapi-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
    await testApp.close();
  });

  it("passes Redocly's recommended rules with no error", async () => {
    const file = path.join(dir, 'openapi.json');
    await writeFile(file, document);
    const { code, stdout, stderr } = await runNode(
      'node_modules/@redocly/cli/bin/cli.js',
      ['lint', '--config', path.join(root, 'redocly.yaml'), '--format', 'json', file],
      // No telemetry, no update check: the lint needs no network.
      { cwd: dir, env: { REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' } },
    );
    const report = JSON.parse(stdout) as LintReport;
    const problems = report.problems.map(
      (problem) =>
        `${problem.severity} ${problem.ruleId} ${problem.location[0]?.pointer ?? '(document)'}`,
    );
    assert.equal(report.totals.errors, 0, problems.join('\n'));
    assert.equal(code, 0, stderr);
    // The liveness and readiness probes take no input and no caller: no 4xx can happen there.
    // Starting a web sign-in only ever redirects (302) to the identity provider: no 2xx.
    assert.deepEqual(problems, [
      'warn operation-4xx-response #/paths/~1healthz/get/responses',
      'warn operation-4xx-response #/paths/~1readyz/get/responses',
      'warn operation-2xx-response #/paths/~1bff~1login/get/responses',
    ]);
  });

  it('says who may call each operation: nobody needed, a token or the session', () => {
    const { paths } = JSON.parse(document) as {
      paths: Record<string, Record<string, { operationId: string; security: unknown }>>;
    };
    const routes: [string, string][] = [
      ['get', '/healthz'],
      ['get', '/api/exams'],
      ['get', '/api/me'],
      ['get', '/bff/user'],
    ];
    const seen: Record<string, unknown> = {};
    for (const [method, path] of routes) {
      const operation = paths[path]?.[method];
      assert.ok(operation, `${method} ${path}`);
      seen[operation.operationId] = operation.security;
    }
    assert.deepEqual(seen, {
      getHealthz: [],
      getExams: [],
      getMe: [{ bearer: [] }, { session: [] }],
      getBffUser: [{ session: [] }],
    });
  });

  it('generates a typed client whose calls type-check, and whose misuses do not', async () => {
    const types = astToString(
      await openapiTS(JSON.parse(document) as Parameters<typeof openapiTS>[0], { silent: true }),
    );
    await writeFile(path.join(dir, 'assay-api.ts'), types);
    await writeFile(path.join(dir, 'client.ts'), clientSource);
    await writeFile(
      path.join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          noEmit: true,
          target: 'ES2022',
          module: 'preserve',
          moduleResolution: 'bundler',
          allowImportingTsExtensions: true,
          lib: ['ES2022', 'DOM'],
          types: [],
          skipLibCheck: true,
        },
        files: ['client.ts'],
      }),
    );
    await symlink(path.join(root, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
    const { code, stdout, stderr } = await runNode(
      'node_modules/typescript/bin/tsc',
      ['-p', path.join(dir, 'tsconfig.json'), '--pretty', 'false'],
      { cwd: dir },
    );
    assert.equal(code, 0, `${stdout}${stderr}`);
  });
});
