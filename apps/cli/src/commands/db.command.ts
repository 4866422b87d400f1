import { type Command } from 'commander';
import { migrateStore, storeOptionsFromEnv } from '@openfinops/api';
import { printJson } from '../cli-output.ts';

interface JsonOption {
  json?: boolean;
}

export function addDbCommand(program: Command): void {
  const db = program
    .command('db')
    .description('The tenant store: embedded PGlite under FINOPS_DATA_DIR, or PostgreSQL when DATABASE_URL is set');

  db.command('migrate')
    .description('Apply pending SQL migrations from prisma/migrations (safe to run concurrently on PostgreSQL)')
    .option('--json', 'print the result as JSON')
    .action(async (opts: JsonOption) => {
      const result = await migrateStore(storeOptionsFromEnv());
      if (opts.json) {
        printJson({
          store: { kind: result.kind, location: result.location },
          applied: result.applied,
          alreadyApplied: result.alreadyApplied,
          upToDate: result.applied.length === 0,
        });
        return;
      }
      process.stdout.write(`Store: ${result.location}\n`);
      if (result.applied.length === 0) {
        process.stdout.write(`Up to date (${result.alreadyApplied.length} migration(s) applied)\n`);
        return;
      }
      for (const name of result.applied) process.stdout.write(`Applied ${name}\n`);
      process.stdout.write(`${result.applied.length} migration(s) applied\n`);
    });
}
