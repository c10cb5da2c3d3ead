import { createDatabase } from '../platform/db.ts';
import { migrateToLatest } from '../platform/migrations.ts';
import { openSecretsKeyring } from '../platform/secrets-key.ts';
import type { CliCommand } from './command.ts';

const migrate: CliCommand = {
  words: ['db', 'migrate'],
  summary: 'Apply pending database migrations to DATABASE_URL',
  async run({ io, loadConfig }) {
    const config = loadConfig();
    const secrets = await openSecretsKeyring(config);
    const db = createDatabase(config.database);
    try {
      const applied = await migrateToLatest(db, undefined, { secrets });
      const where =
        config.database.target.engine === 'sqlite'
          ? `SQLite database ${config.database.target.file}`
          : 'PostgreSQL database';
      io.stdout.write(
        applied.length === 0
          ? `The ${where} is up to date; no migrations to apply.\n`
          : `Applied ${applied.length} migration(s) to the ${where}:\n${applied.map((name) => `  ${name}\n`).join('')}`,
      );
    } finally {
      await db.destroy();
    }
    return 0;
  },
};

/** Database commands. */
export const dbCommands: readonly CliCommand[] = [migrate];
