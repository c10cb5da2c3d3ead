import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { once } from 'node:events';
import { secretsEnv } from './database.ts';

const serverSrc = path.resolve(import.meta.dirname, '../../src');

/** Output and exit code of a finished child process. */
export interface Finished {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `node apps/server/src/<script>` with the given arguments and environment (plus the test
 * `SECRETS_KEY` for a PostgreSQL `DATABASE_URL`, unless `env` names one, empty for none).
 */
export function startScript(
  script: string,
  args: readonly string[],
  env: Readonly<Record<string, string>>,
): { child: ChildProcess; finished: Promise<Finished> } {
  const child = spawn(process.execPath, [path.join(serverSrc, script), ...args], {
    env: { PATH: process.env.PATH ?? '', ...secretsEnv(env['DATABASE_URL'] ?? ''), ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const finished = once(child, 'close').then(([code]) => ({
    code: code as number | null,
    stdout,
    stderr,
  }));
  return { child, finished };
}

/** Runs a script to completion. */
export function runScript(
  script: string,
  args: readonly string[],
  env: Readonly<Record<string, string>>,
): Promise<Finished> {
  const { child, finished } = startScript(script, args, env);
  child.stdin?.end();
  return finished;
}
