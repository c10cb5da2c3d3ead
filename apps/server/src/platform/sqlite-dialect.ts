import { mkdirSync } from 'node:fs';
import path from 'node:path';
import {
  constants,
  DatabaseSync,
  type SQLInputValue,
  type SQLOutputValue,
  type StatementSync,
} from 'node:sqlite';
import {
  CompiledQuery,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  ValueNode,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  type LimitNode,
  type QueryCompiler,
  type QueryResult,
} from 'kysely';
import { LRUCache } from 'lru-cache';
import { BackgroundCheckpointer } from './sqlite-checkpointer.ts';

/** Options of `NodeSqliteDialect`. */
export interface NodeSqliteDialectOptions {
  /** Absolute path of the database file (its directory is created), or `:memory:`. */
  readonly file: string;
  /** How long a statement waits for a lock held by another process, in ms. */
  readonly busyTimeoutMs?: number;
  /** Told when the background checkpointer fails (checkpoints then run inline again). */
  readonly onCheckpointerError?: (error: Error) => void;
  /** The background checkpointer's timings (sqlite-checkpointer.ts); tests shorten them. */
  readonly checkpoints?: { readonly intervalMs?: number; readonly walResetBytes?: number };
}

/** How often the background checkpointer copies the write-ahead log into the database. */
const defaultCheckpointIntervalMs = 200;
/** Past this size the writer checkpoints once itself, so that the log starts over. */
const defaultWalResetBytes = 64 * 1024 * 1024;

/**
 * A Kysely dialect for Node's built-in `node:sqlite` — nothing to install. Kysely's own
 * `SqliteDialect` expects better-sqlite3's API, which `DatabaseSync` does not have.
 */
export class NodeSqliteDialect implements Dialect {
  readonly #options: NodeSqliteDialectOptions;

  constructor(options: NodeSqliteDialectOptions) {
    this.#options = options;
  }

  createAdapter(): DialectAdapter {
    return new NodeSqliteAdapter();
  }

  createDriver(): Driver {
    return new NodeSqliteDriver(this.#options);
  }

  createQueryCompiler(): QueryCompiler {
    return new NodeSqliteQueryCompiler();
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- Kysely's Dialect signature
  createIntrospector(db: Kysely<any>): DatabaseIntrospector {
    return new SqliteIntrospector(db);
  }
}

/** SQLite runs DDL inside transactions, so a failing migration leaves nothing behind. */
class NodeSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

/**
 * A tiny FIFO mutex. SQLite has one connection here, and a transaction is a property of the
 * connection, so every user (a single query or a whole transaction) holds it exclusively.
 */
class Mutex {
  #tail: Promise<void> = Promise.resolve();

  async acquire(): Promise<() => void> {
    let release!: () => void;
    const next = new Promise<void>((resolve) => {
      release = resolve;
    });
    const previous = this.#tail;
    this.#tail = previous.then(() => next);
    await previous;
    return release;
  }
}

class NodeSqliteDriver implements Driver {
  readonly #options: NodeSqliteDialectOptions;
  readonly #mutex = new Mutex();
  #connection: NodeSqliteConnection | undefined;
  #checkpointer: BackgroundCheckpointer | undefined;
  #release: (() => void) | undefined;

  constructor(options: NodeSqliteDialectOptions) {
    this.#options = options;
  }

  init(): Promise<void> {
    const { file, busyTimeoutMs = 5000 } = this.#options;
    if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
    const database = new DatabaseSync(file, { timeout: busyTimeoutMs });
    database.exec('PRAGMA journal_mode = WAL');
    database.exec('PRAGMA synchronous = NORMAL');
    database.exec('PRAGMA foreign_keys = ON');
    database.exec(`PRAGMA busy_timeout = ${String(busyTimeoutMs)}`);
    if (file !== ':memory:') {
      // Checkpoints (and their fsyncs) on a thread of their own: sqlite-checkpointer.ts.
      const walResetBytes = this.#options.checkpoints?.walResetBytes ?? defaultWalResetBytes;
      database.exec('PRAGMA wal_autocheckpoint = 0');
      // When the log starts over, a file grown past this is cut back to it.
      database.exec(`PRAGMA journal_size_limit = ${String(walResetBytes)}`);
      this.#checkpointer = new BackgroundCheckpointer(
        {
          file,
          intervalMs: this.#options.checkpoints?.intervalMs ?? defaultCheckpointIntervalMs,
          busyTimeoutMs,
          walResetBytes,
        },
        {
          catchUp: async () => {
            const release = await this.#mutex.acquire();
            try {
              if (database.isOpen) database.exec('PRAGMA wal_checkpoint(PASSIVE)');
            } finally {
              release();
            }
          },
          fail: (error) => {
            if (database.isOpen) database.exec('PRAGMA wal_autocheckpoint = 1000');
            this.#options.onCheckpointerError?.(error);
          },
        },
      );
    }
    this.#connection = new NodeSqliteConnection(database);
    return Promise.resolve();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const release = await this.#mutex.acquire();
    if (this.#connection === undefined) {
      release();
      throw new Error('The SQLite driver is not initialised or has been destroyed');
    }
    this.#release = release;
    return this.#connection;
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin'));
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('commit'));
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    // SQLite rolls a transaction back by itself on some errors (SQLITE_FULL, SQLITE_IOERR …);
    // rolling back again would fail and hide the error that ended it.
    if (connection instanceof NodeSqliteConnection && !connection.inTransaction) return;
    await connection.executeQuery(CompiledQuery.raw('rollback'));
  }

