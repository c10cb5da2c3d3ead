import type { Kysely, Selectable } from 'kysely';

import type { ClientsTable, IdentityTables } from '../identity-tables.ts';

/** A stored machine client. */
export type ClientRow = Selectable<ClientsTable>;

/** The `clients` table: machine clients (client credentials). */
export class ClientsRepository {
  readonly #db: Kysely<IdentityTables>;

  constructor(db: Kysely<IdentityTables>) {
    this.#db = db;
  }

  async find(clientId: string): Promise<ClientRow | undefined> {
    return this.#db
      .selectFrom('clients')
      .selectAll()
      .where('client_id', '=', clientId)
      .executeTakeFirst();
  }

  async insert(row: ClientRow): Promise<void> {
    await this.#db.insertInto('clients').values(row).execute();
  }

  async list(): Promise<ClientRow[]> {
    return this.#db.selectFrom('clients').selectAll().orderBy('created_at').execute();
  }
}
