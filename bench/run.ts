// `npm run bench`: Assay's throughput and latency side by side with a bare Fastify "hello world"
// measured in the same run on the same machine (the ceiling). Loopback only, bounded in time.
//
//   BENCH_SECONDS          seconds per measured read scenario (default 8)
//   BENCH_CONNECTIONS      concurrent connections for read scenarios (default 32)
//   BENCH_TIMEOUT_SECONDS  the whole run stops (servers too) after this long (default 600)
//
// Assay runs as `npm start` runs it (own process, SQLite file, migrations, sample exams), with
// LOG_LEVEL=warn so that request logging does not dominate what is measured.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { percentile } from './micro.ts';
import { assayCli, browse, CookieJar, json, startService, type Service } from './support.ts';

const seconds = Number(process.env['BENCH_SECONDS'] ?? 8);
const connections = Number(process.env['BENCH_CONNECTIONS'] ?? 32);
const timeoutSeconds = Number(process.env['BENCH_TIMEOUT_SECONDS'] ?? 600);

interface Figure {
  scenario: string;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
}

async function load(
  scenario: string,
  url: string,
  headers: Record<string, string> = {},
): Promise<Figure> {
  const options = { url, headers, connections, pipelining: 1 };
  await autocannon({ ...options, duration: 2 }); // warm-up: JIT, caches, connection setup
  const result = await autocannon({ ...options, duration: seconds });
  return {
    scenario,
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
  };
}

interface Client {
  client_id: string;
  client_secret: string;
}

