import type { Command } from 'commander';
import { addFocusCommand } from './focus.command.ts';
import { addImportCommand } from './import.command.ts';

/** Each command group lives in its own `<name>.command.ts` and is registered here. */
export function registerCommands(program: Command): void {
  addFocusCommand(program);
  addImportCommand(program);
}
