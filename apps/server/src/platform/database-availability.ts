/*
 * Whether the database can serve: which failures mean "down for a while" rather than "this
 * request is wrong", and the state that follows from them. Requests failing with such an error
 * answer 503 `database_unavailable`; `/readyz` answers 503 while the state says so; and the log
 * gets one line when an outage starts and one when it ends, however many requests it costs.
 */
import type {
  CompiledQuery,
  DatabaseConnection,
  DatabaseIntrospector,
  Dialect,
  DialectAdapter,
  Driver,
  Kysely,
  QueryCompiler,
  QueryResult,
  TransactionSettings,
} from 'kysely';

/**
 * How the database is failing:
 * - `unreachable`: it does not answer (connection refused or cut, shutting down, starting up,
 *   locked past the busy timeout). The next statement that succeeds ends it.
 * - `unwritable`: it answers but cannot write (disk full, I/O error, read-only after a failover).
 *   Reads still work then, so only a successful write ends it.
 */
export type DatabaseOutageKind = 'unreachable' | 'unwritable';

// PostgreSQL SQLSTATEs (appendix A of its manual); class 08 is "connection exception".
const unreachableSqlStates = new Set([
  '57P01', // admin_shutdown: `pg_ctl stop -m fast`, a restart, pg_terminate_backend
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now: starting up or shutting down
  '53300', // too_many_connections
  '53200', // out_of_memory
]);
const unwritableSqlStates = new Set([
  '53100', // disk_full
  '58030', // io_error
  '25006', // read_only_sql_transaction: a standby, e.g. during a failover
]);

// pg's own errors carry no code: the connection ended or never came.
const pgConnectionMessage =
  /^(Connection terminated|timeout exceeded when trying to connect|timeout expired|Client has encountered a connection error|Client was closed and is not queryable)/;

const unreachableSystemCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

// SQLite primary result codes (https://sqlite.org/rescode.html); node:sqlite reports the
// extended code as `errcode`, whose low byte is the primary one.
const sqliteBusy = 5;
const sqliteReadonly = 8;
const sqliteIoErr = 10;
const sqliteFull = 13;
const sqliteCantOpen = 14;
const sqliteProtocol = 15;

/** The `Retry-After` of a 503 `database_unavailable`: a restart or failover takes seconds. */
export const databaseRetryAfterSeconds = 5;

/** A database statement that did not answer in time (raised by this module's callers). */
export class DatabaseTimeoutError extends Error {
  constructor(timeoutMs: number) {
    super(`The database did not answer within ${String(timeoutMs)} ms`);
    this.name = 'DatabaseTimeoutError';
  }
}

function outageKindOfOne(error: object): DatabaseOutageKind | undefined {
  if (error instanceof DatabaseTimeoutError) return 'unreachable';
  const { code, errcode, message } = error as {
    code?: unknown;
    errcode?: unknown;
    message?: unknown;
  };
  if (code === 'ERR_SQLITE_ERROR' && typeof errcode === 'number') {
    switch (errcode & 0xff) {
      case sqliteBusy:
      case sqliteCantOpen:
      case sqliteProtocol:
        return 'unreachable';
      case sqliteFull:
      case sqliteIoErr:
      case sqliteReadonly:
        return 'unwritable';
      default:
        return undefined;
    }
  }
  if (typeof code === 'string') {
    if (unreachableSystemCodes.has(code)) return 'unreachable';
    if (code.length === 5) {
      if (code.startsWith('08') || unreachableSqlStates.has(code)) return 'unreachable';
      if (unwritableSqlStates.has(code)) return 'unwritable';
    }
  }
  if (typeof message === 'string' && pgConnectionMessage.test(message)) return 'unreachable';
  return undefined;
}

/**
 * The kind of outage `error` shows, or undefined if it is not one (a constraint violation, a
 * bug). Looks through `cause` and the errors of an AggregateError (a refused connection to a
 * host name with several addresses).
 */
export function databaseOutageKind(error: unknown, depth = 0): DatabaseOutageKind | undefined {
  if (typeof error !== 'object' || error === null || depth > 4) return undefined;
  const kind = outageKindOfOne(error);
  if (kind !== undefined) return kind;
  if (error instanceof AggregateError) {
    for (const inner of error.errors) {
      const innerKind = databaseOutageKind(inner, depth + 1);
      if (innerKind !== undefined) return innerKind;
    }
  }
  return databaseOutageKind((error as { cause?: unknown }).cause, depth + 1);
}

