import type { Command } from 'commander';
import { addAccountCommand } from './account.command.ts';
import { addCheckCommand } from './check.command.ts';
import { addCheckerCommand } from './checker.command.ts';
import { addDbCommand } from './db.command.ts';
import { addDemoCommand } from './demo.command.ts';
import { addFindingsCommand } from './findings.command.ts';
import { addFocusCommand } from './focus.command.ts';
import { addImportCommand } from './import.command.ts';
import { addTenantCommand } from './tenant.command.ts';
import { addApiKeyCommand } from './apikey.command.ts';
import { addServeCommand } from './serve.command.ts';
import { addUserCommand } from './user.command.ts';
import { addRunsCommand } from './runs.command.ts';
import { addScheduleCommand } from './schedule.command.ts';
import { addWorkerCommand } from './worker.command.ts';

/** Each command group lives in its own `<name>.command.ts` and is registered here. */
export function registerCommands(program: Command): void {
  addAccountCommand(program);
  addCheckCommand(program);
  addCheckerCommand(program);
  addDbCommand(program);
  addDemoCommand(program);
  addFindingsCommand(program);
  addFocusCommand(program);
  addImportCommand(program);
  addTenantCommand(program);
  addApiKeyCommand(program);
  addServeCommand(program);
  addUserCommand(program);
  addRunsCommand(program);
  addScheduleCommand(program);
  addWorkerCommand(program);
}
