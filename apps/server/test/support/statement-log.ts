import type {
  KyselyPlugin,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  QueryResult,
  RootOperationNode,
  UnknownRow,
} from 'kysely';

/**
 * Records every statement the query builder sends through a `db.withPlugin(log)` handle, as its
 * operation tree (transaction control is not a statement).
 */
export class StatementLog implements KyselyPlugin {
  readonly #nodes: RootOperationNode[] = [];

  transformQuery({ node }: PluginTransformQueryArgs): RootOperationNode {
    this.#nodes.push(node);
    return node;
  }

  transformResult({ result }: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return Promise.resolve(result);
  }

  /** Runs `work` and returns the statements it sent. */
  async during(work: () => Promise<unknown>): Promise<RootOperationNode[]> {
    this.#nodes.length = 0;
    await work();
    return this.#nodes.splice(0);
  }
}
