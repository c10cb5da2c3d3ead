import type { CliCommand } from './command.ts';
import { dbCommands } from './db.commands.ts';
import { identityCommands } from './identity.commands.ts';
import { secretsCommands } from './secrets.commands.ts';

/** Every admin command, in the order `--help` lists them. Add a topic's module here. */
export const commands: readonly CliCommand[] = [
  ...dbCommands,
  ...identityCommands,
  ...secretsCommands,
];
