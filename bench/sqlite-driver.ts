// `npm run bench:sqlite-driver`: Assay's node:sqlite dialect (apps/server/src/platform/
// sqlite-dialect.ts) beside what a library dialect does, in the same run.
//
// 1. Rows: how a result row is made from node:sqlite's values — the dialect's compiled object
//    literal, a plain loop over the column names, node:sqlite's own row objects (null prototype)
//    as they come and copied into plain objects. Eight result shapes take turns, as the
//    statements of a server do.
// 2. The hot service calls (catalog page, resuming an attempt, saving an answer) on the dialect
//    and on Kysely's own SqliteDialect over node:sqlite (the 15-line shim below is all that
//    kysely-sqlite, the npm dialect for node:sqlite, adds to it: prepare at every run, ask
//    columns() whether it returns rows, node:sqlite's row objects). Both on their own file with
//    the same pragmas; the library's automatic checkpoints are off, as the dialect's are, so
//    that only the statements are compared (bench/sqlite-checkpoints.ts compares checkpoints).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DatabaseSync, type SQLInputValue, type SQLOutputValue } from 'node:sqlite';
import { Kysely, SqliteDialect, type Dialect } from 'kysely';
import type { SqliteDatabase, SqliteStatement } from 'kysely';
import { compare, printComparison } from './micro.ts';
import { seedExams } from './seed.ts';
import type { Database } from '../apps/server/src/platform/database-schema.ts';
import { NodeSqliteDialect } from '../apps/server/src/platform/sqlite-dialect.ts';

const directory = mkdtempSync(path.join(tmpdir(), 'assay-bench-driver-'));

/** Kysely's SqliteDialect expects better-sqlite3's statements; node:sqlite's, adapted. */
function libraryDatabase(database: DatabaseSync): SqliteDatabase {
  return {
    close: () => {
      database.close();
    },
    prepare(sql): SqliteStatement {
      const statement = database.prepare(sql);
      const values = (parameters: readonly unknown[]) => parameters as SQLInputValue[];
      return {
        reader: statement.columns().length > 0,
        all: (parameters) => statement.all(...values(parameters)),
        run: (parameters) => statement.run(...values(parameters)),
        iterate: (parameters) => statement.iterate(...values(parameters)),
      };
    },
  };
}

function libraryDialect(file: string): Dialect {
  const database = new DatabaseSync(file, { timeout: 5000 });
  database.exec('PRAGMA journal_mode = WAL');
  database.exec('PRAGMA synchronous = NORMAL');
  database.exec('PRAGMA foreign_keys = ON');
  database.exec('PRAGMA wal_autocheckpoint = 0');
  return new SqliteDialect({ database: libraryDatabase(database) });
}

/** Row shapes: 8 column sets of 4 to 25 columns, as the server's statements have. */
function rowShapes(database: DatabaseSync) {
  const columns = Array.from({ length: 25 }, (_, i) => `column_${String(i)}`);
  database.exec(
    `create table wide (${columns.map((name, i) => `${name} ${i % 3 === 0 ? 'integer' : 'text'}`).join(', ')})`,
  );
  const insert = database.prepare(`insert into wide values (${columns.map(() => '?').join(', ')})`);
  for (let row = 0; row < 20; row++) {
    insert.run(
      ...columns.map((_, i) => (i % 3 === 0 ? row * i : `value ${String(row)}-${String(i)}`)),
    );
  }
  return [4, 7, 10, 13, 16, 19, 22, 25].map((width, shape) => {
    // Another offset per shape, so that no two shapes share their names.
    const names = columns.slice(0, width).map((name) => `${name} as s${String(shape)}_${name}`);
    return `select ${names.join(', ')} from wide`;
  });
}

type RowBuilder = (values: readonly SQLOutputValue[]) => Record<string, unknown>;

/** One object literal compiled for the names: monomorphic, where the loop is not. */
function compiledBuilder(names: readonly string[]): RowBuilder {
  const members = names.map((name, i) => `${JSON.stringify(name)}: values[${String(i)}]`);
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- names are JSON literals
  return new Function('values', `return { ${members.join(', ')} };`) as RowBuilder;
}

