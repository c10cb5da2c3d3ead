// `npm run bench:attempt-json`: the attempt view's JSON (apps/server/src/attempts/
// attempt-view-json.ts: questions serialized once per attempt and kept) beside the standard
// paths, in the same run: the serializer Fastify compiles from the route's response schema
// (fast-json-stringify), and JSON.stringify.
//
// Per attempt size: the serializers alone, then a request served by Fastify (app.inject) whose
// handler answers a view at once — everything a read does but authentication and the database,
// which only shrink the difference.
import assert from 'node:assert/strict';
import { EXAM_LIMITS, AttemptView, type AttemptQuestion } from '@assay/contracts';
import Fastify from 'fastify';
import fastJson from 'fast-json-stringify';
import { compare, printComparison } from './micro.ts';
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

async function servedBy(view: AttemptView) {
  const app = Fastify();
  const response = { 200: AttemptView };
  app.get(
    '/kept',
    { serializerCompiler: attemptViewSerializerCompiler, schema: { response } },
    () => view,
  );
  app.get('/schema', { schema: { response } }, () => view);
  await app.ready();
  const read = (url: string) => async () => {
    const reply = await app.inject({ method: 'GET', url });
    if (reply.statusCode !== 200) throw new Error(`${url}: ${String(reply.statusCode)}`);
  };
  return { app, kept: read('/kept'), schema: read('/schema') };
}

for (const size of sizes) {
  const view = viewOf(size);
  const bytes = Buffer.byteLength(serializeAttemptView(view));
  // The same members (ours puts `questions` last).
  assert.deepStrictEqual(JSON.parse(serializeAttemptView(view)), JSON.parse(bySchema(view)));
  const large = bytes > 1_000_000;
  const options = large
    ? { batch: 1, rounds: 3, milliseconds: 300 }
    : { rounds: 5, milliseconds: 100 };
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
  if (large) continue;
  const served = await servedBy(view);
  try {
    const requests = await compare({ [ours]: served.kept, [schema]: served.schema }, options);
    printComparison(`Serving it (app.inject): ${size.name}`, requests, schema);
  } finally {
    await served.app.close();
  }
}
