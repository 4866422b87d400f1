import type { Command } from 'commander';

export type AddCommand = (program: Command) => void;

export interface LazyCommand {
  name: string;
  /** The line `finops --help` shows; the module's own description is what `finops <name> --help` shows. */
  summary: string;
  load: () => Promise<AddCommand>;
}

/**
 * Each command group lives in its own `<name>.command.ts`, imported only when its command runs: most of them import the
 * API package (NestJS, Prisma, the cloud SDKs: ~4.5 s of CPU and ~300 MB at start-up), which `finops import` or
 * `finops --help` should not pay for.
 */
export const COMMANDS: readonly LazyCommand[] = [
  { name: 'account', summary: "A tenant's cloud accounts: billing export connections", load: async () => (await import('./account.command.ts')).addAccountCommand },
  { name: 'check', summary: 'Run cost-saving checkers against cloud inventory', load: async () => (await import('./check.command.ts')).addCheckCommand },
  { name: 'checker', summary: 'Checker development: list, scaffold and test checkers', load: async () => (await import('./checker.command.ts')).addCheckerCommand },
  { name: 'db', summary: 'The tenant store: migrate, status', load: async () => (await import('./db.command.ts')).addDbCommand },
  { name: 'demo', summary: 'Set up the demo tenant, then start the API and the portal', load: async () => (await import('./demo.command.ts')).addDemoCommand },
  { name: 'findings', summary: "A tenant's findings and their lifecycle state", load: async () => (await import('./findings.command.ts')).addFindingsCommand },
  { name: 'focus', summary: 'FOCUS billing data in the tenant lake: totals, validate', load: async () => (await import('./focus.command.ts')).addFocusCommand },
  { name: 'import', summary: "Import billing exports into a tenant's FOCUS 1.2 lake", load: async () => (await import('./import.command.ts')).addImportCommand },
  { name: 'tenant', summary: 'Create and list tenants', load: async () => (await import('./tenant.command.ts')).addTenantCommand },
  { name: 'apikey', summary: 'Manage tenant API keys', load: async () => (await import('./apikey.command.ts')).addApiKeyCommand },
  { name: 'serve', summary: 'Start the HTTP API', load: async () => (await import('./serve.command.ts')).addServeCommand },
  { name: 'user', summary: 'Manage users (platform admins and tenant members)', load: async () => (await import('./user.command.ts')).addUserCommand },
  { name: 'runs', summary: 'Queued and past runs: list, show with logs, trigger, cancel, retry', load: async () => (await import('./runs.command.ts')).addRunsCommand },
  { name: 'schedule', summary: 'Per-tenant schedules that queue import, inventory and check runs', load: async () => (await import('./schedule.command.ts')).addScheduleCommand },
  { name: 'worker', summary: 'Run the scheduler and the worker loop in the foreground', load: async () => (await import('./worker.command.ts')).addWorkerCommand },
];

/**
 * The command `argv` (process.argv form) runs, or whose help it asks for (`finops help <name>`): commander reads the
 * first operand as the command, and the program has no options of its own that take a value.
 */
export function selectedCommand(argv: readonly string[]): string | undefined {
  const operands = argv.slice(2).filter((a) => !a.startsWith('-'));
  const name = operands[0] === 'help' ? operands[1] : operands[0];
  return COMMANDS.some((c) => c.name === name) ? name : undefined;
}

/** The implementation of the command `argv` selects, keyed by name (empty when it selects none: help, a typo). */
export async function loadSelectedCommand(argv: readonly string[]): Promise<Record<string, AddCommand>> {
  const name = selectedCommand(argv);
  const entry = COMMANDS.find((c) => c.name === name);
  return entry ? { [entry.name]: await entry.load() } : {};
}

/**
 * Registers every command, in the order of COMMANDS: those in `loaded` with their implementation, the others by name
 * and summary only, enough for `finops --help` and commander's suggestions for a mistyped command.
 */
export function registerCommands(program: Command, loaded: Readonly<Record<string, AddCommand>> = {}): void {
  for (const command of COMMANDS) {
    const add = loaded[command.name];
    if (add) {
      add(program);
      continue;
    }
    program
      .command(command.name)
      .summary(command.summary)
      .allowUnknownOption()
      .allowExcessArguments()
      .action(() => {
        throw new Error(`finops ${command.name} was registered without its implementation: build the program with loadSelectedCommand(argv)`);
      });
  }
}
