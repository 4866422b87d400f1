import { Command, CommanderError } from 'commander';
import { CliError } from './cli-output.ts';
import { loadSelectedCommand, registerCommands } from './commands/index.ts';

/** The program for `argv` (process.argv form): only the command it runs is imported, the others are listed by name. */
export async function buildProgram(argv: readonly string[]): Promise<Command> {
  const program = new Command('finops')
    .description('Open FinOps Stack: FOCUS billing imports, cost-saving checks and findings per tenant')
    .showHelpAfterError()
    .exitOverride();
  registerCommands(program, await loadSelectedCommand(argv));
  return program;
}

/** Returns the process exit code; never calls process.exit so tests can run commands in-process. */
export async function main(argv: string[]): Promise<number> {
  try {
    const program = await buildProgram(argv);
    await program.parseAsync(argv);
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.exitCode;
    }
    if (err instanceof CliError) {
      process.stderr.write(`error: ${err.message}\n`);
      return err.exitCode;
    }
    const known = err as { name?: string; message?: string; code?: string };
    if (known && typeof known.code === 'string' && known.message) {
      // Domain errors carry a code and a message naming the field, file or tenant at fault.
      process.stderr.write(`error: ${known.message}\n`);
      return 1;
    }
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return 1;
  }
}
