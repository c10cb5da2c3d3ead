import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config.ts';
import { CliUsageError, type CliCommand, type CliIo } from './command.ts';
import { commands as allCommands } from './commands.ts';

const program = 'npm run assay --';

function usageLine(command: CliCommand): string {
  return [program, ...command.words, command.argumentsUsage, command.options ? '[options]' : '']
    .filter((part) => part !== undefined && part !== '')
    .join(' ');
}

function commandHelp(command: CliCommand): string {
  const options = Object.entries(command.options ?? {}).map(([name, option]) => {
    const value = option.type === 'string' ? ` <${name}>` : '';
    return `  --${name}${value}`;
  });
  return [
    `Usage: ${usageLine(command)}`,
    '',
    command.summary,
    ...(options.length > 0 ? ['', 'Options:', ...options] : []),
    '',
  ].join('\n');
}

function overview(commands: readonly CliCommand[]): string {
  const width = Math.max(...commands.map((command) => command.words.join(' ').length));
  return [
    `Usage: ${program} <command> [arguments]`,
    '',
    'Administers an Assay installation. Reads the same environment variables as the server',
    '(DATABASE_URL …).',
    '',
    'Commands:',
    ...commands.map((command) => `  ${command.words.join(' ').padEnd(width)}  ${command.summary}`),
    '  help [command]'.padEnd(width + 4) + 'Show this help, or the help of one command',
    '',
    `Run \`${program} <command> --help\` for a command's options.`,
    '',
  ].join('\n');
}

function findCommand(
  commands: readonly CliCommand[],
  words: readonly string[],
): CliCommand | undefined {
  return commands
    .filter((command) => command.words.every((word, index) => words[index] === word))
    .sort((a, b) => b.words.length - a.words.length)[0];
}

/**
 * Runs the admin command line with `argv` (without `node` and the script) and returns the exit
 * code: 0 success, 1 failure, 2 wrong usage.
 */
export async function runCli(
  argv: readonly string[],
  io: CliIo,
  commands: readonly CliCommand[] = allCommands,
): Promise<number> {
  const first = argv[0];
  if (first === undefined || first === '--help' || first === '-h') {
    (first === undefined ? io.stderr : io.stdout).write(overview(commands));
    return first === undefined ? 2 : 0;
  }
  if (first === 'help') {
    const command = argv.length > 1 ? findCommand(commands, argv.slice(1)) : undefined;
    io.stdout.write(command === undefined ? overview(commands) : commandHelp(command));
    return 0;
  }

  const command = findCommand(commands, argv);
  if (command === undefined) {
    io.stderr.write(`Unknown command: ${argv.filter((arg) => !arg.startsWith('-')).join(' ')}\n\n`);
    io.stderr.write(overview(commands));
    return 2;
  }

  try {
    const { values, positionals } = parseArgs({
      args: argv.slice(command.words.length),
      options: { ...command.options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
    if (values.help === true) {
      io.stdout.write(commandHelp(command));
      return 0;
    }
    if (command.argumentsUsage === undefined && positionals.length > 0) {
      throw new CliUsageError(`Unexpected argument: ${positionals.join(' ')}`);
    }
    const exitCode = await command.run({
      args: positionals,
      options: values,
      io,
      loadConfig: () => loadConfig(io.env),
    });
    return exitCode ?? 0;
  } catch (error) {
    if (error instanceof CliUsageError || isParseArgsError(error)) {
      io.stderr.write(`${(error as Error).message}\n\n${commandHelp(command)}`);
      return 2;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(error instanceof ConfigError ? `${message}\n` : `Error: ${message}\n`);
    return 1;
  }
}

function isParseArgsError(error: unknown): boolean {
  return (
    error instanceof TypeError &&
    'code' in error &&
    typeof error.code === 'string' &&
    error.code.startsWith('ERR_PARSE_ARGS_')
  );
}
