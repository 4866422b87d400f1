import type { Command } from 'commander';

/** Each command group lives in its own `<name>.command.ts` and is registered here. */
export function registerCommands(program: Command): void {
  void program;
}