/** The dialect's way: a loop assigning each column. */
function loopBuilder(names: readonly string[]): RowBuilder {
  return (values) => {
    const row: Record<string, unknown> = {};
    for (let i = 0; i < names.length; i++) row[names[i] as string] = values[i];
    return row;
  };
}

async function compareRowBuilders(): Promise<void> {
  const database = new DatabaseSync(':memory:');
  const queries = rowShapes(database);
  const asArrays = queries.map((query) => {
    const statement = database.prepare(query);
    statement.setReturnArrays(true);
    const names = statement.columns().map((column) => column.name);
    return { statement, compiled: compiledBuilder(names), loop: loopBuilder(names) };
  });
  const asObjects = queries.map((query) => database.prepare(query));
  const figures = await compare(
    {
      'arrays, a plain loop over the names (the dialect)': () => {
        for (const { statement, loop } of asArrays) {
          (statement.all() as unknown as SQLOutputValue[][]).map(loop);
        }
      },
      'arrays, an object literal compiled per shape': () => {
        for (const { statement, compiled } of asArrays) {
          (statement.all() as unknown as SQLOutputValue[][]).map(compiled);
        }
      },
      "node:sqlite's rows as they come (null prototype)": () => {
        for (const statement of asObjects) statement.all();
      },
      "node:sqlite's rows copied into plain objects": () => {
        for (const statement of asObjects) statement.all().map((row) => ({ ...row }));
      },
    },
    { rounds: 5, milliseconds: 100 },
  );
  // The rows alone, from values read beforehand: what the builder itself costs.
  const values = asArrays.map(({ statement }) => statement.all() as unknown as SQLOutputValue[][]);
  const built = await compare(
    {
      'a plain loop over the names (the dialect)': () => {
        asArrays.forEach(({ loop }, i) => values[i]?.map(loop));
      },
      'an object literal compiled per shape': () => {
        asArrays.forEach(({ compiled }, i) => values[i]?.map(compiled));
      },
    },
    { rounds: 5, milliseconds: 100 },
  );
  database.close();
  const perRow = (figures: Map<string, number>) =>
    new Map([...figures].map(([name, value]) => [name, value / (8 * 20)]));
  printComparison(
    'Rows: statement run and rows made, per row (8 shapes of 4–25 columns, 20 rows each)',
    perRow(figures),
    "node:sqlite's rows as they come (null prototype)",
  );
  printComparison(
    'Rows made alone, per row',
    perRow(built),
    'an object literal compiled per shape',
  );
}

async function compareDialects(): Promise<void> {
  const ours = new Kysely<Database>({
    dialect: new NodeSqliteDialect({ file: path.join(directory, 'ours.db') }),
  });
  const library = new Kysely<Database>({
    dialect: libraryDialect(path.join(directory, 'library.db')),
  });
  try {
    const seeded = [
      await seedExams(ours, { learners: 1 }),
      await seedExams(library, { learners: 1 }),
    ];
    const calls = ['catalog page', 'resume an attempt', 'save an answer'] as const;
    const variants: Record<string, () => Promise<unknown>> = {};
    const names = ['the dialect', "Kysely's SqliteDialect"];
    for (const call of calls) {
      seeded.forEach((seed, i) => {
        variants[`${call}: ${names[i] ?? ''}`] = seed[call];
      });
    }
    const figures = await compare(variants, { batch: 10, rounds: 5, milliseconds: 100 });
    for (const call of calls) {
      const pair = new Map(
        names.map((name) => [name, figures.get(`${call}: ${name}`) ?? Number.NaN]),
      );
      printComparison(`Service call "${call}" on SQLite`, pair, "Kysely's SqliteDialect");
    }
  } finally {
    await ours.destroy();
    await library.destroy();
  }
}

try {
  await compareRowBuilders();
  await compareDialects();
} finally {
  rmSync(directory, { recursive: true, force: true });
}
