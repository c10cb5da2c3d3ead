// `npm run bench:attempt-json`: the attempt view's JSON (apps/server/src/attempts/
// attempt-view-json.ts: questions serialized once per attempt and kept) beside the standard
// paths, in the same run: the serializer Fastify compiles from the route's response schema
// (fast-json-stringify), and JSON.stringify.
//
// Per attempt size: the serializers alone, then requests served over HTTP by Fastify whose
// handler answers a view at once — everything a read does but authentication and the database,
// which only shrink the difference.
import assert from 'node:assert/strict';
import { EXAM_LIMITS, AttemptView, type AttemptQuestion } from '@assay/contracts';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import autocannon, { type Result } from 'autocannon';
import Fastify from 'fastify';
import fastJson from 'fast-json-stringify';
import { compare, median, printComparison } from './micro.ts';
import {
  attemptViewSerializerCompiler,
  serializeAttemptView,
} from '../apps/server/src/attempts/attempt-view-json.ts';

interface Size {
  readonly name: string;
  readonly questions: number;
  readonly choices: number;
  readonly textLength: number;
  readonly choiceLength: number;
}

const sizes: Size[] = [
  {
    name: '20 questions × 4 choices (npm run bench)',
    questions: 20,
    choices: 4,
    textLength: 50,
    choiceLength: 8,
  },
  {
    name: '50 questions × 4 choices',
    questions: 50,
    choices: 4,
    textLength: 200,
    choiceLength: 40,
  },
  {
    name: 'the largest EXAM_LIMITS allow',
    questions: EXAM_LIMITS.questionsPerExamMax,
    choices: EXAM_LIMITS.choicesPerQuestionMax,
    textLength: EXAM_LIMITS.questionTextMaxLength,
    choiceLength: EXAM_LIMITS.choiceTextMaxLength,
  },
];

/** A flat string, as one read from the database is (a sliced or repeated one is slow to copy). */
function text(length: number, seed: number): string {
  const repeated = `Text ${String(seed)} “quoted” é `
    .repeat(Math.ceil(length / 20))
    .slice(0, length);
  return Buffer.from(repeated).toString();
}

/** A view as the service makes it for an attempt in progress: frozen questions, some answers. */
function viewOf(size: Size): AttemptView {
  const questions: AttemptQuestion[] = Array.from({ length: size.questions }, (_, q) => ({
    id: crypto.randomUUID(),
    position: q + 1,
    type: 'single_choice',
    text: text(size.textLength, q),
    points: 1,
    choices: Array.from({ length: size.choices }, (_, c) => ({
      id: crypto.randomUUID(),
      text: text(size.choiceLength, c),
    })),
  }));
  for (const question of questions) {
    for (const choice of question.choices) Object.freeze(choice);
    Object.freeze(question.choices);
    Object.freeze(question);
  }
  Object.freeze(questions);
  return {
    id: crypto.randomUUID(),
    examId: crypto.randomUUID(),
    examTitle: 'Benchmark exam',
    state: 'in_progress',
    number: 1,
    maxAttempts: 3,
    startedAt: '2026-12-02T10:00:00.000Z',
    deadline: '2026-12-02T11:00:00.000Z',
    serverNow: '2026-12-02T10:05:00.000Z',
    questionCount: questions.length,
    answeredCount: Math.floor(questions.length / 2),
    questions,
    answers: questions.slice(0, Math.floor(questions.length / 2)).map((question, revision) => ({
      questionId: question.id,
      choiceIds: [question.choices[0]?.id ?? ''],
      revision,
    })),
    result: null,
  };
}

const bySchema = fastJson(AttemptView);
const ours = 'kept questions (attempt-view-json.ts)';
const schema = "the response schema's serializer (Fastify's default)";

/** In a worker thread: a Fastify server answering `view` on both paths; posts its port. */
async function serve(view: AttemptView): Promise<void> {
  const app = Fastify();
  const response = { 200: AttemptView };
  app.get(
    '/kept',
    { serializerCompiler: attemptViewSerializerCompiler, schema: { response } },
    () => view,
  );
  app.get('/schema', { schema: { response } }, () => view);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  parentPort?.postMessage(typeof address === 'object' ? address?.port : undefined);
  parentPort?.once('message', () => {
    void app.close().then(() => parentPort?.close());
  });
}

/**
 * Requests a second and their p99 (ms) on each path of a server in a worker thread (the client
 * here, as in `npm run bench`, runs beside it), taking turns; medians of the rounds.
 */
async function servedOverHttp(size: Size) {
  const worker = new Worker(new URL(import.meta.url), { workerData: size });
  const port = await new Promise<number>((resolve) => worker.once('message', resolve));
  const paths = { [ours]: '/kept', [schema]: '/schema' };
  const samples = new Map(Object.keys(paths).map((name) => [name, [] as Result[]]));
  try {
    for (let round = 0; round < 4; round++) {
      for (const [name, path] of Object.entries(paths)) {
        const url = `http://127.0.0.1:${String(port)}${path}`;
        const result = await autocannon({ url, connections: 16, duration: round === 0 ? 0.5 : 1 });
        if (round > 0) samples.get(name)?.push(result);
      }
    }
  } finally {
    worker.postMessage('stop');
    await new Promise((resolve) => worker.once('exit', resolve));
  }
  console.log(`\nServing it over HTTP (Fastify in a worker thread, 16 connections): ${size.name}`);
  console.log(`  ${'variant'.padEnd(58)} ${'req/s'.padStart(10)} ${'p99 ms'.padStart(8)}`);
  for (const [name, results] of samples) {
    const perSecond = median(results.map((result) => result.requests.average));
    const p99 = median(results.map((result) => result.latency.p99));
    console.log(
      `  ${name.padEnd(58)} ${perSecond.toFixed(0).padStart(10)} ${p99.toFixed(2).padStart(8)}`,
    );
  }
}

async function main(): Promise<void> {
  for (const size of sizes) {
    const view = viewOf(size);
    const bytes = Buffer.byteLength(serializeAttemptView(view));
    // The same members (ours puts `questions` last).
    assert.deepStrictEqual(JSON.parse(serializeAttemptView(view)), JSON.parse(bySchema(view)));
    const large = bytes > 1_000_000;
    const options = large
      ? { batch: 1, rounds: 3, milliseconds: 300 }
      : { batch: 10, rounds: 7, milliseconds: 100 };
    const alone = await compare(
      {
        [ours]: () => serializeAttemptView(view),
        [schema]: () => bySchema(view),
        'JSON.stringify': () => JSON.stringify(view),
      },
      options,
    );
    printComparison(
      `Serializing an attempt view: ${size.name}, ${(bytes / 1000).toFixed(1)} kB`,
      alone,
      schema,
    );
    // A request of megabytes is all copying, whichever serializer made them.
    if (!large) await servedOverHttp(size);
  }
}

if (isMainThread) await main();
else await serve(viewOf(workerData as Size));
