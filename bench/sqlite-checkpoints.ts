// `npm run bench:checkpoints`: answer saves under load with SQLite's WAL checkpoints on the
// dialect's worker thread (apps/server/src/platform/sqlite-checkpointer.ts) beside SQLite's own
// automatic checkpoints (`wal_autocheckpoint = 1000`, run inline by the commit that crosses
// 1000 pages), in the same run, each on its own database file, taking turns. Saves go through
// the service, one answer each: first 16 learners back to back (how many a second), then on a
// fixed schedule at half the slower one's rate, latency counted from when a save was due (so a
// stalled event loop shows, as it does to the requests queued behind it). Between the two,
// commits of one page each, timed one by one.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Kysely, sql } from 'kysely';
import { median, percentile } from './micro.ts';
import { seedExams, type LearnerAttempt } from './seed.ts';
import type { Database } from '../apps/server/src/platform/database-schema.ts';
import { NodeSqliteDialect } from '../apps/server/src/platform/sqlite-dialect.ts';

const rounds = 4;
const secondsPerRound = 0.8;
const directory = mkdtempSync(path.join(tmpdir(), 'assay-bench-checkpoints-'));

interface Configuration {
  readonly name: string;
  readonly db: Kysely<Database>;
  attempts: readonly LearnerAttempt[];
  /** Back to back: saves a second, per round. */
  readonly rates: number[];
  /** Back to back: how long the event loop was held, ms (99th percentile, most), per round. */
  readonly stalls: { p99: number; max: number }[];
  /** Page-sized commits: each one's time, ms. */
  readonly commits: number[];
  /** On a schedule: the saves' latencies in ms (50th, 99th percentile, most), per round. */
  readonly latencies: { p50: number; p99: number; max: number }[];
}

async function configuration(name: string, automatic: boolean): Promise<Configuration> {
  const db = new Kysely<Database>({
    dialect: new NodeSqliteDialect({
      file: path.join(directory, `${automatic ? 'automatic' : 'worker'}.db`),
      // The worker idles (its longest interval), and SQLite checkpoints by itself again.
      ...(automatic ? { checkpoints: { intervalMs: 2 ** 31 - 1 } } : {}),
    }),
  });
  if (automatic) await sql`PRAGMA wal_autocheckpoint = 1000`.execute(db);
  return { name, db, attempts: [], rates: [], stalls: [], commits: [], latencies: [] };
}

/** Every learner saves back to back for `seconds`. */
async function savesPerSecond(target: Configuration, seconds: number): Promise<void> {
  const until = performance.now() + seconds * 1000;
  let saves = 0;
  // The loop is never idle here, so its delays are the synchronous stretches: a statement, and
  // with automatic checkpoints now and then a checkpoint with its fsyncs.
  const delays = monitorEventLoopDelay({ resolution: 1 });
  delays.enable();
  const started = performance.now();
  await Promise.all(
    target.attempts.map(async (attempt) => {
      while (performance.now() < until) {
        await attempt.saveNext();
        saves++;
        // Back to the event loop between saves, as a server is between requests.
        await new Promise((resolve) => setImmediate(resolve));
      }
    }),
  );
  target.rates.push(saves / ((performance.now() - started) / 1000));
  delays.disable();
  target.stalls.push({ p99: delays.percentile(99) / 1e6, max: delays.max / 1e6 });
}

/** Saves due at `rate` a second for `seconds`, the learners in turn; records their latencies. */
async function savesAtRate(target: Configuration, rate: number, seconds: number): Promise<void> {
  const start = performance.now() + 10;
  const latencies: number[] = [];
  await Promise.all(
    Array.from({ length: Math.round(rate * seconds) }, async (_, i) => {
      const due = start + (i * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      await target.attempts[i % target.attempts.length]?.saveNext();
      latencies.push(performance.now() - due);
    }),
  );
  const sorted = latencies.toSorted((a, b) => a - b);
  target.latencies.push({
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.at(-1) ?? 0,
  });
}

/**
 * Commits of one page each (the log reaches 1000 pages twice a round), timed one by one: with
 * automatic checkpoints, the commit that crosses 1000 pages copies them and waits for the fsyncs.
 */
async function pageCommits(target: Configuration): Promise<void> {
  const body = 'x'.repeat(3500);
  for (let n = 0; n < 2000; n++) {
    const begun = performance.now();
    await sql`insert into bench_pages (body) values (${body})`.execute(target.db);
    target.commits.push(performance.now() - begun);
    if (n % 100 === 99) await new Promise((resolve) => setImmediate(resolve));
  }
}

const configurations = [
  await configuration('checkpoints on the worker thread (the dialect)', false),
  await configuration('SQLite automatic checkpoints (wal_autocheckpoint)', true),
];
try {
  for (const target of configurations) {
    target.attempts = (await seedExams(target.db, { exams: 1 })).attempts;
    await savesPerSecond(target, 0.3); // warm-up: JIT, caches
    target.rates.length = 0;
    target.stalls.length = 0;
  }
  for (let round = 0; round < rounds; round++) {
    for (const target of configurations) await savesPerSecond(target, secondsPerRound);
  }
  for (const { db } of configurations) {
    await sql`create table bench_pages (id integer primary key, body text not null)`.execute(db);
  }
  for (let round = 0; round < rounds; round++) {
    for (const target of configurations) await pageCommits(target);
  }
  const rate = Math.min(...configurations.map(({ rates }) => median(rates))) / 2;
  for (let round = 0; round < rounds; round++) {
    for (const target of configurations) await savesAtRate(target, rate, secondsPerRound);
  }
  const table = (title: string, columns: string[], rows: [string, number[]][]) => {
    console.log(`\n${title}`);
    console.log(`  ${'checkpoints'.padEnd(52)}${columns.map((c) => c.padStart(9)).join('')}`);
    for (const [name, values] of rows) {
      console.log(`  ${name.padEnd(52)}${values.map((v) => v.toFixed(2).padStart(9)).join('')}`);
    }
  };
  const each = `${String(rounds)} × ${String(secondsPerRound)} s each, taking turns; medians of rounds`;
  table(
    `Answer saves back to back, 16 learners (${each})`,
    ['saves/s', 'loop p99', 'loop max'],
    configurations.map(({ name, rates, stalls }) => [
      name,
      [median(rates), median(stalls.map(({ p99 }) => p99)), median(stalls.map(({ max }) => max))],
    ]),
  );
  table(
    `Commits of one page, ms (${String(rounds)} × 2000 each, taking turns)`,
    ['p50', 'p99.9', 'max'],
    configurations.map(({ name, commits }) => {
      const sorted = commits.toSorted((a, b) => a - b);
      return [name, [percentile(sorted, 50), percentile(sorted, 99.9), sorted.at(-1) ?? 0]];
    }),
  );
  table(
    `Answer saves offered at ${rate.toFixed(0)}/s, latency from when due, ms (${each})`,
    ['p50', 'p99', 'max'],
    configurations.map(({ name, latencies }) => [
      name,
      [
        median(latencies.map(({ p50 }) => p50)),
        median(latencies.map(({ p99 }) => p99)),
        median(latencies.map(({ max }) => max)),
      ],
    ]),
  );
} finally {
  for (const { db } of configurations) await db.destroy();
  rmSync(directory, { recursive: true, force: true });
}
