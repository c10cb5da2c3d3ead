import type { Compilable, CompiledQuery, Kysely, QueryResult } from 'kysely';

/** Stands for a parameter of a prepared query while the query is built and compiled. */
class Placeholder {
  readonly name: string;

  constructor(name: string) {
    this.name = name;
  }
}

interface Compiled<Row> {
  readonly query: CompiledQuery<Row>;
  /** For each parameter of the compiled query: the named value it takes, or undefined (a constant). */
  readonly slots: readonly (string | undefined)[];
}

/**
 * A query that the query builder builds and compiles once per database instance and then runs
 * with new values. On the busy paths building and compiling cost as much as running a short
 * query on SQLite, for a result that is the same string every time.
 *
 * `build` must put each of its named values into the query once, as a plain value
 * (`where(column, '=', params.id)`, `set({ column: params.value })`), and compute nothing from
 * them: while it compiles, they are placeholders. An instance with plugins (tests observe
 * statements with one) compiles every time, so that its plugins see every query.
 */
export function preparedQuery<DB, Params extends Record<string, unknown>, Row>(
  build: (db: Kysely<DB>, params: Params) => Compilable<Row>,
): (db: Kysely<DB>, params: Params) => Promise<QueryResult<Row>> {
  const compiled = new WeakMap<Kysely<DB>, Compiled<Row>>();
  const compile = (db: Kysely<DB>, names: readonly string[]): Compiled<Row> => {
    const placeholders = Object.fromEntries(names.map((name) => [name, new Placeholder(name)]));
    const query = build(db, placeholders as Params).compile();
    const slots = query.parameters.map((value) =>
      value instanceof Placeholder ? value.name : undefined,
    );
    const used = slots.filter((slot) => slot !== undefined);
    if (used.length !== names.length || new Set(used).size !== names.length) {
      throw new Error('A prepared query must use each of its values once, as a value');
    }
    return { query, slots };
  };
  return async (db, params) => {
    if (db.getExecutor().plugins.length > 0) return db.executeQuery(build(db, params));
    let entry = compiled.get(db);
    if (entry === undefined) {
      entry = compile(db, Object.keys(params));
      compiled.set(db, entry);
    }
    const { query, slots } = entry;
    return db.executeQuery<Row>({
      ...query,
      parameters: query.parameters.map((value, index) => {
        const slot = slots[index];
        return slot === undefined ? value : params[slot];
      }),
    });
  };
}
