import type { ParseArgsOptionsConfig } from 'node:util';
import type { Config } from '../config.ts';

/** The streams and environment a command runs with. */
export interface CliIo {
  readonly stdin: NodeJS.ReadableStream;
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** What a command's `run` receives. */
export interface CliContext {
  /** Positional arguments after the command words. */
  readonly args: readonly string[];
  /** Parsed `--options`, as declared in the command's `options`. */
  readonly options: Readonly<Record<string, string | boolean | (string | boolean)[] | undefined>>;
  readonly io: CliIo;
  /** Loads the configuration from the environment; throws `ConfigError` if it is invalid. */
  readonly loadConfig: () => Config;
}

/**
 * One admin command. Commands live in modules grouped by topic (`db.commands.ts`, later
 * `users.commands.ts` …) and are listed in `commands.ts`.
 */
export interface CliCommand {
  /** The words that select it, e.g. `['db', 'migrate']`. */
  readonly words: readonly string[];
  /** Arguments shown in the usage line, e.g. `<username>`. */
  readonly argumentsUsage?: string;
  /** One line for the command list. */
  readonly summary: string;
  /** Its `--options` (node:util parseArgs). `--help` is always available. */
  readonly options?: ParseArgsOptionsConfig;
  /** Runs the command; resolves to the exit code (0 if nothing is returned). */
  run(context: CliContext): Promise<number | undefined>;
}

/** Wrong use of a command: the message and the command's usage go to stderr, exit code 2. */
export class CliUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliUsageError';
  }
}
