// Processes and HTTP plumbing for the benchmarks: servers run in their own processes on loopback,
// as they would in production, and every setup step goes through the public API and admin CLI.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort } from '../scripts/free-port.ts';

export const root = fileURLToPath(new URL('..', import.meta.url));

export interface Service {
  readonly url: string;
  /** The server's own process (not a wrapper), e.g. to read its CPU time. */
  readonly pid: number;
  stop(): Promise<void>;
}

/** Spawns a Node script that listens on `PORT` and waits until `readyPath` answers 200. */
export async function startService(
  script: string,
  env: Record<string, string>,
  readyPath: string,
): Promise<Service> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(process.execPath, [script], {
    cwd: root,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', PUBLIC_URL: url, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      resolve();
    }),
  );
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${script} exited early:\n${stderr}`);
    if (Date.now() > deadline) throw new Error(`${script} did not start within 60 s:\n${stderr}`);
    try {
      if ((await fetch(url + readyPath)).ok) break;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const { pid } = child;
  if (pid === undefined) throw new Error(`${script} has no process id`);
  return {
    url,
    pid,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Runs the admin CLI (`npm run assay -- …`) against a database; returns its stdout. */
export async function assayCli(
  args: string[],
  env: Record<string, string>,
  stdin = '',
): Promise<string> {
  const child = spawn(process.execPath, ['apps/server/src/cli.ts', ...args], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.end(stdin);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`assay ${args.join(' ')} failed (${code}):\n${stderr}`);
  return stdout;
}

/** A minimal cookie jar for one origin: enough to walk the sign-in redirects like a browser. */
export class CookieJar {
  readonly #cookies = new Map<string, string>();

  store(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq < 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = /max-age=0|expires=thu, 01 jan 1970/i.test(line);
      if (expired || value === '') this.#cookies.delete(name);
      else this.#cookies.set(name, value);
    }
  }

  get(name: string): string | undefined {
    return this.#cookies.get(name);
  }

  header(): string {
    return [...this.#cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}

/** Follows redirects by hand, keeping cookies, until a non-redirect answer. */
export async function browse(
  jar: CookieJar,
  start: string,
  init: RequestInit = {},
): Promise<Response> {
  let url = start;
  let request: RequestInit = init;
  for (let hop = 0; hop < 20; hop++) {
    const response = await fetch(url, {
      ...request,
      redirect: 'manual',
      headers: { ...(request.headers as Record<string, string>), cookie: jar.header() },
    });
    jar.store(response);
    const location = response.headers.get('location');
    if (response.status < 300 || response.status >= 400 || location === null) return response;
    url = new URL(location, url).toString();
    request = {};
  }
  throw new Error(`Too many redirects from ${start}`);
}

export async function json<T>(response: Response): Promise<T> {
  const text = await response.text();
  if (!response.ok) throw new Error(`${response.url} answered ${response.status}: ${text}`);
  return JSON.parse(text) as T;
}