async function clientToken(assay: Service, client: Client): Promise<string> {
  const response = await fetch(`${assay.url}/oidc/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${client.client_id}:${client.client_secret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ grant_type: 'client_credentials' }).toString(),
  });
  return (await json<{ access_token: string }>(response)).access_token;
}

function api(assay: Service, token: string) {
  return async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(assay.url + path, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? null : JSON.stringify(body),
    });
    return response.status === 204 ? (undefined as T) : json<T>(response);
  };
}

interface AttemptView {
  id: string;
  questions: { id: string; choices: { id: string }[] }[];
}

/** A published exam of 20 single-choice questions with four choices each. */
async function createExam(author: ReturnType<typeof api>, n: number): Promise<string> {
  const exam = await author<{ id: string }>('POST', '/api/exams', {
    title: `Benchmark exam ${n}`,
    description: 'Twenty questions, four choices each.',
    passMark: 50,
  });
  for (let q = 1; q <= 20; q++) {
    await author('POST', `/api/exams/${exam.id}/questions`, {
      type: 'single_choice',
      text: `Question ${q}: which choice is the second one?`,
      explanation: 'The second choice is the second one.',
      choices: [1, 2, 3, 4].map((c) => ({ text: `Choice ${c}`, correct: c === 2 })),
    });
  }
  await author('POST', `/api/exams/${exam.id}/publish`);
  return exam.id;
}

async function pool<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const item = items[next++] as T;
        await work(item);
      }
    }),
  );
}

interface Learner {
  call: ReturnType<typeof api>;
  token: string;
}

/** An answer to each of an attempt's 20 questions (a quarter of them right). */
function answersFor(attempt: AttemptView) {
  return {
    answers: attempt.questions.map((question, i) => ({
      questionId: question.id,
      choiceIds: [question.choices[i % 4]?.id],
      revision: 1,
    })),
  };
}

/** Starts one attempt per (learner, exam) and saves an answer to each of its 20 questions. */
async function prepareAttempts(learners: Learner[], examIds: string[]) {
  const pairs = learners.flatMap((learner) => examIds.map((examId) => ({ learner, examId })));
  const ready: { learner: Learner; attemptId: string }[] = [];
  await pool(pairs, 16, async ({ learner, examId }) => {
    const attempt = await learner.call<AttemptView>('POST', `/api/exams/${examId}/attempts`);
    await learner.call('PUT', `/api/attempts/${attempt.id}/answers`, answersFor(attempt));
    ready.push({ learner, attemptId: attempt.id });
  });
  return ready;
}

type PreparedAttempt = Awaited<ReturnType<typeof prepareAttempts>>[number];

// Linux's USER_HZ: /proc/<pid>/stat counts CPU time in ticks of 1/100 s.
const clockTicksPerSecond = 100;

/** CPU seconds (user + system, all threads) the process has used so far. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields 14 and 15 are utime and stime; counting starts after the command name in parentheses
  // (field 2, which may contain spaces) with the state, field 3.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[14 - 3]) + Number(fields[15 - 3])) / clockTicksPerSecond;
}

interface SubmissionFigure extends Figure {
  /** Wall time spent submitting, setup between rounds excluded. */
  seconds: number;
  /** The server's CPU time over those seconds: near 1 (or more, with GC threads) is CPU-bound. */
  serverCpuSeconds: number;
}

/** What a submission scenario's rounds add up to. */
class SubmissionTally {
  readonly #latencies: number[] = [];
  #graded = 0;
  #sent = 0;
  #seconds = 0;
  #serverCpuSeconds = 0;

  answered(status: number, latency: number): void {
    this.#latencies.push(latency);
    if (status === 200) this.#graded++;
  }

  round(sent: number, seconds: number, serverCpuSeconds: number): void {
    this.#sent += sent;
    this.#seconds += seconds;
    this.#serverCpuSeconds += serverCpuSeconds;
  }

  figure(scenario: string): SubmissionFigure {
    const sorted = this.#latencies.toSorted((a, b) => a - b);
    return {
      scenario,
      // What was served: below the offered rate when the server falls behind.
      requestsPerSecond: this.#graded / this.#seconds,
      p50: percentile(sorted, 50),
      p99: percentile(sorted, 99),
      // Anything but a graded submission: other statuses, and requests that got no answer.
      errors: this.#sent - this.#graded,
      seconds: this.#seconds,
      serverCpuSeconds: this.#serverCpuSeconds,
    };
  }
}

/**
 * As many graded submissions as the server takes, 16 in flight at a time, each attempt submitted
 * once. autocannon, not fetch: the client shares the server's CPUs, and fetch needs far more.
 */
async function submissionsAtFullSpeed(assay: Service, learners: Learner[], examIds: string[]) {
  const tally = new SubmissionTally();
  for (let round = 0; round < 6; round++) {
    const attempts = await prepareAttempts(learners, examIds);
    let next = 0;
    const cpuBefore = cpuSeconds(assay.pid);
    const started = performance.now();
    // The round ends with its last answer, not when autocannon has wound down.
    let ended = started;
    await new Promise<void>((resolve, reject) => {
      const instance = autocannon(
        {
          url: assay.url,
          connections: 16,
          amount: attempts.length,
          // autocannon notices that it is done only at its next sample, every 1 s by default.
          sampleInt: 10,
          requests: [
            {
              method: 'POST',
              // Called right before each request is sent: the next attempt, its learner's token.
              setupRequest: (request) => {
                const { learner, attemptId } = attempts[next++] as PreparedAttempt;
                return {
                  ...request,
                  path: `/api/attempts/${attemptId}/submit`,
                  headers: { authorization: `Bearer ${learner.token}` },
                };
              },
            },
          ],
        },
        (error: Error | null) => {
          if (error === null) resolve();
          else reject(error);
        },
      );
      instance.on('response', (_client, status, _bytes, latency) => {
        tally.answered(status, latency);
        ended = performance.now();
      });
    });
    tally.round(attempts.length, (ended - started) / 1000, cpuSeconds(assay.pid) - cpuBefore);
  }
  return tally.figure('graded submission, 20 questions (max)');
}

/** POSTs without a body and discards the answer; resolves to its status, 0 if there was none. */
function post(url: string, headers: http.OutgoingHttpHeaders, agent: http.Agent): Promise<number> {
  return new Promise((resolve) => {
    const request = http.request(url, { method: 'POST', headers, agent }, (response) => {
      response.on('end', () => {
        resolve(response.statusCode ?? 0);
      });
      response.on('error', () => {
        resolve(0);
      });
      response.resume();
    });
    request.on('error', () => {
      resolve(0);
    });
    request.end();
  });
}

/**
 * Readies this process to send on a schedule, so that what the latencies show is the server:
 * the garbage of preparing the attempts collected now (when run with --expose-gc, as
 * `npm run bench` does) rather than during the schedule, and some connections already open.
 * Without this, the first requests of a round waited up to 50 ms here while the server's event
 * loop was idle.
 */
async function settleClient(assay: Service, agent: http.Agent): Promise<void> {
  (globalThis as { gc?: () => void }).gc?.();
  await Promise.all(
    Array.from(
      { length: 16 },
      () =>
        new Promise<void>((resolve) => {
          http
            .get(`${assay.url}/healthz`, { agent }, (response) => {
              response.on('end', resolve).resume();
            })
            .on('error', () => {
              resolve();
            });
        }),
    ),
  );
}

/**
 * Submissions sent on a fixed schedule (open loop) at `rate` per second. Latency counts from the
 * moment a request was due, so a stall shows up instead of hiding in a shorter queue. node:http,
 * not fetch, for the client's CPU; up to 64 requests in flight, later ones wait for a socket (and
 * that wait counts).
 */
async function submissionsAtRate(
  assay: Service,
  learners: Learner[],
  examIds: string[],
  rate: number,
) {
  const tally = new SubmissionTally();
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  try {
    for (let round = 0; round < 4; round++) {
      const attempts = await prepareAttempts(learners, examIds);
      await settleClient(assay, agent);
      const cpuBefore = cpuSeconds(assay.pid);
      const start = performance.now() + 20;
      await Promise.all(
        attempts.map(async ({ learner, attemptId }, i) => {
          const due = start + (i * 1000) / rate;
          const wait = due - performance.now();
          if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
          const status = await post(
            `${assay.url}/api/attempts/${attemptId}/submit`,
            { authorization: `Bearer ${learner.token}` },
            agent,
          );
          tally.answered(status, performance.now() - due);
        }),
      );
      tally.round(
        attempts.length,
        (performance.now() - start) / 1000,
        cpuSeconds(assay.pid) - cpuBefore,
      );
    }
  } finally {
    agent.destroy();
  }
  return tally.figure(`graded submission, offered ${Math.round(rate)}/s`);
}

/** Signs a user in through the BFF exactly as a browser would; returns the cookie jar. */
async function signInThroughBff(assay: Service, login: string, password: string) {
  const jar = new CookieJar();
  const page = await browse(jar, `${assay.url}/bff/login?returnTo=/`);
  const uid = /\/interaction\/([^/?#]+)/.exec(page.url)?.[1];
  if (uid === undefined) throw new Error(`Sign-in did not reach the interaction page: ${page.url}`);
  const answer = await fetch(`${assay.url}/interaction/${uid}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: jar.header() },
    body: JSON.stringify({ login, password }),
  });
  jar.store(answer);
  const { redirectTo } = await json<{ redirectTo: string }>(answer);
  await browse(jar, new URL(redirectTo, assay.url).toString());
  if (jar.get('XSRF-TOKEN') === undefined) throw new Error('The BFF did not set a session');
  return jar;
}

