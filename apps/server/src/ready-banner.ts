// What the server says once it listens: a JSON log entry for machines and, when stdout is a
// terminal, one plain line for the person who just ran `npm start`.
import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import { pino, type DestinationStream } from 'pino';
import type { Config } from './config.ts';
import { AccountsRepository } from './identity/accounts/accounts.repository.ts';
import type { Database } from './platform/database-schema.ts';

/** Creates the first admin; the password is read with a prompt and never echoed or in argv. */
export const createFirstAdminCommand =
  `read -rsp 'Password: ' PW; printf '%s' "$PW" | npm run assay -- users create ` +
  `--username admin --email admin@example.org --name "Ada Admin" --role admin`;

/** What a person should do next, if anything: create the first admin, or nothing. */
async function nextStep(config: Config, db: Kysely<Database>): Promise<string> {
  if (config.identity.mode === 'external') {
    return ` — accounts and roles are managed at ${config.identity.issuer}`;
  }
  // A failing database is reported by /readyz and the requests; here it only costs the hint.
  const hasAdmin = await new AccountsRepository(db).hasEnabledAdmin().catch(() => true);
  return hasAdmin ? '' : ` — create the first admin with:\n  ${createFirstAdminCommand}`;
}

/**
 * Logs that Assay is ready at its public URL (the listening address, such as 127.0.0.1, is not
 * where users open it) and, when stdout is a terminal, prints the same as a plain line with the
 * next step.
 */
export async function announceReady(
  log: FastifyBaseLogger,
  config: Config,
  db: Kysely<Database>,
  address: string,
  terminal: boolean = process.stdout.isTTY,
): Promise<void> {
  const ready = `Assay is ready at ${config.publicUrl}`;
  const next = terminal ? await nextStep(config, db) : '';
  log.info({ address, publicUrl: config.publicUrl }, ready);
  if (!terminal) return;
  // pino writes asynchronously; through its own stream the line follows the queued entries.
  const stream = Reflect.get(log, pino.symbols.streamSym) as DestinationStream | undefined;
  (stream ?? process.stdout).write(`\n${ready}${next}\n\n`);
}