  async savepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`savepoint ${quoteIdentifier(name)}`));
  }

  async rollbackToSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`rollback to ${quoteIdentifier(name)}`));
  }

  async releaseSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`release ${quoteIdentifier(name)}`));
  }

  releaseConnection(): Promise<void> {
    const release = this.#release;
    this.#release = undefined;
    release?.();
    return Promise.resolve();
  }

  async destroy(): Promise<void> {
    // Wait for the current user of the connection, so no statement runs on a closed database.
    const release = await this.#mutex.acquire();
    await this.#checkpointer?.stop();
    this.#checkpointer = undefined;
    // The last connection to close checkpoints what is left and removes the log.
    this.#connection?.close();
    this.#connection = undefined;
    release();
  }
}

/**
 * Kysely's SQLite compiler, with a LIMIT that is a whole number written into the SQL instead of
 * bound. SQLite plans `ORDER BY … LIMIT` with the limit's value, so a bound limit had it compile
 * the statement again at every run: the catalog page took 11.5 µs instead of 4.5 µs in SQLite
 * alone, and more in the server. Each page size is a statement of its own then; sizes are bounded
 * by the schemas, so they are few.
 */
class NodeSqliteQueryCompiler extends SqliteQueryCompiler {
  protected override visitLimit(node: LimitNode): void {
    const { limit } = node;
    if (
      ValueNode.is(limit) &&
      typeof limit.value === 'number' &&
      Number.isSafeInteger(limit.value) &&
      limit.value >= 0
    ) {
      this.append(`limit ${String(limit.value)}`);
      return;
    }
    super.visitLimit(node);
  }
}

function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

const statementCacheSize = 256;

/**
 * A prepared statement with what `columns()` said about it: `columns()` costs as much as a short
 * query (tens of µs for 20 columns), so it is asked once per compilation, not once per run.
 */
interface CachedStatement {
  readonly statement: StatementSync;
  /** Its result columns, in order; none if it returns no rows (it is run, not read). */
  columns: readonly string[];
  /** Makes its rows; undefined if it returns none. */
  toRow: RowBuilder | undefined;
}

function columnsOf(statement: StatementSync): string[] {
  return statement.columns().map((column) => column.name);
}

function sameColumns(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((name, i) => name === b[i]);
}

class NodeSqliteConnection implements DatabaseConnection {
  readonly #database: DatabaseSync;
  // Preparing is a measurable share of a short query; repeated queries reuse their statement.
  readonly #statements = new LRUCache<string, CachedStatement>({ max: statementCacheSize });
  // How often SQLite has compiled SQL. After a schema change (by any connection, or a rolled back
  // migration) SQLite recompiles a statement at its next run, and `select *` may then have other
  // columns. It calls the authorizer whenever it compiles, so a run that changes this count must
  // build its rows by the new columns.
  #compilations = 0;

  constructor(database: DatabaseSync) {
    this.#database = database;
    database.setAuthorizer(() => {
      this.#compilations++;
      return constants.SQLITE_OK;
    });
  }