/** Where `DatabaseAvailability` writes its two lines per outage. */
export interface OutageLogger {
  error(object: object, message: string): void;
  info(object: object, message: string): void;
}

/** An outage as logged: from its first failure until the database has served a while. */
interface Outage {
  kind: DatabaseOutageKind;
  readonly since: number;
  lastFailureAt: number;
  /** Failures after the first, not logged one by one. */
  failures: number;
}

/** How long the database must serve before an outage counts as over (and is logged so). */
const recoveryQuietMs = 2000;

/**
 * The database's availability, as the statements the application runs find it. A failure that
 * shows an outage starts one, logged once at error level with its cause; the state says so
 * until a statement of the right kind succeeds. The outage is logged as over once the database
 * has served for a moment without failing: a restart ends connections one by one, and its
 * failures and successes interleave for a while.
 */
export class DatabaseAvailability {
  #state: DatabaseOutageKind | undefined;
  #outage: Outage | undefined;
  // Bumped when an outage starts: a statement sent before then cannot prove it is over.
  #generation = 0;
  #quietTimer: NodeJS.Timeout | undefined;
  #log: OutageLogger | undefined;

  /** Where to log outages from now on (the app's logger once it exists); none on close. */
  useLogger(log: OutageLogger | undefined): void {
    if (log === undefined && this.#state === undefined) this.#logRecovery();
    this.#log = log;
  }

  /** The current outage's kind, or undefined while the database serves. */
  get outage(): DatabaseOutageKind | undefined {
    return this.#state;
  }

  /** A token to hand back to `succeeded` when the statement sent now has succeeded. */
  get generation(): number {
    return this.#generation;
  }

  /** Records a failed statement or connection; returns the outage kind it shows, if any. */
  failed(error: unknown): DatabaseOutageKind | undefined {
    const kind = databaseOutageKind(error);
    if (kind === undefined) return undefined;
    const now = Date.now();
    if (this.#state !== kind && this.#state !== 'unreachable') {
      this.#state = kind;
      this.#generation++;
    }
    clearTimeout(this.#quietTimer);
    this.#quietTimer = undefined;
    const outage = this.#outage;
    if (outage !== undefined) {
      if (kind === 'unreachable') outage.kind = kind;
      outage.lastFailureAt = now;
      outage.failures++;
      return kind;
    }
    this.#outage = { kind, since: now, lastFailureAt: now, failures: 0 };
    this.#log?.error(
      { err: error, outage: kind },
      kind === 'unreachable'
        ? 'The database is unavailable: requests that need it answer 503 until it answers again'
        : 'The database is unavailable for writes: requests that write answer 503 until a write succeeds',
    );
    return kind;
  }

  /**
   * Records a statement that succeeded; `wrote` if it committed a write. `generation` is the
   * value of `generation` when it was sent.
   */
  succeeded(generation: number, wrote: boolean): void {
    const state = this.#state;
    if (state === undefined || generation !== this.#generation) return;
    if (state === 'unwritable' && !wrote) return;
    this.#state = undefined;
    this.#quietTimer = setTimeout(() => {
      this.#logRecovery();
    }, recoveryQuietMs);
    this.#quietTimer.unref();
  }

  #logRecovery(): void {
    clearTimeout(this.#quietTimer);
    this.#quietTimer = undefined;
    const outage = this.#outage;
    if (outage === undefined) return;
    this.#outage = undefined;
    this.#log?.info(
      {
        outage: outage.kind,
        downMs: outage.lastFailureAt - outage.since,
        failedAlso: outage.failures,
      },
      'The database answers again',
    );
  }
}

const writeNodes = new Set([
  'InsertQueryNode',
  'UpdateQueryNode',
  'DeleteQueryNode',
  'MergeQueryNode',
]);

/**
 * A connection that reports to `DatabaseAvailability`. A statement inside a transaction has
 * written nothing yet: only its commit proves a write.
 */
class MonitoredConnection implements DatabaseConnection {
  readonly inner: DatabaseConnection;
  readonly #availability: DatabaseAvailability;
  inTransaction = false;

  constructor(inner: DatabaseConnection, availability: DatabaseAvailability) {
    this.inner = inner;
    this.#availability = availability;
  }

  executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    const availability = this.#availability;
    const generation = availability.generation;
    return this.inner.executeQuery<R>(compiledQuery).then(
      (result) => {
        availability.succeeded(
          generation,
          !this.inTransaction && writeNodes.has(compiledQuery.query.kind),
        );
        return result;
      },
      (error: unknown) => {
        availability.failed(error);
        throw error;
      },
    );
  }

  async *streamQuery<R>(
    compiledQuery: CompiledQuery,
    chunkSize: number,
  ): AsyncIterableIterator<QueryResult<R>> {
    const generation = this.#availability.generation;
    try {
      yield* this.inner.streamQuery<R>(compiledQuery, chunkSize);
    } catch (error) {
      this.#availability.failed(error);
      throw error;
    }
    this.#availability.succeeded(generation, false);
  }
}

function monitored(connection: DatabaseConnection): MonitoredConnection {
  if (!(connection instanceof MonitoredConnection)) {
    throw new TypeError('Not a connection of this driver');
  }
  return connection;
}

class MonitoredDriver implements Driver {
  readonly #inner: Driver;
  readonly #availability: DatabaseAvailability;
  readonly #connections = new WeakMap<DatabaseConnection, MonitoredConnection>();

  constructor(inner: Driver, availability: DatabaseAvailability) {
    this.#inner = inner;
    this.#availability = availability;
  }

  async #report<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      this.#availability.failed(error);
      throw error;
    }
  }

  init(): Promise<void> {
    return this.#report(() => this.#inner.init());
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const inner = await this.#report(() => this.#inner.acquireConnection());
    let connection = this.#connections.get(inner);
    if (connection === undefined) {
      connection = new MonitoredConnection(inner, this.#availability);
      this.#connections.set(inner, connection);
    }
    return connection;
  }

  async beginTransaction(
    connection: DatabaseConnection,
    settings: TransactionSettings,
  ): Promise<void> {
    const connectionOf = monitored(connection);
    await this.#report(() => this.#inner.beginTransaction(connectionOf.inner, settings));
    connectionOf.inTransaction = true;
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const connectionOf = monitored(connection);
    const generation = this.#availability.generation;
    try {
      await this.#report(() => this.#inner.commitTransaction(connectionOf.inner));
    } finally {
      connectionOf.inTransaction = false;
    }
    this.#availability.succeeded(generation, true);
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    const connectionOf = monitored(connection);
    connectionOf.inTransaction = false;
    await this.#report(() => this.#inner.rollbackTransaction(connectionOf.inner));
  }

  savepoint(
    connection: DatabaseConnection,
    name: string,
    compileQuery: QueryCompiler['compileQuery'],
  ): Promise<void> {
    return this.#onSavepoint('savepoint', connection, name, compileQuery);
  }

  rollbackToSavepoint(
    connection: DatabaseConnection,
    name: string,
    compileQuery: QueryCompiler['compileQuery'],
  ): Promise<void> {
    return this.#onSavepoint('rollbackToSavepoint', connection, name, compileQuery);
  }

  releaseSavepoint(
    connection: DatabaseConnection,
    name: string,
    compileQuery: QueryCompiler['compileQuery'],
  ): Promise<void> {
    return this.#onSavepoint('releaseSavepoint', connection, name, compileQuery);
  }

  #onSavepoint(
    operation: 'savepoint' | 'rollbackToSavepoint' | 'releaseSavepoint',
    connection: DatabaseConnection,
    name: string,
    compileQuery: QueryCompiler['compileQuery'],
  ): Promise<void> {
    const inner = monitored(connection).inner;
    return this.#report(async () => {
      const run = this.#inner[operation]?.bind(this.#inner);
      if (run === undefined) throw new Error('The driver has no savepoints');
      await run(inner, name, compileQuery);
    });
  }

  releaseConnection(connection: DatabaseConnection): Promise<void> {
    const connectionOf = monitored(connection);
    connectionOf.inTransaction = false;
    return this.#inner.releaseConnection(connectionOf.inner);
  }

  destroy(): Promise<void> {
    return this.#inner.destroy();
  }
}

/** `dialect`, with every statement, connection and transaction reported to `availability`. */
export class MonitoredDialect implements Dialect {
  readonly #inner: Dialect;
  readonly #availability: DatabaseAvailability;

  constructor(inner: Dialect, availability: DatabaseAvailability) {
    this.#inner = inner;
    this.#availability = availability;
  }

  createDriver(): Driver {
    return new MonitoredDriver(this.#inner.createDriver(), this.#availability);
  }

  createQueryCompiler(): QueryCompiler {
    return this.#inner.createQueryCompiler();
  }

  createAdapter(): DialectAdapter {
    return this.#inner.createAdapter();
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- Kysely's Dialect signature
  createIntrospector(db: Kysely<any>): DatabaseIntrospector {
    return this.#inner.createIntrospector(db);
  }
}
