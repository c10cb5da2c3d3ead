import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
import {
  CompiledQuery,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  type QueryCompiler,
  type QueryResult,
} from 'kysely';

/** Options of `NodeSqliteDialect`. */
export interface NodeSqliteDialectOptions {
  /** Absolute path of the database file (its directory is created), or `:memory:`. */
  readonly file: string;
  /** How long a statement waits for a lock held by another process, in ms. */
  readonly busyTimeoutMs?: number;
}

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
    return new SqliteQueryCompiler();
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
    this.#connection?.close();
    this.#connection = undefined;
    release();
  }
}

function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

const statementCacheSize = 256;

class NodeSqliteConnection implements DatabaseConnection {
  readonly #database: DatabaseSync;
  // Preparing is a measurable share of a short query; repeated queries reuse their statement.
  readonly #statements = new Map<string, StatementSync>();

  constructor(database: DatabaseSync) {
    this.#database = database;
  }

  #prepare(sql: string): StatementSync {
    let statement = this.#statements.get(sql);
    if (statement === undefined) {
      statement = this.#database.prepare(sql);
      if (this.#statements.size >= statementCacheSize) {
        const oldest = this.#statements.keys().next().value;
        if (oldest !== undefined) this.#statements.delete(oldest);
      }
    } else {
      this.#statements.delete(sql);
    }
    this.#statements.set(sql, statement);
    return statement;
  }

  executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    try {
      const statement = this.#prepare(compiledQuery.sql);
      const parameters = compiledQuery.parameters as SQLInputValue[];
      if (statement.columns().length > 0) {
        return Promise.resolve({ rows: statement.all(...parameters).map(toPlainRow) as R[] });
      }
      const { changes, lastInsertRowid } = statement.run(...parameters);
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
    const statement = this.#prepare(compiledQuery.sql);
    const parameters = compiledQuery.parameters as SQLInputValue[];
    let rows: R[] = [];
    for (const row of statement.iterate(...parameters)) {
      rows.push(toPlainRow(row) as R);
      if (rows.length >= chunkSize) {
        yield { rows };
        rows = [];
      }
    }
    if (rows.length > 0) yield { rows };
  }

  close(): void {
    this.#statements.clear();
    if (this.#database.isOpen) this.#database.close();
  }
}

// node:sqlite returns null-prototype objects; PostgreSQL rows are plain objects. Tests compare
// rows with deepStrictEqual on both engines, so both must look the same.
function toPlainRow(row: Record<string, unknown>): Record<string, unknown> {
  return { ...row };
}
