// `npm test`: the whole suite — lint, typecheck, server tests on SQLite and on PostgreSQL, web
// component tests, the production web build with its size budget, and browser journeys in
// Chromium. `npm test -- server` (or lint, typecheck, web, build, e2e) runs a subset.
//
// The counts come from each runner's machine-readable report (node:test through
// test-summary-reporter.ts, Vitest's and Playwright's JSON reports), not from their printed output.
//
// PostgreSQL: ASSAY_TEST_POSTGRES_URL names a server where databases may be created. Without it, a
// throw-away cluster is started on loopback when PostgreSQL's binaries are installed; under CI a
// missing PostgreSQL is a failure, elsewhere those tests are skipped with a warning.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './free-port.ts';
import type { TestSummary } from './test-summary-reporter.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const node = process.execPath;
const onCi = process.env['CI'] === 'true' || process.env['CI'] === '1';

interface Counts {
  passed: number;
  failed: number;
  skipped: number;
}
interface StageResult extends Counts {
  name: string;
  ok: boolean;
  seconds: number;
}

type Parser = (output: string) => Counts;

// A test that hangs (a server that never answers, a lock never released) fails instead of
// holding the whole run until CI's limit. The browser journeys' limit is in e2e/playwright.config.ts.
const serverTestTimeout = '--test-timeout=120000';

const reports = mkdtempSync(join(tmpdir(), 'assay-test-reports-'));
let reportCount = 0;
/** A fresh path for one runner's report. */
function reportFile(): string {
  reportCount += 1;
  return join(reports, `report-${String(reportCount)}.json`);
}

