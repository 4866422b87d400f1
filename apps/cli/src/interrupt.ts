import { CliError } from './cli-output.ts';

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/** Exit code of a command stopped by Ctrl-C or SIGTERM (128 + SIGINT, as shells report it). */
export const INTERRUPTED_EXIT_CODE = 130;

/**
 * Runs long work with an AbortSignal tied to Ctrl-C/SIGTERM: the first signal asks the work to stop at its next safe
 * point (an import undoes its staging and leaves the lake and ImportState as they were), a second one exits at once
 * (the journaled swap is still recovered by the next import or read). A stop surfaces as a CliError with exit code 130.
 */
export async function withInterrupt<T>(
  what: string,
  work: (signal: AbortSignal) => Promise<T>,
  stopped = 'the step in progress was undone (lake and import state as before it); finished steps stay',
): Promise<T> {
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      process.stderr.write(`\n${signal} again: exiting now\n`);
      process.exit(INTERRUPTED_EXIT_CODE);
    }
    process.stderr.write(`\n${signal}: stopping ${what} at the next safe point (again to exit at once)\n`);
    controller.abort(new Error(`${what} interrupted by ${signal}`));
  };
  for (const s of SIGNALS) process.on(s, onSignal);
  try {
    return await work(controller.signal);
  } catch (err) {
    if (controller.signal.aborted) {
      throw new CliError(`${what} interrupted: ${stopped}`, undefined, INTERRUPTED_EXIT_CODE);
    }
    throw err;
  } finally {
    for (const s of SIGNALS) process.off(s, onSignal);
  }
}
