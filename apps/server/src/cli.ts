// The admin command line: `npm run assay -- <command>`. Commands are in cli/commands.ts.
import { runCli } from './cli/run.ts';

const exitCode = await runCli(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
});
process.exitCode = exitCode;