/** The report a runner wrote, or nothing when it ended before writing one. */
function readReport(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

const serverTestFiles = [
  'packages/contracts/src/**/*.spec.ts',
  'apps/server/src/**/*.spec.ts',
  'apps/server/test/**/*.test.ts',
];

const noCounts: Parser = () => ({ passed: 0, failed: 0, skipped: 0 });

function nodeTestCounts(report: string): Parser {
  return () => {
    const summary = readReport(report) as TestSummary | undefined;
    if (!summary) return { passed: 0, failed: 0, skipped: 0 };
    // A cancelled test (its file crashed or its parent timed out) did not pass.
    const { passed, failed, cancelled, skipped } = summary;
    return { passed, failed: failed + cancelled, skipped };
  };
}

/** Vitest's JSON report (the Jest-compatible shape). */
function vitestCounts(report: string): Parser {
  return () => {
    const result = readReport(report) as
      | {
          numPassedTests: number;
          numFailedTests: number;
          numPendingTests: number;
        }
      | undefined;
    if (!result) return { passed: 0, failed: 0, skipped: 0 };
    return {
      passed: result.numPassedTests,
      failed: result.numFailedTests,
      skipped: result.numPendingTests,
    };
  };
}

/** Playwright's JSON report: its stats, and the errors outside any test (a fixture's teardown). */
function playwrightCounts(report: string): Parser {
  return () => {
    const result = readReport(report) as
      | {
          stats: { expected: number; unexpected: number; flaky: number; skipped: number };
          errors: unknown[];
        }
      | undefined;
    if (!result) return { passed: 0, failed: 0, skipped: 0 };
    const { expected, unexpected, flaky, skipped } = result.stats;
    return {
      passed: expected + flaky,
      failed: unexpected + result.errors.length,
      skipped,
    };
  };
}

// The production build, like lint, allows no warnings: one that prints on every build stops being
// read, and the next real one goes unseen.
function buildWarnings(output: string): Counts {
  const plain = output.replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g'), '');
  return { passed: 0, failed: plain.match(/\[WARNING\]/g)?.length ?? 0, skipped: 0 };
}

async function run(
  name: string,
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
  parse: Parser = noCounts,
): Promise<StageResult> {
  console.log(`\n━━ ${name} ━━  ${command} ${args.join(' ')}`);
  const started = performance.now();
  const child = spawn(command, args, {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    process.stdout.write(chunk);
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    process.stderr.write(chunk);
  });
  const code = await new Promise<number>((resolve) => {
    child.on('close', (exitCode) => {
      resolve(exitCode ?? 1);
    });
  });
  const counts = parse(output);
  const ok = code === 0 && counts.failed === 0;
  return { name, ok, seconds: (performance.now() - started) / 1000, ...counts };
}

function skipped(name: string, why: string): StageResult {
  console.log(`\n━━ ${name} ━━  skipped: ${why}`);
  return { name, ok: true, seconds: 0, passed: 0, failed: 0, skipped: 1 };
}

/** The server's tests under node:test: its usual output, and its counts from a report. */
function serverTests(name: string, env: NodeJS.ProcessEnv): Promise<StageResult> {
  const report = reportFile();
  const args = [
    '--test',
    serverTestTimeout,
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    `--test-reporter=${join(root, 'scripts', 'test-summary-reporter.ts')}`,
    `--test-reporter-destination=${report}`,
    ...serverTestFiles,
  ];
  return run(name, node, args, env, nodeTestCounts(report));
}

interface Postgres {
  url: string;
  stop(): void;
}

async function startPostgres(): Promise<Postgres | string> {
  const given = process.env['ASSAY_TEST_POSTGRES_URL'];
  if (given) return { url: given, stop: () => undefined };
  const dir = mkdtempSync(join(tmpdir(), 'assay-pg-'));
  const script = join(root, 'scripts', 'postgres-test-cluster.sh');
  const started = spawnSync('bash', [script, 'start', dir, String(await freePort())], {
    encoding: 'utf8',
  });
  if (started.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    return `could not start PostgreSQL: ${started.stderr.trim() || 'unknown error'}`;
  }
  return {
    url: started.stdout.trim(),
    stop: () => {
      spawnSync('bash', [script, 'stop', dir]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const stages: Record<string, () => Promise<StageResult[]>> = {
  lint: async () => [
    await run('eslint', node, ['node_modules/eslint/bin/eslint.js', '.', '--max-warnings', '0']),
    await run('prettier', node, ['node_modules/prettier/bin/prettier.cjs', '--check', '.']),
  ],
  typecheck: async () => [await run('typecheck', 'npm', ['run', '--silent', 'typecheck'])],
  server: async () => {
    const results = [await serverTests('server tests on SQLite', { ASSAY_TEST_DB: 'sqlite' })];
    const postgres = await startPostgres();
    if (typeof postgres === 'string') {
      if (onCi) {
        console.error(postgres);
        results.push({ ...skipped('server tests on PostgreSQL', postgres), ok: false });
      } else {
        results.push(skipped('server tests on PostgreSQL', postgres));
      }
      return results;
    }
    try {
      results.push(
        await serverTests('server tests on PostgreSQL', {
          ASSAY_TEST_DB: 'postgres',
          ASSAY_TEST_POSTGRES_URL: postgres.url,
        }),
      );
    } finally {
      postgres.stop();
    }
    return results;
  },
  web: async () => {
    const report = reportFile();
    return [
      await run(
        'web component tests',
        'npm',
        [
          'test',
          '--workspace',
          'apps/web',
          '--',
          '--reporters=default',
          '--reporters=json',
          `--output-file=${report}`,
        ],
        {},
        vitestCounts(report),
      ),
    ];
  },
  build: async () => [
    await run('web build', 'npm', ['run', 'build', '--workspace', 'apps/web'], {}, buildWarnings),
  ],
  e2e: async () => {
    const report = reportFile();
    return [
      await run(
        'browser journeys',
        node,
        [
          'node_modules/@playwright/test/cli.js',
          'test',
          '--config',
          'e2e/playwright.config.ts',
          '--reporter=list,json',
        ],
        { PLAYWRIGHT_JSON_OUTPUT_FILE: report },
        playwrightCounts(report),
      ),
    ];
  },
};

const requested = process.argv.slice(2);
const unknown = requested.filter((name) => !(name in stages));
if (unknown.length > 0) {
  console.error(
    `Unknown stage(s): ${unknown.join(', ')}. Stages: ${Object.keys(stages).join(', ')}`,
  );
  process.exit(2);
}
const order = requested.length > 0 ? requested : Object.keys(stages);
const results: StageResult[] = [];
for (const name of order) {
  const stage = stages[name];
  if (!stage) continue;
  // Browser journeys need a successful build; the build stage runs first in the full order.
  if (name === 'e2e' && results.some((r) => r.name === 'web build' && !r.ok)) {
    results.push({ ...skipped('browser journeys', 'the web build failed'), ok: false });
    continue;
  }
  results.push(...(await stage()));
}

console.log('\n━━ summary ━━');
for (const r of results) {
  const counts = r.passed + r.failed > 0 ? `  ${r.passed} passed, ${r.failed} failed` : '';
  console.log(`${r.ok ? 'ok  ' : 'FAIL'}  ${r.name.padEnd(28)} ${r.seconds.toFixed(1)} s${counts}`);
}
const total = results.reduce(
  (sum, r) => ({
    passed: sum.passed + r.passed,
    failed: sum.failed + r.failed + (r.ok || r.failed > 0 ? 0 : 1),
    skipped: sum.skipped + r.skipped,
  }),
  { passed: 0, failed: 0, skipped: 0 },
);
console.log(`tests: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
rmSync(reports, { recursive: true, force: true });
process.exit(results.every((r) => r.ok) ? 0 : 1);
