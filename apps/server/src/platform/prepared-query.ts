import type { Compilable, CompiledQuery, Kysely, QueryResult } from 'kysely';

/** Stands for an argument of a prepared query while the query is built and compiled. */
class Placeholder {
  readonly index: number;

  constructor(index: number) {
    this.index = index;
  }
}

interface Compiled<Row> {
  readonly query: CompiledQuery<Row>;
  /** For each parameter of the compiled query: the argument it takes, or undefined (a constant). */
  readonly slots: readonly (number | undefined)[];
}

/**
 * A query that the query builder builds and compiles once per database instance and then runs
 * with new values. On the busy paths building and compiling cost as much as running a short
 * query on SQLite, for a result that is the same string every time.
 *
 * `build` must put its arguments into the query as plain values (`where(column, '=', arg)`,
 * `set({ column: arg })`) and compute nothing from them: while it compiles, they are
 * placeholders. An instance with plugins (tests observe statements with one) compiles every
 * time, so that its plugins see every query.
 */
export function preparedQuery<DB, Args extends readonly unknown[], Row>(
  arity: Args['length'],
  build: (db: Kysely<DB>, ...args: Args) => Compilable<Row>,
): (db: Kysely<DB>, ...args: Args) => Promise<QueryResult<Row>> {
  const compiled = new WeakMap<Kysely<DB>, Compiled<Row>>();
  const compile = (db: Kysely<DB>): Compiled<Row> => {
    const placeholders = Array.from({ length: arity }, (_, index) => new Placeholder(index));
    const query = build(db, ...(placeholders as unknown as Args)).compile();
    const slots = query.parameters.map((value) =>
      value instanceof Placeholder ? value.index : undefined,
    );
    if (slots.filter((slot) => slot !== undefined).length !== arity) {
      throw new Error('A prepared query must use each of its arguments once, as a value');
    }
    return { query, slots };
  };
  return async (db, ...args) => {
    if (db.getExecutor().plugins.length > 0) return db.executeQuery(build(db, ...args));
    let entry = compiled.get(db);
    if (entry === undefined) {
      entry = compile(db);
      compiled.set(db, entry);
    }
    const { query, slots } = entry;
    return db.executeQuery<Row>({
      ...query,
      parameters: query.parameters.map((value, index) => {
        const slot = slots[index];
        return slot === undefined ? value : args[slot];
      }),
    });
  };
}