const dataDir = mkdtempSync(join(tmpdir(), 'assay-bench-'));
const databaseUrl = `sqlite:${join(dataDir, 'assay.db')}`;
const services: Service[] = [];

async function stopEverything(): Promise<void> {
  for (const service of services.reverse()) await service.stop();
  services.length = 0;
  rmSync(dataDir, { recursive: true, force: true });
}

// Bounded in time whatever happens: a stuck server or scenario ends the run, servers included.
const watchdog = setTimeout(() => {
  console.error(`The benchmark did not finish within ${timeoutSeconds} s; stopping.`);
  void stopEverything().finally(() => process.exit(1));
}, timeoutSeconds * 1000);
watchdog.unref();

try {
  const hello = await startService('bench/hello-server.ts', {}, '/');
  services.push(hello);
  const assay = await startService(
    'apps/server/src/server.ts',
    { DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn' },
    '/readyz',
  );
  services.push(assay);
  const cli = (args: string[], stdin?: string) =>
    assayCli(args, { DATABASE_URL: databaseUrl }, stdin);

  console.log('Setting up: machine clients, exams, a signed-in user …');
  const authorClient = JSON.parse(
    await cli(['clients', 'create', '--name', 'bench-author', '--scope', 'manage:exams']),
  ) as Client;
  const author = api(assay, await clientToken(assay, authorClient));
  const examIds: string[] = [];
  for (let n = 1; n <= 25; n++) examIds.push(await createExam(author, n));

  const learners: Learner[] = [];
  for (let n = 1; n <= 16; n++) {
    const client = JSON.parse(
      await cli(['clients', 'create', '--name', `bench-learner-${n}`, '--scope', 'take:exams']),
    ) as Client;
    const token = await clientToken(assay, client);
    learners.push({ token, call: api(assay, token) });
  }

  // The attempts the read scenarios fetch carry an answer to each of their 20 questions.
  const reader = learners[0] as Learner;
  const readerAttempt = await reader.call<AttemptView>('POST', `/api/exams/${examIds[0]}/attempts`);
  await reader.call('PUT', `/api/attempts/${readerAttempt.id}/answers`, answersFor(readerAttempt));

  // The second ceiling: bare Fastify sending the very bytes of that read, as they are.
  const readBody = await (
    await fetch(`${assay.url}/api/attempts/${readerAttempt.id}`, {
      headers: { authorization: `Bearer ${reader.token}` },
    })
  ).text();
  const readBodyFile = join(dataDir, 'read-body.json');
  writeFileSync(readBodyFile, readBody);
  const sameBytes = await startService('bench/hello-server.ts', { BODY_FILE: readBodyFile }, '/');
  services.push(sameBytes);
  const readKilobytes = (Buffer.byteLength(readBody) / 1000).toFixed(1);

  const password = 'correct horse battery staple';
  await cli(
    ['users', 'create', '--username', 'bench', '--email', 'bench@example.org', '--name', 'Bench'],
    `${password}\n`,
  );
  const jar = await signInThroughBff(assay, 'bench', password);
  const started = await fetch(`${assay.url}/api/exams/${examIds[0]}/attempts`, {
    method: 'POST',
    headers: { cookie: jar.header(), 'x-xsrf-token': jar.get('XSRF-TOKEN') ?? '' },
  });
  const cookieAttempt = await json<AttemptView>(started);
  const savedByCookie = await fetch(`${assay.url}/api/attempts/${cookieAttempt.id}/answers`, {
    method: 'PUT',
    headers: {
      cookie: jar.header(),
      'x-xsrf-token': jar.get('XSRF-TOKEN') ?? '',
      'content-type': 'application/json',
    },
    body: JSON.stringify(answersFor(cookieAttempt)),
  });
  await json(savedByCookie);

  console.log(`Measuring (${seconds} s per read scenario, ${connections} connections) …`);
  const figures: Figure[] = [];
  const ceiling = await load('hello world (bare Fastify)', `${hello.url}/`);
  figures.push(ceiling);
  const sameBytesCeiling = await load(
    `bare Fastify, the read's ${readKilobytes} KB`,
    sameBytes.url,
  );
  figures.push(sameBytesCeiling);
  figures.push(await load('public catalog GET /api/exams', `${assay.url}/api/exams`));
  const bearer = await load(
    'authenticated read, bearer',
    `${assay.url}/api/attempts/${readerAttempt.id}`,
    { authorization: `Bearer ${reader.token}` },
  );
  figures.push(bearer);
  figures.push(
    await load('authenticated read, BFF cookie', `${assay.url}/api/attempts/${cookieAttempt.id}`, {
      cookie: jar.header(),
    }),
  );
  const full = await submissionsAtFullSpeed(assay, learners, examIds);
  figures.push(full);
  const half = await submissionsAtRate(
    assay,
    learners,
    examIds,
    Math.max(1, full.requestsPerSecond / 2),
  );
  figures.push(half);

  console.log('');
  console.log(
    `${'scenario'.padEnd(40)} ${'req/s'.padStart(9)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'× hello'.padStart(8)} ${'errors'.padStart(7)}`,
  );
  for (const f of figures) {
    console.log(
      `${f.scenario.padEnd(40)} ${f.requestsPerSecond.toFixed(0).padStart(9)} ${f.p50.toFixed(2).padStart(8)} ${f.p99.toFixed(2).padStart(8)} ${(f.requestsPerSecond / ceiling.requestsPerSecond).toFixed(2).padStart(8)} ${String(f.errors).padStart(7)}`,
    );
  }
  const ratio = (figure: Figure, to: Figure) =>
    (figure.requestsPerSecond / to.requestsPerSecond).toFixed(2);
  console.log('');
  console.log('Targets (issue 4):');
  console.log(`  authenticated read ≥ 0.5 × hello world: ${ratio(bearer, ceiling)}`);
  console.log(
    `    (bare Fastify sending the read's bytes: ${ratio(sameBytesCeiling, ceiling)} × hello world; ` +
      `the read is ${ratio(bearer, sameBytesCeiling)} × that)`,
  );
  console.log(`  graded submissions > 2,000/s on SQLite: ${full.requestsPerSecond.toFixed(0)}/s`);
  console.log(`  p99 < 20 ms at half that rate: ${half.p99.toFixed(2)} ms`);
  console.log('');
  console.log('Server CPU while submitting (1.00 = one core busy all the time):');
  for (const f of [full, half]) {
    console.log(
      `  ${f.scenario.padEnd(40)} ${f.serverCpuSeconds.toFixed(2)} s CPU over ${f.seconds.toFixed(2)} s = ${(f.serverCpuSeconds / f.seconds).toFixed(2)}`,
    );
  }
} finally {
  clearTimeout(watchdog);
  await stopEverything();
}