  /** Whether a transaction is open on the connection. */
  get inTransaction(): boolean {
    return this.#database.isTransaction;
  }

  #prepare(sql: string): CachedStatement {
    let cached = this.#statements.get(sql);
    if (cached === undefined) {
      const statement = this.#database.prepare(sql);
      // Arrays, made into plain objects by the row builder: faster than node:sqlite's own
      // objects, which have a null prototype and would need copying anyway.
      statement.setReturnArrays(true);
      const columns = columnsOf(statement);
      cached = { statement, columns, toRow: rowBuilderOf(columns) };
      this.#statements.set(sql, cached);
    }
    return cached;
  }

  /**
   * After a run of `cached` (rows or none, success or not): SQLite keeps a recompilation made
   * during the run, so the row builder must follow its columns.
   */
  #refreshRowBuilder(cached: CachedStatement, compilationsBeforeRun: number): void {
    if (this.#compilations === compilationsBeforeRun) return;
    // Usually the same columns (SQLite also recompiles for other reasons): keep the builder.
    const columns = columnsOf(cached.statement);
    if (!sameColumns(columns, cached.columns)) {
      cached.columns = columns;
      cached.toRow = rowBuilderOf(columns);
    }
  }

  executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    try {
      const cached = this.#prepare(compiledQuery.sql);
      const parameters = compiledQuery.parameters as SQLInputValue[];
      if (cached.toRow !== undefined) {
        const compilations = this.#compilations;
        let rows: SQLOutputValue[][];
        try {
          rows = cached.statement.all(...parameters) as unknown as SQLOutputValue[][];
        } finally {
          this.#refreshRowBuilder(cached, compilations);
        }
        return Promise.resolve({ rows: rows.map(cached.toRow) as R[] });
      }
      const { changes, lastInsertRowid } = cached.statement.run(...parameters);
      return Promise.resolve({
        numAffectedRows: BigInt(changes),
        insertId: BigInt(lastInsertRowid),
        rows: [],
      });
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  // eslint-disable-next-line @typescript-eslint/require-await -- node:sqlite is synchronous
  async *streamQuery<R>(
    compiledQuery: CompiledQuery,
    chunkSize = 100,
  ): AsyncIterableIterator<QueryResult<R>> {
    const cached = this.#prepare(compiledQuery.sql);
    const parameters = compiledQuery.parameters as SQLInputValue[];
    const compilations = this.#compilations;
    const iterator = cached.statement.iterate(...parameters) as unknown as Iterable<
      SQLOutputValue[]
    >;
    let toRow: RowBuilder | undefined;
    let rows: R[] = [];
    try {
      for (const values of iterator) {
        if (toRow === undefined) {
          // A recompilation, if any, happens at the first step.
          this.#refreshRowBuilder(cached, compilations);
          toRow = cached.toRow ?? (() => ({}));
        }
        rows.push(toRow(values) as R);
        if (rows.length >= chunkSize) {
          yield { rows };
          rows = [];
        }
      }
    } finally {
      // No row came (none matched, or the first step failed): a recompilation still stands.
      if (toRow === undefined) this.#refreshRowBuilder(cached, compilations);
    }
    if (rows.length > 0) yield { rows };
  }

  close(): void {
    this.#statements.clear();
    if (this.#database.isOpen) this.#database.close();
  }
}

/** Makes one result row, a plain object, from the values of its columns in order. */
type RowBuilder = (values: readonly SQLOutputValue[]) => Record<string, unknown>;

/**
 * The row builder of result columns `names`, or undefined if it has none. PostgreSQL rows
 * are plain objects, and tests compare rows with deepStrictEqual on both engines, so rows are
 * plain objects here too. As in node:sqlite's own row objects, a repeated column name keeps its
 * first position and its last value.
 */
function rowBuilderOf(names: readonly string[]): RowBuilder | undefined {
  if (names.length === 0) return undefined;
  // Assigning `row.__proto__` would set the prototype; node:sqlite makes it a column.
  if (names.includes('__proto__')) {
    return (values) => Object.fromEntries(names.map((name, i) => [name, values[i]]));
  }
  return (values) => {
    const row: Record<string, unknown> = {};
    for (let i = 0; i < names.length; i++) row[names[i] as string] = values[i];
    return row;
  };
}
