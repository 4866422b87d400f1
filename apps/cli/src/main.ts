import { Command, CommanderError } from 'commander';
import { CliError } from './cli-output.ts';
import { registerCommands } from './commands/index.ts';

export function buildProgram(): Command {
  const program = new Command('finops')
    .description('Open FinOps Stack: FOCUS billing imports, cost-saving checks and findings per tenant')
    .showHelpAfterError()
    .exitOverride();
  registerCommands(program);
  return program;
}

/** Returns the process exit code; never calls process.exit so tests can run commands in-process. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
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
