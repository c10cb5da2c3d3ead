import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { once } from 'node:events';
import { fixtureWebDist } from './app.ts';
import { secretsEnv, type TestDatabase } from './database.ts';

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

/** A running server.ts and the address it logged. */
export interface StartedServer {
  readonly child: ChildProcess;
  readonly finished: Promise<Finished>;
  readonly address: string;
}

/** Starts server.ts on a free port and resolves once it logs its address. */
export async function startServer(
  database: TestDatabase,
  env: Readonly<Record<string, string>> = {},
): Promise<StartedServer> {
  const server = startScript('server.ts', [], {
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_URL: database.url,
    WEB_DIST_DIR: fixtureWebDist,
    ...env,
  });
  const address = await new Promise<string>((resolve, reject) => {
    let output = '';
    server.child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const match = /"address":"(http:\/\/[^"]+)"/.exec(output);
      if (match?.[1]) resolve(match[1]);
    });
    void server.finished.then((result) => {
      reject(new Error(`server exited early (${String(result.code)}): ${result.stderr}`));
    });
  });
  return { ...server, address };
}
