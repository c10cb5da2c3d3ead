// What a person sees when they start Assay: on a terminal, one plain line with the URL to open and
// the next step; through a pipe (a service manager, a container), JSON log lines only.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { freePort } from '../../../scripts/free-port.ts';
import { loadConfig } from '../src/config.ts';
import { createDatabase } from '../src/platform/db.ts';
import { announceReady } from '../src/ready-banner.ts';
import { fixtureWebDist } from './support/app.ts';
import { createTestDatabase, type TestDatabase } from './support/database.ts';
import { startScript } from './support/processes.ts';

const serverScript = path.resolve(import.meta.dirname, '../src/server.ts');
const readyEntry = /"address":"http:\/\/[^"]+"/;
const plainReadyLine = /(^|\n)Assay is ready at /;
const ctrlC = '\x03';
// PostgreSQL needs the key that encrypts the secrets stored in the database; SQLite accepts it.
const secretsKey = Buffer.alloc(32, 7).toString('base64');

function shellQuote(word: string): string {
  return `'${word.replaceAll("'", "'\\''")}'`;
}

/**
 * Runs server.ts until its ready log entry, then stops it (Ctrl-C on the terminal, SIGTERM
 * otherwise) and returns everything it wrote to stdout. `terminal` gives it a pseudo-terminal
 * through util-linux `script`.
 */
async function startAndStop(
  terminal: boolean,
  env: Record<string, string>,
): Promise<{ stdout: string; code: number | null }> {
  const fullEnv = { PATH: process.env.PATH ?? '', ...env };
  const child = terminal
    ? spawn(
        'script',
        ['-qfec', `exec ${shellQuote(process.execPath)} ${shellQuote(serverScript)}`, '/dev/null'],
        { env: fullEnv, stdio: ['pipe', 'pipe', 'pipe'] },
      )
    : spawn(process.execPath, [serverScript], { env: fullEnv, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const closed = once(child, 'close');
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      if (readyEntry.test(stdout)) resolve();
    });
    void closed.then(() => {
      reject(new Error(`server exited early: ${stdout}${stderr}`));
    });
  });
  if (terminal) {
    // The plain line may follow the log entry; give it a moment before stopping.
    for (let waited = 0; !plainReadyLine.test(stdout) && waited < 5000; waited += 50) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    child.stdin.write(ctrlC);
  } else {
    child.kill('SIGTERM');
  }
  const [code] = (await closed) as [number | null];
  return { stdout: stdout.replaceAll('\r\n', '\n'), code };
}

/** The lines that are not JSON log entries (without the terminal's echo of Ctrl-C). */
function plainLines(stdout: string): string[] {
  return stdout
    .split('\n')
    .map((line) => line.replace(/^\^C/, ''))
    .filter((line) => line !== '' && !line.startsWith('{'));
}

async function createAdmin(databaseUrl: string): Promise<void> {
  const migrate = startScript('cli.ts', ['db', 'migrate'], {
    DATABASE_URL: databaseUrl,
    SECRETS_KEY: secretsKey,
  });
  migrate.child.stdin?.end();
  assert.equal((await migrate.finished).code, 0);
  const cli = startScript(
    'cli.ts',
    [
      'users',
      'create',
      '--username',
      'root',
      '--email',
      'root@example.org',
      '--name',
      'Root',
      '--role',
      'admin',
    ],
    { DATABASE_URL: databaseUrl, SECRETS_KEY: secretsKey },
  );
  cli.child.stdin?.end('a long enough passphrase');
  const created = await cli.finished;
  assert.equal(created.code, 0, created.stderr);
}

describe('first start', () => {
  let database: TestDatabase;
  let env: Record<string, string>;
  let publicUrl: string;

  before(async () => {
    database = await createTestDatabase();
    const port = String(await freePort());
    publicUrl = `http://localhost:${port}`;
    env = {
      PORT: port,
      HOST: '127.0.0.1',
      DATABASE_URL: database.url,
      WEB_DIST_DIR: fixtureWebDist,
      SECRETS_KEY: secretsKey,
    };
  });
  after(() => database.destroy());

  it('on a terminal, says where to open Assay and how to create the first admin', async () => {
    const { stdout, code } = await startAndStop(true, env);
    assert.equal(code, 0, stdout);
    const human = plainLines(stdout);
    assert.equal(
      human[0],
      `Assay is ready at ${publicUrl} — create the first admin with:`,
      `the plain ready line, in:\n${stdout}`,
    );
    assert.match(
      human[1] ?? '',
      /^ {2}read -rsp 'Password: ' PW; printf '%s' "\$PW" \| npm run assay -- users create .*--role admin$/,
    );
    const lines = stdout.split('\n');
    const stopping = lines.findIndex((line) => line.includes('"signal":"SIGINT"'));
    const lastEntry = lines
      .slice(0, stopping)
      .findLastIndex((line) => line.startsWith('{"level":30'));
    assert.ok(readyEntry.test(lines[lastEntry] ?? ''), `the JSON log is still there:\n${stdout}`);
    assert.ok(
      lastEntry < lines.findIndex((line) => line.startsWith('Assay is ready at')),
      `the plain line comes after every start-up log entry, in:\n${stdout}`,
    );
  });

  it('through a pipe, writes JSON lines only, the ready entry naming the public URL', async () => {
    const { stdout, code } = await startAndStop(false, env);
    assert.equal(code, 0, stdout);
    const entries = stdout
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const ready = entries.find((entry) => typeof entry['address'] === 'string');
    assert.ok(ready, stdout);
    assert.equal(ready['msg'], `Assay is ready at ${publicUrl}`);
    assert.equal(ready['publicUrl'], publicUrl);
  });

  it('once an admin exists, only says where to open Assay', async () => {
    await createAdmin(database.url);
    const { stdout } = await startAndStop(true, env);
    const human = plainLines(stdout);
    assert.deepEqual(human, [`Assay is ready at ${publicUrl}`], stdout);
  });

  it('with an external provider, says where accounts are managed', async () => {
    const config = loadConfig({
      DATABASE_URL: database.url,
      PUBLIC_URL: 'https://exams.example.org',
      OIDC_ISSUER: 'https://id.example.org/',
      OIDC_CLIENT_ID: 'assay-web',
      OIDC_CLIENT_SECRET: 'a secret',
      SECRETS_KEY: secretsKey,
    });
    let written = '';
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        written += chunk.toString('utf8');
        done();
      },
    });
    const db = createDatabase(config.database);
    try {
      await announceReady(pino(destination), config, db, 'http://127.0.0.1:3000', true);
    } finally {
      await db.destroy();
    }
    const [entry, ...rest] = written.split('\n');
    assert.match(entry ?? '', /"msg":"Assay is ready at https:\/\/exams.example.org"/);
    assert.equal(
      rest.join('\n').trim(),
      'Assay is ready at https://exams.example.org — accounts and roles are managed at https://id.example.org/',
    );
  });
});
